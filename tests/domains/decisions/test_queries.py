"""Recording bill decisions: every decision is a new row, so the table is the audit trail."""

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlmodel import col

from domains.decisions import queries
from domains.decisions.models import BillDecision
from tests.conftest import Database
from tests.factories import bill, make_business, save

DECIDED_AT = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


async def test_each_decision_is_stored_and_none_is_overwritten(database: Database) -> None:
    business = await make_business(database.sessions)
    assert business.id is not None
    owed = bill(business.id)
    await save(database.sessions, owed)
    assert owed.id is not None

    async with database.sessions.begin() as session:
        delay = await queries.record_decision(
            session,
            business_id=business.id,
            bill_id=owed.id,
            action="DELAY_TO",
            decided_for=date(2027, 1, 6),
            decided_by="ops",
            decided_at=DECIDED_AT,
            note="cash is tight",
        )
    async with database.sessions.begin() as session:
        pay = await queries.record_decision(
            session,
            business_id=business.id,
            bill_id=owed.id,
            action="PAY_ON",
            decided_for=date(2026, 11, 27),
            decided_by="owner",
            decided_at=DECIDED_AT,
            note=None,
        )

    assert delay.id is not None and pay.id is not None and delay.id < pay.id
    async with database.sessions() as session:
        rows = (await session.scalars(select(BillDecision).order_by(col(BillDecision.id)))).all()
    assert [
        (r.bill_id, r.action, r.decided_for, r.decided_by, r.decided_at, r.note) for r in rows
    ] == [
        (owed.id, "DELAY_TO", date(2027, 1, 6), "ops", DECIDED_AT, "cash is tight"),
        (owed.id, "PAY_ON", date(2026, 11, 27), "owner", DECIDED_AT, None),
    ]
