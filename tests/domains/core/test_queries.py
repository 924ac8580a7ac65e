"""Business reads and writes: keyset pages by name, visibility, search, and the upsert."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlmodel import SQLModel, col

from app.assessment_jobs import assess_stale_now
from domains.ap.models import Bill
from domains.assessments.models import AssessmentClaim
from domains.core import queries
from domains.core.models import Business, SyncRun
from domains.decisions.models import BillDecision
from domains.digests.models import DigestEmail, DigestRun, DigestRunItem, StoredDigest
from resolvers.thresholds import Thresholds
from sync.fakeqbo.generator import CompanySize, generate_companies
from tests.conftest import Database
from tests.factories import land_companies, make_business, make_token


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

    async with database.sessions.begin() as session:
        same = await queries.upsert_business(
            session, realm_id="9130000000000777", values={"name": "New Name", "country": "US"}
        )

    assert refreshed.id == created.id
    assert (refreshed.name, refreshed.country) == ("New Name", "US")  # untouched columns stay
    assert other.id != created.id
    assert await names(database, allowed_ids=None, limit=10) == ["New Name", "Other"]
    # A changed detail the views show marks them stale; the same details again change nothing.
    assert (created.data_version, refreshed.data_version, same.data_version) == (0, 1, 1)


AS_OF = date(2026, 11, 20)
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


async def _add_runway_rows(database: Database, business_id: int) -> None:
    """Runway's own rows about a business, beside its mirror: a sync run, a decision, a stored
    digest with its e-mail and run item, an assessment claim, a scoped token."""
    async with database.sessions.begin() as session:
        bill = (
            await session.scalars(select(Bill).where(col(Bill.business_id) == business_id))
        ).first()
        assert bill is not None and bill.id is not None
        run = DigestRun(week_start=date(2026, 11, 16), requested_by="test")
        session.add_all([run, SyncRun(business_id=business_id, kind="full")])
        session.add(
            BillDecision(
                business_id=business_id,
                bill_id=bill.id,
                action="PAY_ON",
                decided_for=AS_OF,
                decided_by="test",
            )
        )
        session.add(AssessmentClaim(business_id=business_id, owner="test", lease_until=NOON))
        digest = StoredDigest(
            business_id=business_id,
            week_start=date(2026, 11, 16),
            as_of=AS_OF,
            status="HEALTHY",
            subject="Your week",
            html="<p>",
            text="",
        )
        session.add(digest)
        await session.flush()
        assert run.id is not None and digest.id is not None
        session.add(DigestEmail(digest_id=digest.id, business_id=business_id))
        session.add(DigestRunItem(run_id=run.id, business_id=business_id, digest_id=digest.id))
    await make_token(database.sessions, role="viewer", business_ids=[business_id])


async def _rows_per_business(database: Database) -> dict[str, dict[int, int]]:
    """Rows of each table per business: directly by ``business_id``, or through the parent
    (assessed items through their assessment)."""
    counts: dict[str, dict[int, int]] = {}
    async with database.sessions() as session:
        for table in SQLModel.metadata.sorted_tables:
            if "business_id" in table.c:
                owner, source = table.c.business_id, table
            else:
                parents = [fk for fk in table.foreign_keys if "business_id" in fk.column.table.c]
                if not parents:
                    continue
                parent = parents[0].column.table
                owner = parent.c.business_id
                source = table.join(parent, parents[0].parent == parents[0].column)
            statement = select(owner, func.count()).select_from(source).group_by(owner)
            counts[table.name] = {row[0]: row[1] for row in (await session.execute(statement))}
    return counts


async def test_removing_a_business_deletes_every_row_of_it_and_nothing_else(
    database: Database,
) -> None:
    companies = generate_companies(count=2, seed=3, as_of=AS_OF, size=CompanySize.small())
    kept, doomed = await land_companies(database.sessions, companies, synced_at=NOON)
    await assess_stale_now(database.sessions, thresholds=Thresholds(), clock=lambda: NOON)
    for business_id in (kept, doomed):
        await _add_runway_rows(database, business_id)
    before = await _rows_per_business(database)

    async with database.sessions.begin() as session:
        removed = await queries.remove_business(session, business_id=doomed)
        again = await queries.remove_business(session, business_id=doomed)
    after = await _rows_per_business(database)

    doomed_before = {table: rows[doomed] for table, rows in before.items() if doomed in rows}
    assert removed == doomed_before
    assert {"bill", "assessed_bill", "digest_email", "api_token_business"} <= set(removed)
    assert again is None
    assert all(doomed not in rows for rows in after.values())
    assert {t: rows.get(kept) for t, rows in after.items()} == {
        t: rows.get(kept) for t, rows in before.items()
    }
    async with database.sessions() as session:
        assert [b.id for b in await queries.list_every_business(session)] == [kept]


async def test_an_id_is_never_given_to_another_business(database: Database) -> None:
    """After the newest business is removed, the next one gets a new id on both databases
    (SQLite reuses the largest id plus one without AUTOINCREMENT)."""
    await make_business(database.sessions)
    newest = await make_business(database.sessions)
    assert newest.id is not None
    async with database.sessions.begin() as session:
        await queries.remove_business(session, business_id=newest.id)

    after = await make_business(database.sessions)

    assert after.id is not None and after.id > newest.id


async def test_deactivating_keeps_the_business_and_says_so(database: Database) -> None:
    business = await make_business(database.sessions)
    assert business.id is not None
    async with database.sessions.begin() as session:
        inactive = await queries.set_business_active(session, business_id=business.id, active=False)
        missing = await queries.set_business_active(session, business_id=999_999, active=False)
    async with database.sessions() as session:
        stored = await queries.get_business(session, business_id=business.id)

    assert inactive is not None and missing is None
    assert stored is not None and stored.active is False
