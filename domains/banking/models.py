"""Tables for the chart of accounts and for purchases (expenses paid outside bills)."""

from datetime import date
from decimal import Decimal

from sqlmodel import Field

from domains.mirror_columns import MirrorFields, mirror_table_args
from domains.sqltypes import Money


class Account(MirrorFields, table=True):
    """A QBO Account; bank accounts' ``current_balance`` is the cash the digest starts from."""

    __tablename__ = "account"
    __table_args__ = mirror_table_args("account")

    name: str = Field(max_length=255)
    fully_qualified_name: str | None = Field(default=None, max_length=1024)
    account_type: str | None = Field(default=None, max_length=64, index=True)
    account_sub_type: str | None = Field(default=None, max_length=64)
    classification: str | None = Field(default=None, max_length=32)
    current_balance: Decimal | None = Field(default=None, sa_type=Money)
    currency: str | None = Field(default=None, max_length=3)
    active: bool = Field(default=True)


class Purchase(MirrorFields, table=True):
    """A QBO Purchase: money out by cash, check or card without a bill (baseline spend)."""

    __tablename__ = "purchase"
    __table_args__ = mirror_table_args("purchase")

    txn_date: date | None = Field(default=None)
    total_amt: Decimal = Field(sa_type=Money)
    payment_type: str | None = Field(default=None, max_length=32)
    account_qbo_id: str | None = Field(default=None, max_length=64)
    entity_qbo_id: str | None = Field(default=None, max_length=64)
    entity_type: str | None = Field(default=None, max_length=32)
    currency: str | None = Field(default=None, max_length=3)
    credit: bool = Field(default=False)
