"""Tables of stored assessments: a summary per business and day, and the rows its pages read.

An assessment is the rules' output for one business as of one day (``resolvers.assessment``),
stored so that a request reads it instead of re-assessing the books. Its key says what it was
computed from: the business's ``data_version`` (bumped by every write that changes a view), the
thresholds (``thresholds_key``) and the day (``as_of``); a request that finds any of them moved
on computes it again. Each record row carries the columns its page filters and orders by, and
the rules' full result as JSON (``payload``) for the fields a page shows.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from domains.sqltypes import Money, UtcDateTime

SortKey = String(length=200).with_variant(String(length=200, collation="C"), "postgresql")
"""A record's place in its page's order, compared byte by byte on both databases (PostgreSQL's
default collation would sort by locale rules, and the cursors by Python's)."""

Payload = JSON()
"""The rules' result as JSON (decimals as strings): read back as the same dataclass."""


def _now() -> datetime:
    return datetime.now(UTC)


class Assessment(SQLModel, table=True):
    """One business assessed as of one day: the summary every view's headline reads."""

    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("business_id", "as_of", name="uq_assessment_business_id_as_of"),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True, ondelete="CASCADE")
    as_of: date
    data_version: int
    """The business's ``data_version`` when the computation began."""
    thresholds_key: str = Field(max_length=64)
    """A digest of the thresholds it was computed with."""
    computed_at: datetime = Field(default_factory=_now, sa_type=UtcDateTime)
    status: str = Field(max_length=16)
    summary: dict[str, Any] = Field(default_factory=dict, sa_type=Payload)
    """Hygiene counts, the runway, the console's totals and the pay plan's header."""
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=Payload)
    """What only the digest shows: forecast, aging, alerts, top lists, bank accounts."""


class AssessedHygieneItem(SQLModel, table=True):
    """A flagged record of an assessment, as the hygiene tray pages it."""

    __tablename__ = "assessed_hygiene_item"
    __table_args__ = (
        Index("ix_assessed_hygiene_item_page", "assessment_id", "sort_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    sort_key: str = Field(sa_type=SortKey)
    entity_type: str = Field(max_length=16)
    severity_rank: int
    code_mask: int
    """One bit per issue code the record has (``IssueCode`` order)."""
    amount: Decimal = Field(sa_type=Money)
    counterparty_qbo_id: str | None = Field(default=None, max_length=64)
    search_text: str
    """Counterparty name and label, case-folded, for the ``counterparty`` filter."""
    issue_count: int
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=Payload)


class AssessedBill(SQLModel, table=True):
    """A bill the console may show (open, decidable), with its recommendation."""

    __tablename__ = "assessed_bill"
    __table_args__ = (Index("ix_assessed_bill_page", "assessment_id", "sort_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    sort_key: str = Field(sa_type=SortKey)
    ready: bool
    days_until_due: int
    amount: Decimal = Field(sa_type=Money)
    vendor_qbo_id: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=16)
    urgency: str = Field(max_length=16)
    bill_group: str = Field(max_length=16)
    discount_savings: Decimal | None = Field(default=None, sa_type=Money)
    """The savings when TAKE_DISCOUNT is among its signals (the console's summary sums them)."""
    plan_cash_after: Decimal | None = Field(default=None, sa_type=Money)
    """Its step in the pay plan (ready MUST_PAY bills only): cash left once it is paid."""
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=Payload)


class AssessedInvoice(SQLModel, table=True):
    """An invoice ready for collection, with its recommendation."""

    __tablename__ = "assessed_invoice"
    __table_args__ = (Index("ix_assessed_invoice_page", "assessment_id", "sort_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    sort_key: str = Field(sa_type=SortKey)
    amount: Decimal = Field(sa_type=Money)
    urgency: str = Field(max_length=16)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=Payload)


class AssessmentClaim(SQLModel, table=True):
    """Who is assessing a business now, and until when (the assessment job's lease)."""

    __tablename__ = "assessment_claim"

    business_id: int = Field(foreign_key="business.id", primary_key=True, ondelete="CASCADE")
    owner: str = Field(max_length=128)
    lease_until: datetime = Field(sa_type=UtcDateTime)
