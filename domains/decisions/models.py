"""The table of bill decisions."""

from datetime import UTC, date, datetime

from sqlmodel import Field, SQLModel

from domains.sqltypes import UtcDateTime


class BillDecision(SQLModel, table=True):
    """A decision to pay a bill on a date or delay it to a date; never updated, only superseded."""

    __tablename__ = "bill_decision"

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    bill_id: int = Field(foreign_key="bill.id", index=True)
    action: str = Field(max_length=16)  # PAY_ON or DELAY_TO
    decided_for: date
    note: str | None = Field(default=None, max_length=1000)
    decided_by: str = Field(max_length=255)
    decided_at: datetime = Field(default_factory=lambda: datetime.now(UTC), sa_type=UtcDateTime)
