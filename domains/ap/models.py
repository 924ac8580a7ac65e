"""Tables for vendors, bills (with lines) and bill payments (with the bills they settle)."""

from datetime import date
from decimal import Decimal

from sqlmodel import Field, SQLModel

from domains.mirror_columns import (
    ContactFields,
    DocumentFields,
    LineFields,
    MirrorFields,
    mirror_table_args,
)
from domains.sqltypes import Money


class Vendor(ContactFields, table=True):
    """A QBO Vendor; inactive ones are mirrored too (a bill may still point at one)."""

    __tablename__ = "vendor"
    __table_args__ = mirror_table_args("vendor")


class Bill(DocumentFields, table=True):
    """A QBO Bill: what the business owes a vendor, open while ``balance`` > 0."""

    __tablename__ = "bill"
    __table_args__ = mirror_table_args("bill")

    vendor_qbo_id: str | None = Field(default=None, max_length=64)
    vendor_name: str | None = Field(default=None, max_length=255)
    ap_account_qbo_id: str | None = Field(default=None, max_length=64)
    private_note: str | None = Field(default=None)
    """QBO's memo (``PrivateNote``), which the late-fee rule reads: a column, so the views never
    decode ``raw``."""


class BillLine(LineFields, table=True):
    """One line of a bill: the account or item it is categorised to (hygiene: UNCATEGORIZED)."""

    __tablename__ = "bill_line"

    bill_id: int = Field(foreign_key="bill.id", index=True, ondelete="CASCADE")
    account_qbo_id: str | None = Field(default=None, max_length=64)
    account_name: str | None = Field(default=None, max_length=255)


class BillPayment(MirrorFields, table=True):
    """A QBO BillPayment: money out to a vendor (feeds the weekly burn)."""

    __tablename__ = "bill_payment"
    __table_args__ = mirror_table_args("bill_payment")

    vendor_qbo_id: str | None = Field(default=None, max_length=64)
    txn_date: date | None = Field(default=None, index=True)
    total_amt: Decimal = Field(sa_type=Money)
    pay_type: str | None = Field(default=None, max_length=32)
    currency: str | None = Field(default=None, max_length=3)


class BillPaymentLine(SQLModel, table=True):
    """The part of a bill payment applied to one bill (QBO ``Line[].LinkedTxn``)."""

    __tablename__ = "bill_payment_line"

    id: int | None = Field(default=None, primary_key=True)
    bill_payment_id: int = Field(foreign_key="bill_payment.id", index=True, ondelete="CASCADE")
    business_id: int = Field(foreign_key="business.id", index=True)
    bill_qbo_id: str | None = Field(default=None, max_length=64)
    amount: Decimal = Field(sa_type=Money)
