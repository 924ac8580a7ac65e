"""The columns every mirrored QBO table shares, and the key each one upserts on
(docs/design.md#the-mirror).

Every QBO entity lands keyed on ``business_id`` + ``qbo_id`` with its ``sync_token``, QBO's last
update time, a soft-delete mark and the JSON as received; ``domains.upsert`` writes them.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from domains.sqltypes import Money, RawJson, UtcDateTime

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Deterministic constraint names, so migrations agree on SQLite and PostgreSQL."""


def mirror_table_args(table_name: str) -> tuple[UniqueConstraint]:
    """The ``(business_id, qbo_id)`` key that every mirrored table upserts on."""
    return (UniqueConstraint("business_id", "qbo_id", name=f"uq_{table_name}_business_id_qbo_id"),)


class MirrorFields(SQLModel):
    """Columns present on every table that mirrors a QBO object."""

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    qbo_id: str = Field(max_length=64)
    sync_token: int = Field(default=0)
    qbo_updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    raw: dict[str, Any] = Field(default_factory=dict, sa_type=RawJson)


class ContactFields(MirrorFields):
    """What vendors and customers share: a named party with an email, terms and a balance."""

    display_name: str = Field(max_length=255)
    company_name: str | None = Field(default=None, max_length=255)
    email: str | None = Field(default=None, max_length=255)
    term_qbo_id: str | None = Field(default=None, max_length=64)
    balance: Decimal | None = Field(default=None, sa_type=Money)
    active: bool = Field(default=True)


class DocumentFields(MirrorFields):
    """What bills and invoices share: a dated document with a total, a balance and terms."""

    doc_number: str | None = Field(default=None, max_length=64)
    txn_date: date | None = Field(default=None)
    due_date: date | None = Field(default=None, index=True)
    total_amt: Decimal = Field(sa_type=Money)
    balance: Decimal = Field(sa_type=Money)
    currency: str | None = Field(default=None, max_length=3)
    term_qbo_id: str | None = Field(default=None, max_length=64)


class LineFields(SQLModel):
    """What bill and invoice lines share; each table adds its parent key and categorisation."""

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    line_num: int | None = Field(default=None)
    detail_type: str | None = Field(default=None, max_length=64)
    amount: Decimal = Field(sa_type=Money)
    description: str | None = Field(default=None)
    item_qbo_id: str | None = Field(default=None, max_length=64)
    item_name: str | None = Field(default=None, max_length=255)
