"""Stored assessments, and the business's data version that says when one is stale.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 15:49:11

Existing businesses start at data version 0 with no stored assessment: the first request (or the
assessment job) computes each one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import domains.sqltypes

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("thresholds_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("computed_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["business.id"],
            name=op.f("fk_assessment_business_id_business"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
        sa.UniqueConstraint("business_id", "as_of", name="uq_assessment_business_id_as_of"),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_business_id"), ["business_id"], unique=False
        )

    op.create_table(
        "assessment_claim",
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("lease_until", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["business.id"],
            name=op.f("fk_assessment_claim_business_id_business"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("business_id", name=op.f("pk_assessment_claim")),
    )
    op.create_table(
        "assessed_bill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column(
            "sort_key",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("ready", sa.Boolean(), nullable=False),
        sa.Column("days_until_due", sa.Integer(), nullable=False),
        sa.Column("amount", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column("vendor_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("urgency", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("bill_group", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("discount_savings", domains.sqltypes.Money(precision=18, scale=4), nullable=True),
        sa.Column("plan_cash_after", domains.sqltypes.Money(precision=18, scale=4), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessed_bill_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessed_bill")),
    )
    with op.batch_alter_table("assessed_bill", schema=None) as batch_op:
        batch_op.create_index("ix_assessed_bill_page", ["assessment_id", "sort_key"], unique=True)

    op.create_table(
        "assessed_hygiene_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column(
            "sort_key",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("severity_rank", sa.Integer(), nullable=False),
        sa.Column("code_mask", sa.Integer(), nullable=False),
        sa.Column("amount", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column(
            "counterparty_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
        ),
        sa.Column("search_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("issue_count", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessed_hygiene_item_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessed_hygiene_item")),
    )
    with op.batch_alter_table("assessed_hygiene_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessed_hygiene_item_page", ["assessment_id", "sort_key"], unique=True
        )

    op.create_table(
        "assessed_invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column(
            "sort_key",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("amount", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column("urgency", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessed_invoice_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessed_invoice")),
    )
    with op.batch_alter_table("assessed_invoice", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessed_invoice_page", ["assessment_id", "sort_key"], unique=True
        )

    # Plain ADD and DROP COLUMN (SQLite 3.35+ has both): a batch copy of the table would drop
    # and recreate business, which the foreign keys of every other table refuse.
    op.add_column(
        "business",
        sa.Column("data_version", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )


def downgrade() -> None:
    op.drop_column("business", "data_version")

    with op.batch_alter_table("assessed_invoice", schema=None) as batch_op:
        batch_op.drop_index("ix_assessed_invoice_page")

    op.drop_table("assessed_invoice")
    with op.batch_alter_table("assessed_hygiene_item", schema=None) as batch_op:
        batch_op.drop_index("ix_assessed_hygiene_item_page")

    op.drop_table("assessed_hygiene_item")
    with op.batch_alter_table("assessed_bill", schema=None) as batch_op:
        batch_op.drop_index("ix_assessed_bill_page")

    op.drop_table("assessed_bill")
    op.drop_table("assessment_claim")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_business_id"))

    op.drop_table("assessment")
