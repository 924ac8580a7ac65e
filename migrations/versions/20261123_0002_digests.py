"""Digest runs (one item per business), stored digests, the e-mail outbox and schedule locks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:32:00.449809
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import domains.sqltypes

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "digest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("deliver", sa.Boolean(), nullable=False),
        sa.Column("force", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("created_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("started_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_run")),
    )
    with op.batch_alter_table("digest_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_run_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_digest_run_week_start"), ["week_start"], unique=False)

    op.create_table(
        "schedule_lock",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("expires_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_fired_for", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_schedule_lock")),
    )
    op.create_table(
        "stored_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("generated_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("snapshot", domains.sqltypes.RawJson, nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_stored_digest_business_id_business")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["digest_run.id"], name=op.f("fk_stored_digest_run_id_digest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_digest")),
        sa.UniqueConstraint(
            "business_id", "week_start", name="uq_stored_digest_business_id_week_start"
        ),
    )
    with op.batch_alter_table("stored_digest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stored_digest_business_id"), ["business_id"], unique=False
        )

    op.create_table(
        "digest_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("recipients", domains.sqltypes.RawJson, nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("sent_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_digest_email_business_id_business")
        ),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["stored_digest.id"],
            name=op.f("fk_digest_email_digest_id_stored_digest"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_email")),
        sa.UniqueConstraint("digest_id", name=op.f("uq_digest_email_digest_id")),
    )
    with op.batch_alter_table("digest_email", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_digest_email_business_id"), ["business_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_digest_email_status"), ["status"], unique=False)

    op.create_table(
        "digest_run_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("lease_expires_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=True),
        sa.Column("digest_id", sa.Integer(), nullable=True),
        sa.Column("reused", sa.Boolean(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("updated_at", domains.sqltypes.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_digest_run_item_business_id_business")
        ),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["stored_digest.id"],
            name=op.f("fk_digest_run_item_digest_id_stored_digest"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["digest_run.id"],
            name=op.f("fk_digest_run_item_run_id_digest_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_run_item")),
        sa.UniqueConstraint("run_id", "business_id", name="uq_digest_run_item_run_id_business_id"),
    )
    with op.batch_alter_table("digest_run_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_digest_run_item_business_id"), ["business_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_digest_run_item_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_digest_run_item_status"), ["status"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("digest_run_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_run_item_status"))
        batch_op.drop_index(batch_op.f("ix_digest_run_item_run_id"))
        batch_op.drop_index(batch_op.f("ix_digest_run_item_business_id"))

    op.drop_table("digest_run_item")
    with op.batch_alter_table("digest_email", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_email_status"))
        batch_op.drop_index(batch_op.f("ix_digest_email_business_id"))

    op.drop_table("digest_email")
    with op.batch_alter_table("stored_digest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_digest_business_id"))

    op.drop_table("stored_digest")
    op.drop_table("schedule_lock")
    with op.batch_alter_table("digest_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_run_week_start"))
        batch_op.drop_index(batch_op.f("ix_digest_run_status"))

    op.drop_table("digest_run")
