"""Bill.private_note: QBO's memo as a column, so the views read it without decoding ``raw``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:40:00

Existing bills get it from their stored ``raw`` JSON (only when it is a string, as the mapper
would have kept it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL = {
    "sqlite": (
        "UPDATE bill SET private_note = json_extract(raw, '$.PrivateNote') "
        "WHERE json_type(raw, '$.PrivateNote') = 'text'"
    ),
    "postgresql": (
        "UPDATE bill SET private_note = raw ->> 'PrivateNote' "
        "WHERE jsonb_typeof(raw -> 'PrivateNote') = 'string'"
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("bill", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("private_note", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
    backfill = _BACKFILL.get(op.get_bind().dialect.name)
    if backfill is not None:
        op.execute(backfill)


def downgrade() -> None:
    with op.batch_alter_table("bill", schema=None) as batch_op:
        batch_op.drop_column("private_note")
