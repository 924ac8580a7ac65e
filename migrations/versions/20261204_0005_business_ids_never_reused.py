"""Business ids are never reused: SQLite's business table gets AUTOINCREMENT.

Revision ID: 0005_business_ids_never_reused
Revises: 0004
Create Date: 2026-12-04 15:00:00

Without AUTOINCREMENT, SQLite hands a new row the largest id in use plus one, so after the
newest business is removed the next company connected would get its id, and with it anything
still keyed on that number outside the database (a token scope written down, an id in a script,
an SPA's cache). With it, SQLite remembers the largest id ever used (``sqlite_sequence``).
PostgreSQL's sequence already never goes back: nothing changes there.

The table is rebuilt (copy, drop, rename: Alembic's batch mode). ``migrations/env.py`` turns
foreign keys off while migrating SQLite, as Alembic advises for batch mode: with them on, the
drop would delete every row that references a business through ``ON DELETE CASCADE``.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_business_ids_never_reused"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuild_business(*, autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "business", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def upgrade() -> None:
    _rebuild_business(autoincrement=True)


def downgrade() -> None:
    _rebuild_business(autoincrement=False)
