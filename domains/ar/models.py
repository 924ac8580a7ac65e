"""Tables for customers, invoices (with lines) and payments received (with invoices they settle)."""

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


class Customer(ContactFields, table=True):
    """A QBO Customer; its email is where collection reminders go."""

    __tablename__ = "customer"
    __table_args__ = mirror_table_args("customer")


class Invoice(DocumentFields, table=True):
    """A QBO Invoice: what a customer owes, open while ``balance`` > 0."""

    __tablename__ = "invoice"
    __table_args__ = mirror_table_args("invoice")

    customer_qbo_id: str | None = Field(default=None, max_length=64)
    customer_name: str | None = Field(default=None, max_length=255)
    bill_email: str | None = Field(default=None, max_length=255)
    email_status: str | None = Field(default=None, max_length=32)


class InvoiceLine(LineFields, table=True):
    """One sales line of an invoice."""

    __tablename__ = "invoice_line"

    invoice_id: int = Field(foreign_key="invoice.id", index=True, ondelete="CASCADE")


class Payment(MirrorFields, table=True):
    """A QBO Payment received from a customer (money in for the burn; lateness history)."""

    __tablename__ = "payment"
    __table_args__ = mirror_table_args("payment")

    customer_qbo_id: str | None = Field(default=None, max_length=64)
    txn_date: date | None = Field(default=None, index=True)
    total_amt: Decimal = Field(sa_type=Money)
    unapplied_amt: Decimal | None = Field(default=None, sa_type=Money)
    currency: str | None = Field(default=None, max_length=3)


class PaymentLine(SQLModel, table=True):
    """The part of a payment applied to one invoice (QBO ``Line[].LinkedTxn``)."""

    __tablename__ = "payment_line"

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", index=True, ondelete="CASCADE")
    business_id: int = Field(foreign_key="business.id", index=True)
    invoice_qbo_id: str | None = Field(default=None, max_length=64)
    amount: Decimal = Field(sa_type=Money)
