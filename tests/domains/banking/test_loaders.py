"""Banking loaders: the chart of accounts of many businesses, one statement per batch."""

from datetime import UTC, datetime

from domains.banking import loaders
from tests.conftest import Database
from tests.factories import account, make_business, save
from tests.statements import counting_statements, tables_read


async def test_accounts_of_each_business_without_deleted_ones(database: Database) -> None:
    first, second, third = [await make_business(database.sessions) for _ in range(3)]
    assert first.id is not None and second.id is not None and third.id is not None
    await save(
        database.sessions,
        account(first.id, qbo_id="checking"),
        account(first.id, qbo_id="closed", active=False),
        account(first.id, qbo_id="deleted", deleted_at=datetime(2026, 11, 2, tzinfo=UTC)),
        account(second.id, qbo_id="theirs"),
        account(third.id, qbo_id="hidden"),
    )
    loader = loaders.accounts(database.sessions, [first.id, second.id])

    with counting_statements(database.url) as statements:
        mine, theirs, hidden = await loader.load_many([first.id, second.id, third.id])

    assert sorted(a.qbo_id for a in mine) == ["checking", "closed"]  # inactive still listed
    assert [a.qbo_id for a in theirs] == ["theirs"]
    assert hidden == []  # not allowed: never read
    assert tables_read(statements) == ["account"]
