"""The bill-decisions loader: oldest first (the last per bill is in force), one statement."""

from datetime import UTC, date, datetime

from domains.decisions import loaders
from tests.conftest import Database
from tests.factories import bill, decision, make_business, save
from tests.statements import counting_statements, tables_read

MORNING = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


async def test_decisions_of_many_businesses_oldest_first(database: Database) -> None:
    first, second, hidden = [await make_business(database.sessions) for _ in range(3)]
    assert first.id is not None and second.id is not None and hidden.id is not None
    owed, theirs, secret = bill(first.id), bill(second.id), bill(hidden.id)
    await save(database.sessions, owed, theirs, secret)
    # Inserted out of time order; two at the same instant keep their insertion order.
    await save(database.sessions, decision(owed, decided_at=NOON, decided_for=date(2027, 1, 6)))
    await save(database.sessions, decision(owed, decided_at=MORNING, decided_for=date(2026, 12, 1)))
    await save(database.sessions, decision(owed, decided_at=NOON, decided_for=date(2027, 2, 1)))
    await save(database.sessions, decision(theirs), decision(secret))
    loader = loaders.bill_decisions(database.sessions, [first.id, second.id])

    with counting_statements(database.url) as statements:
        mine, other, hidden_rows = await loader.load_many([first.id, second.id, hidden.id])

    assert [d.decided_for for d in mine] == [date(2026, 12, 1), date(2027, 1, 6), date(2027, 2, 1)]
    assert [d.bill_id for d in other] == [theirs.id]
    assert hidden_rows == []
    assert tables_read(statements) == ["bill_decision"]
