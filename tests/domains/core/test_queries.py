"""Business reads and writes: keyset pages by name, visibility, search, and the upsert."""

from domains.core import queries
from domains.core.models import Business
from tests.conftest import Database
from tests.factories import make_business


async def names(
    database: Database,
    *,
    allowed_ids: list[int] | None,
    search: str | None = None,
    after: tuple[str, int] | None = None,
    limit: int,
) -> list[str]:
    async with database.sessions() as session:
        rows = await queries.list_businesses(
            session, allowed_ids=allowed_ids, search=search, after=after, limit=limit
        )
    return [row.name for row in rows]


async def count(
    database: Database, *, allowed_ids: list[int] | None, search: str | None = None
) -> int:
    async with database.sessions() as session:
        return await queries.count_businesses(session, allowed_ids=allowed_ids, search=search)


def key(business: Business) -> tuple[str, int]:
    assert business.id is not None
    return business.name, business.id


async def test_businesses_come_by_name_then_id_after_a_keyset(database: Database) -> None:
    beta = await make_business(database.sessions, name="Beta")
    await make_business(database.sessions, name="Alpha")
    second_beta = await make_business(database.sessions, name="Beta")
    await make_business(database.sessions, name="Gamma")
    assert beta.id is not None and second_beta.id is not None and beta.id < second_beta.id

    first = await names(database, allowed_ids=None, limit=2)
    # A business added before the keyset doesn't shift the next page (an offset would).
    await make_business(database.sessions, name="Aardvark")
    rest = await names(database, allowed_ids=None, after=key(beta), limit=10)

    assert first == ["Alpha", "Beta"]
    assert rest == ["Beta", "Gamma"]
    async with database.sessions() as session:
        [after_first_beta] = await queries.list_businesses(
            session, allowed_ids=None, after=key(beta), limit=1
        )
    assert after_first_beta.id == second_beta.id
    assert await count(database, allowed_ids=None) == 5


async def test_only_allowed_businesses_are_listed_or_counted(database: Database) -> None:
    alpha = await make_business(database.sessions, name="Alpha")
    await make_business(database.sessions, name="Beta")
    gamma = await make_business(database.sessions, name="Gamma")
    assert alpha.id is not None and gamma.id is not None

    allowed = [gamma.id, alpha.id]

    assert await names(database, allowed_ids=allowed, limit=10) == ["Alpha", "Gamma"]
    assert await count(database, allowed_ids=allowed) == 2
    assert await names(database, allowed_ids=[], limit=10) == []
    assert await count(database, allowed_ids=[]) == 0


async def test_search_matches_name_or_realm_case_insensitively_and_literally(
    database: Database,
) -> None:
    await make_business(database.sessions, name="Harborview Bakery", realm_id="9130000000000101")
    await make_business(database.sessions, name="Zenith Workshop", realm_id="9130000000000202")
    await make_business(database.sessions, name="100% Organic", realm_id="9130000000000303")
    await make_business(database.sessions, name="1000 Organic", realm_id="9130000000000404")
    await make_business(database.sessions, name="A_B Foods", realm_id="9130000000000505")
    await make_business(database.sessions, name="AxB Foods", realm_id="9130000000000606")

    async def found(search: str) -> list[str]:
        return await names(database, allowed_ids=None, search=search, limit=10)

    assert await found("BAKERY") == ["Harborview Bakery"]
    assert await found("0202") == ["Zenith Workshop"]  # the realm id
    assert await found("0%") == ["100% Organic"]  # % is a character, not a wildcard
    assert await found("a_b") == ["A_B Foods"]  # and so is _
    assert await found("organic") == ["100% Organic", "1000 Organic"]
    assert len(await found("")) == 6  # an empty search matches everything
    assert await count(database, allowed_ids=None, search="organic") == 2
    assert await count(database, allowed_ids=None, search="nothing like it") == 0


async def test_businesses_by_ids_keeps_only_visible_existing_ones(database: Database) -> None:
    alpha = await make_business(database.sessions, name="Alpha")
    beta = await make_business(database.sessions, name="Beta")
    assert alpha.id is not None and beta.id is not None

    async with database.sessions() as session:
        every = await queries.list_businesses_by_ids(
            session, ids=[alpha.id, beta.id, 999_999], allowed_ids=None
        )
        scoped = await queries.list_businesses_by_ids(
            session, ids=[alpha.id, beta.id], allowed_ids=[beta.id]
        )

    assert sorted(b.name for b in every) == ["Alpha", "Beta"]
    assert [b.name for b in scoped] == ["Beta"]


async def test_upsert_business_creates_once_then_refreshes_the_same_row(
    database: Database,
) -> None:
    async with database.sessions.begin() as session:
        created = await queries.upsert_business(
            session, realm_id="9130000000000777", values={"name": "Old Name", "country": "US"}
        )
    async with database.sessions.begin() as session:
        refreshed = await queries.upsert_business(
            session, realm_id="9130000000000777", values={"name": "New Name"}
        )
    async with database.sessions.begin() as session:
        other = await queries.upsert_business(
            session, realm_id="9130000000000888", values={"name": "Other"}
        )

    assert refreshed.id == created.id
    assert (refreshed.name, refreshed.country) == ("New Name", "US")  # untouched columns stay
    assert other.id != created.id
    assert await names(database, allowed_ids=None, limit=10) == ["New Name", "Other"]
