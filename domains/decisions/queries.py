"""Record bill decisions: an insert each time, so the table is the audit trail."""

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domains.decisions.models import BillDecision


async def record_decision(
    session: AsyncSession,
    *,
    business_id: int,
    bill_id: int,
    action: str,
    decided_for: date,
    decided_by: str,
    decided_at: datetime,
    note: str | None,
) -> BillDecision:
    """Store a new decision; the latest one per bill is the one in force."""
    decision = BillDecision(
        business_id=business_id,
        bill_id=bill_id,
        action=action,
        decided_for=decided_for,
        decided_by=decided_by,
        decided_at=decided_at,
        note=note,
    )
    session.add(decision)
    await session.flush()
    return decision
