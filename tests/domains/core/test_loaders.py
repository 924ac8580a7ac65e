"""Business and term loaders: many keys, one ``IN (…)`` statement, answers in key order."""

from datetime import UTC, datetime

from domains.core import loaders
from tests.conftest import Database
from tests.factories import make_business, save, term
from tests.statements import counting_statements, tables_read


async def test_businesses_by_id_in_one_statement_none_for_missing_or_not_allowed(
    database: Database,
) -> None:
    alpha, beta, hidden = [await make_business(database.sessions) for _ in range(3)]
    assert alpha.id is not None and beta.id is not None and hidden.id is not None
    loader = loaders.BusinessByIdLoader(database.sessions, [alpha.id, beta.id])

    with counting_statements(database.url) as statements:
        found = await loader.load_many([beta.id, 999_999, hidden.id, alpha.id, beta.id])

    assert [b.id if b else None for b in found] == [beta.id, None, None, alpha.id, beta.id]
    assert tables_read(statements) == ["business"]


async def test_an_unscoped_loader_sees_every_business(database: Database) -> None:
    alpha, beta = [await make_business(database.sessions) for _ in range(2)]
    assert alpha.id is not None and beta.id is not None

    found = await loaders.BusinessByIdLoader(database.sessions, None).load_many([alpha.id, beta.id])

    assert [b.name if b else None for b in found] == [alpha.name, beta.name]


async def test_terms_of_many_businesses_without_deleted_ones(database: Database) -> None:
    alpha, beta, hidden = [await make_business(database.sessions) for _ in range(3)]
    assert alpha.id is not None and beta.id is not None and hidden.id is not None
    await save(
        database.sessions,
        term(alpha.id, qbo_id="net30"),
        term(alpha.id, qbo_id="old", deleted_at=datetime(2026, 11, 2, tzinfo=UTC)),
        term(alpha.id, qbo_id="inactive", active=False),
        term(beta.id, qbo_id="theirs"),
        term(hidden.id, qbo_id="hidden"),
    )
    loader = loaders.terms(database.sessions, [alpha.id, beta.id])

    with counting_statements(database.url) as statements:
        mine, theirs, hidden_terms = await loader.load_many([alpha.id, beta.id, hidden.id])

    assert sorted(t.qbo_id for t in mine) == ["inactive", "net30"]
    assert [t.qbo_id for t in theirs] == ["theirs"]
    assert hidden_terms == []
    assert tables_read(statements) == ["term"]
