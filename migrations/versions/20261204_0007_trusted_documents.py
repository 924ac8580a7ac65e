"""Trusted documents, and the ad-hoc flag of API tokens.

Revision ID: 0007_trusted_documents
Revises: 0006_used_oauth_state
Create Date: 2026-12-04 17:00:00

Existing tokens are not ad hoc: in production they may send only registered documents once this
runs (``runway documents register``; ``RUNWAY_TRUSTED_DOCUMENTS=false`` turns the check off).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import domains.sqltypes

revision: str = "0007_trusted_documents"
down_revision: str | None = "0006_used_oauth_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trusted_document",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_document")),
        sa.UniqueConstraint("sha256", name=op.f("uq_trusted_document_sha256")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ad_hoc", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("ad_hoc")
    op.drop_table("trusted_document")
