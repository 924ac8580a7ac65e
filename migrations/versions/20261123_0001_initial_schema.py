"""Initial schema: the QBO mirror and Runway's own tables (sync runs, API tokens, decisions).

Revision ID: 0001
Revises:
Create Date: 2026-11-23 16:46:08.129854
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import domains.sqltypes

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("all_businesses", sa.Boolean(), nullable=False),
        sa.Column("created_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "business",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("legal_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("home_currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("company_email", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("connection_status", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("access_token_encrypted", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("refresh_token_encrypted", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column(
            "access_token_expires_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("cdc_cursor", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("sync_progress", domains.sqltypes.RawJson, nullable=False),
        sa.Column("last_synced_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_sync_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("last_sync_error_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("api_calls", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business")),
        sa.UniqueConstraint("realm_id", name=op.f("uq_business_realm_id")),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sync_token", sa.Integer(), nullable=False),
        sa.Column("qbo_updated_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("raw", domains.sqltypes.RawJson, nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column(
            "fully_qualified_name", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True
        ),
        sa.Column("account_type", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("account_sub_type", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("classification", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("current_balance", domains.sqltypes.Money(precision=18, scale=4), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_account_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("business_id", "qbo_id", name="uq_account_business_id_qbo_id"),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_account_type"), ["account_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_business_id"), ["business_id"], unique=False)

    op.create_table(
        "api_token_business",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["business_id"], ["business.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["token_id"], ["api_token.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_id", "business_id"),
    )
    with op.batch_alter_table("api_token_business", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_token_business_business_id"), ["business_id"], unique=False
        )

    op.create_table(
        "bill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sync_token", sa.Integer(), nullable=False),
        sa.Column("qbo_updated_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("raw", domains.sqltypes.RawJson, nullable=False),
        sa.Column("doc_number", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("txn_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("total_amt", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column("balance", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("term_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("vendor_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("vendor_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("ap_account_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_bill_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill")),
        sa.UniqueConstraint("business_id", "qbo_id", name="uq_bill_business_id_qbo_id"),
    )
    with op.batch_alter_table("bill", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bill_business_id"), ["business_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bill_due_date"), ["due_date"], unique=False)

    op.create_table(
        "bill_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sync_token", sa.Integer(), nullable=False),
        sa.Column("qbo_updated_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("raw", domains.sqltypes.RawJson, nullable=False),
        sa.Column("vendor_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("txn_date", sa.Date(), nullable=True),
        sa.Column("total_amt", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column("pay_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_bill_payment_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_payment")),
        sa.UniqueConstraint("business_id", "qbo_id", name="uq_bill_payment_business_id_qbo_id"),
    )
    with op.batch_alter_table("bill_payment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bill_payment_business_id"), ["business_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_bill_payment_txn_date"), ["txn_date"], unique=False)

    op.create_table(
        "customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sync_token", sa.Integer(), nullable=False),
        sa.Column("qbo_updated_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("raw", domains.sqltypes.RawJson, nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("company_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("term_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("balance", domains.sqltypes.Money(precision=18, scale=4), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_customer_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer")),
        sa.UniqueConstraint("business_id", "qbo_id", name="uq_customer_business_id_qbo_id"),
    )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_business_id"), ["business_id"], unique=False)

    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sync_token", sa.Integer(), nullable=False),
        sa.Column("qbo_updated_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("raw", domains.sqltypes.RawJson, nullable=False),
        sa.Column("doc_number", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("txn_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("total_amt", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column("balance", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("term_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("customer_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("customer_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("bill_email", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("email_status", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_invoice_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice")),
        sa.UniqueConstraint("business_id", "qbo_id", name="uq_invoice_business_id_qbo_id"),
    )
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_business_id"), ["business_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoice_due_date"), ["due_date"], unique=False)

    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sync_token", sa.Integer(), nullable=False),
        sa.Column("qbo_updated_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("raw", domains.sqltypes.RawJson, nullable=False),
        sa.Column("customer_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("txn_date", sa.Date(), nullable=True),
        sa.Column("total_amt", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column("unapplied_amt", domains.sqltypes.Money(precision=18, scale=4), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_payment_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint("business_id", "qbo_id", name="uq_payment_business_id_qbo_id"),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_business_id"), ["business_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_txn_date"), ["txn_date"], unique=False)

    op.create_table(
        "purchase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sync_token", sa.Integer(), nullable=False),
        sa.Column("qbo_updated_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("raw", domains.sqltypes.RawJson, nullable=False),
        sa.Column("txn_date", sa.Date(), nullable=True),
        sa.Column("total_amt", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column("payment_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("account_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("entity_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("credit", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_purchase_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase")),
        sa.UniqueConstraint("business_id", "qbo_id", name="uq_purchase_business_id_qbo_id"),
    )
    with op.batch_alter_table("purchase", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_purchase_business_id"), ["business_id"], unique=False)

    op.create_table(
        "sync_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("trigger", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("started_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("changed", domains.sqltypes.RawJson, nullable=False),
        sa.Column("api_calls", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_sync_run_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_run")),
    )
    with op.batch_alter_table("sync_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_run_business_id"), ["business_id"], unique=False)

    op.create_table(
        "term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sync_token", sa.Integer(), nullable=False),
        sa.Column("qbo_updated_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("raw", domains.sqltypes.RawJson, nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=True),
        sa.Column("discount_percent", domains.sqltypes.Money(precision=18, scale=4), nullable=True),
        sa.Column("discount_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_term_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term")),
        sa.UniqueConstraint("business_id", "qbo_id", name="uq_term_business_id_qbo_id"),
    )
    with op.batch_alter_table("term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_term_business_id"), ["business_id"], unique=False)

    op.create_table(
        "vendor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sync_token", sa.Integer(), nullable=False),
        sa.Column("qbo_updated_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("raw", domains.sqltypes.RawJson, nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("company_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("term_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("balance", domains.sqltypes.Money(precision=18, scale=4), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_vendor_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor")),
        sa.UniqueConstraint("business_id", "qbo_id", name="uq_vendor_business_id_qbo_id"),
    )
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vendor_business_id"), ["business_id"], unique=False)

    op.create_table(
        "bill_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decided_for", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("decided_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bill.id"], name=op.f("fk_bill_decision_bill_id_bill")
        ),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_bill_decision_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_decision")),
    )
    with op.batch_alter_table("bill_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bill_decision_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_bill_decision_business_id"), ["business_id"], unique=False
        )

    op.create_table(
        "bill_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("line_num", sa.Integer(), nullable=True),
        sa.Column("detail_type", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("amount", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("item_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("item_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("account_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("account_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bill.id"], name=op.f("fk_bill_line_bill_id_bill"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_bill_line_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_line")),
    )
    with op.batch_alter_table("bill_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bill_line_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bill_line_business_id"), ["business_id"], unique=False)

    op.create_table(
        "bill_payment_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_payment_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("bill_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("amount", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_payment_id"],
            ["bill_payment.id"],
            name=op.f("fk_bill_payment_line_bill_payment_id_bill_payment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_bill_payment_line_business_id_business")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_payment_line")),
    )
    with op.batch_alter_table("bill_payment_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bill_payment_line_bill_payment_id"), ["bill_payment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bill_payment_line_business_id"), ["business_id"], unique=False
        )

    op.create_table(
        "invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("line_num", sa.Integer(), nullable=True),
        sa.Column("detail_type", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("amount", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("item_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("item_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_invoice_line_business_id_business")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
            name=op.f("fk_invoice_line_invoice_id_invoice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_line")),
    )
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_line_business_id"), ["business_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_line_invoice_id"), ["invoice_id"], unique=False
        )

    op.create_table(
        "payment_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("invoice_qbo_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("amount", domains.sqltypes.Money(precision=18, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_payment_line_business_id_business")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payment.id"],
            name=op.f("fk_payment_line_payment_id_payment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_line")),
    )
    with op.batch_alter_table("payment_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_line_business_id"), ["business_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_line_payment_id"), ["payment_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("payment_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_line_payment_id"))
        batch_op.drop_index(batch_op.f("ix_payment_line_business_id"))

    op.drop_table("payment_line")
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_line_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_line_business_id"))

    op.drop_table("invoice_line")
    with op.batch_alter_table("bill_payment_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bill_payment_line_business_id"))
        batch_op.drop_index(batch_op.f("ix_bill_payment_line_bill_payment_id"))

    op.drop_table("bill_payment_line")
    with op.batch_alter_table("bill_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bill_line_business_id"))
        batch_op.drop_index(batch_op.f("ix_bill_line_bill_id"))

    op.drop_table("bill_line")
    with op.batch_alter_table("bill_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bill_decision_business_id"))
        batch_op.drop_index(batch_op.f("ix_bill_decision_bill_id"))

    op.drop_table("bill_decision")
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vendor_business_id"))

    op.drop_table("vendor")
    with op.batch_alter_table("term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_term_business_id"))

    op.drop_table("term")
    with op.batch_alter_table("sync_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_run_business_id"))

    op.drop_table("sync_run")
    with op.batch_alter_table("purchase", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_business_id"))

    op.drop_table("purchase")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_txn_date"))
        batch_op.drop_index(batch_op.f("ix_payment_business_id"))

    op.drop_table("payment")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_due_date"))
        batch_op.drop_index(batch_op.f("ix_invoice_business_id"))

    op.drop_table("invoice")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_business_id"))

    op.drop_table("customer")
    with op.batch_alter_table("bill_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bill_payment_txn_date"))
        batch_op.drop_index(batch_op.f("ix_bill_payment_business_id"))

    op.drop_table("bill_payment")
    with op.batch_alter_table("bill", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bill_due_date"))
        batch_op.drop_index(batch_op.f("ix_bill_business_id"))

    op.drop_table("bill")
    with op.batch_alter_table("api_token_business", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_business_business_id"))

    op.drop_table("api_token_business")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_business_id"))
        batch_op.drop_index(batch_op.f("ix_account_account_type"))

    op.drop_table("account")
    op.drop_table("business")
    op.drop_table("api_token")
