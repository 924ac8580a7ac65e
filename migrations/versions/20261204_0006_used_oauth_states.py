"""used_oauth_state: each signed OAuth state connects a company once.

Revision ID: 0006_used_oauth_state
Revises: 0005_business_ids_never_reused
Create Date: 2026-12-04 16:00:00

A replayed ``/qbo/callback`` used to post its authorization code to Intuit again (with retries);
the callback now records the state's nonce before exchanging the code, and a nonce already
recorded is refused.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import domains.sqltypes

revision: str = "0006_used_oauth_state"
down_revision: str | None = "0005_business_ids_never_reused"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "used_oauth_state",
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("issued_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_used_oauth_state")),
    )
    with op.batch_alter_table("used_oauth_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_used_oauth_state_issued_at"), ["issued_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("used_oauth_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_used_oauth_state_issued_at"))
    op.drop_table("used_oauth_state")
