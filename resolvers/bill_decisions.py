"""Recording a pay-on or delay-to decision on a bill: what makes one acceptable, and storing it.

A decision is never edited, only superseded by a newer one (``rules.decisions``), so the table is
the audit trail; the console and the forecast follow the decision in effect.
"""

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.core import queries as core_queries
from domains.decisions import queries as decision_queries
from domains.decisions.models import BillDecision
from resolvers.clock import business_today
from resolvers.errors import InvalidRequest, NotFound
from resolvers.inputs import check_storable
from resolvers.loaders import Loaders
from resolvers.rules.enums import DecisionAction

MAX_NOTE_LENGTH = 1000


async def record_bill_decision(
    loaders: Loaders,
    sessions: async_sessionmaker[AsyncSession],
    *,
    bill_id: int | None,
    action: DecisionAction,
    day: date,
    note: str | None,
    decided_by: str,
    now: datetime,
) -> BillDecision:
    """Store a decision on an open bill the caller may see (``loaders`` are scoped to them).

    Args:
        bill_id: our key of the bill; ``None`` (a malformed id) answers like an unknown bill.
        day: pay on, or delay to, this day: today (in the business's timezone) or later.
        now: the clock, for "today" and the audit trail's ``decided_at``.

    Raises:
        NotFound: the bill is unknown, deleted, or another tenant's.
        InvalidRequest: it is already paid, the day is past, or the note is unusable.
    """
    bill = await loaders.bill_by_id.load(bill_id) if bill_id is not None else None
    if bill is None or bill.deleted_at is not None:
        raise NotFound("Bill")
    if bill.balance <= 0:
        raise InvalidRequest(f"Bill {bill.doc_number or bill.qbo_id} is already paid.")
    business = await loaders.business_by_id.load(bill.business_id)
    if business is None:
        raise NotFound("Bill")
    today = business_today(business.timezone, now)
    if day < today:
        raise InvalidRequest(f"'date' must be today ({today.isoformat()}) or later.")
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise InvalidRequest(f"'note' must be at most {MAX_NOTE_LENGTH} characters.")
    if note is not None:
        check_storable("note", note)
    assert bill.id is not None
    async with sessions.begin() as session:
        # The console and forecast change with it: the stored views are stale from this commit.
        await core_queries.bump_data_version(session, business_id=bill.business_id)
        return await decision_queries.record_decision(
            session,
            business_id=bill.business_id,
            bill_id=bill.id,
            action=action.value,
            decided_for=day,
            decided_by=decided_by,
            decided_at=now,
            note=note,
        )
