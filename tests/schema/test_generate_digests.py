"""``generateDigests``, ``digestRun`` and ``Business.digests`` end to end, over HTTP.

The app runs with its real lifespan, so the digest worker is the server's background task; tests
wait for a run through the app's own ``DigestJobs.wait_for`` (an event the worker sets), never by
sleeping. The clock is pinned at Friday 2026-11-20 17:00 UTC, so "this week" is 2026-11-16.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import func, select, update
from starlette.applications import Starlette

from app.asgi import create_app
from app.digest_jobs import DigestJobs
from app.settings import Settings
from domains.core.models import Business
from domains.digests import claims, queries
from domains.digests.models import DigestEmail, DigestRun, StoredDigest
from resolvers.digest_runs import DigestRequest, create_run
from resolvers.errors import InvalidDigestRequest
from schema.relay import global_id, parse_global_id
from sync.fakeqbo.generator import CompanySize, generate_companies
from tests.app.digest_runs import LEASE, insert_unpayable_bill
from tests.conftest import Database
from tests.factories import make_token
from tests.schema.conftest import NOW, Api, LoadCompanies

WEEK = "2026-11-16"
WAIT = 30.0
"""Seconds a test waits for the server's worker before failing."""

GENERATE = """
mutation Generate($input: GenerateDigestsInput!) {
  generateDigests(input: $input) {
    id weekStart status requestedBy deliver force total done failed
    createdAt startedAt finishedAt
    items(first: 500) {
      totalCount
      edges { node {
        businessId businessName status reused attempts error
        digest { id runId generatedAt weekStart }
      } }
    }
  }
}
"""

RUN = """
query Run($id: ID!, $status: DigestRunItemStatus) {
  digestRun(id: $id) {
    id status total done failed
    items(status: $status, first: 500) {
      totalCount edges { node { businessId businessName status error } }
    }
  }
}
"""

LIVE = """
query Live($businessId: ID!, $weekOf: Date) {
  digest(businessId: $businessId, weekOf: $weekOf) {
    businessId weekStart asOf status cash runwayWeeks weeklyNetBurn forecast { closing }
  }
}
"""

STORED = """
query Stored($businessId: ID!, $first: Int, $after: String) {
  business(id: $businessId) {
    digests(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node {
        id businessId weekStart asOf generatedAt status subject runId snapshot html text
      } }
    }
  }
}
"""


@dataclass
class Server:
    """The app over HTTP, and its digest jobs to wait on."""

    api: Api
    app: Starlette

    @property
    def jobs(self) -> DigestJobs:
        jobs: DigestJobs = self.app.state.resources.digest_jobs
        return jobs

    async def finished(self, run_id: str) -> DigestRun:
        parsed = parse_global_id(run_id, "DigestRun")
        assert parsed is not None
        run = await self.jobs.wait_for(parsed[1], max_wait=WAIT)
        assert run.status not in queries.UNFINISHED_RUN_STATUSES, "the worker did not finish"
        return run


@asynccontextmanager
async def serve(database: Database, **settings: Any) -> AsyncIterator[Server]:
    app = create_app(
        Settings(database_url=database.url, _env_file=None, **settings),  # type: ignore[call-arg]
        clock=lambda: NOW,
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            yield Server(Api(http), app)


@pytest.fixture
async def server(database: Database) -> AsyncIterator[Server]:
    async with serve(database) as running:
        yield running


async def load(load_companies: LoadCompanies, count: int, *, seed: int = 47) -> list[int]:
    companies = generate_companies(
        count=count, seed=seed, as_of=date(2026, 11, 20), size=CompanySize.small()
    )
    return await load_companies(companies)


def ok(body: Any) -> Any:
    assert "errors" not in body, body["errors"]
    return body["data"]


def error_code(body: Any) -> str:
    assert body.get("data") is None or not any(body["data"].values()), body
    return str(body["errors"][0]["extensions"]["code"])


async def count_rows(database: Database, model: type[DigestRun] | type[StoredDigest]) -> int:
    async with database.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


def headline(digest: Any) -> tuple[Any, ...]:
    """What a stored digest must share with the live query."""
    return (
        digest["businessId"],
        digest["weekStart"],
        digest["asOf"],
        digest["status"],
        digest["cash"],
        digest["runwayWeeks"],
        digest["weeklyNetBurn"],
        [week["closing"] for week in digest["forecast"]],
    )


async def test_a_run_stores_one_digest_per_business_matching_the_live_query(
    server: Server, admin_token: str, load_companies: LoadCompanies, database: Database
) -> None:
    ids = await load(load_companies, 3)

    body = await server.api.query(GENERATE, admin_token, input={"wait": True})

    run = ok(body)["generateDigests"]
    assert (run["status"], run["weekStart"], run["requestedBy"]) == ("SUCCEEDED", WEEK, "admin")
    assert (run["total"], run["done"], run["failed"]) == (3, 3, 0)
    assert run["startedAt"] and run["finishedAt"]
    items = [edge["node"] for edge in run["items"]["edges"]]
    assert {i["businessId"] for i in items} == {global_id("Business", b) for b in ids}
    assert {(i["status"], i["reused"], i["attempts"]) for i in items} == {("DONE", False, 1)}
    for business_id in ids:
        gid = global_id("Business", business_id)
        stored = ok(await server.api.query(STORED, admin_token, businessId=gid))
        connection = stored["business"]["digests"]
        assert connection["totalCount"] == 1
        digest = connection["edges"][0]["node"]
        assert (digest["businessId"], digest["weekStart"], digest["runId"]) == (
            gid,
            WEEK,
            run["id"],
        )
        assert digest["subject"] and "<html" in digest["html"].lower() and digest["text"]
        snapshot = digest["snapshot"]
        assert snapshot["status"] == digest["status"]
        for week_of in (WEEK, None):
            live = ok(await server.api.query(LIVE, admin_token, businessId=gid, weekOf=week_of))
            assert headline(snapshot) == headline(live["digest"])
    assert await count_rows(database, StoredDigest) == 3


async def test_a_second_call_reuses_the_stored_digests_unless_forced(
    server: Server, admin_token: str, load_companies: LoadCompanies, database: Database
) -> None:
    await load(load_companies, 2)
    first = ok(await server.api.query(GENERATE, admin_token, input={"wait": True}))
    digests = {
        i["node"]["businessId"]: i["node"]["digest"]
        for i in first["generateDigests"]["items"]["edges"]
    }

    again = ok(await server.api.query(GENERATE, admin_token, input={"wait": True}))

    run = again["generateDigests"]
    assert (run["status"], run["done"]) == ("SUCCEEDED", 2)
    items = [edge["node"] for edge in run["items"]["edges"]]
    assert all(i["reused"] for i in items)
    assert {i["businessId"]: i["digest"] for i in items} == digests  # same ids, same run, time

    forced = ok(await server.api.query(GENERATE, admin_token, input={"wait": True, "force": True}))

    run = forced["generateDigests"]
    assert (run["status"], run["force"], run["done"]) == ("SUCCEEDED", True, 2)
    items = [edge["node"] for edge in run["items"]["edges"]]
    assert not any(i["reused"] for i in items)
    assert {i["businessId"]: i["digest"]["id"] for i in items} == {
        b: d["id"] for b, d in digests.items()
    }  # replaced in place
    assert {i["digest"]["runId"] for i in items} == {run["id"]}
    assert await count_rows(database, StoredDigest) == 2


async def test_without_wait_the_run_comes_back_queued_and_the_worker_finishes_it(
    server: Server, admin_token: str, load_companies: LoadCompanies
) -> None:
    ids = await load(load_companies, 2)

    run = ok(await server.api.query(GENERATE, admin_token, input={"wait": False}))
    created = run["generateDigests"]

    assert (created["status"], created["total"], created["done"]) == ("QUEUED", 2, 0)
    assert {e["node"]["status"] for e in created["items"]["edges"]} == {"PENDING"}
    await server.finished(created["id"])
    progress = ok(await server.api.query(RUN, admin_token, id=created["id"]))["digestRun"]
    assert (progress["status"], progress["done"], progress["failed"]) == ("SUCCEEDED", 2, 0)
    assert progress["items"]["totalCount"] == len(ids)


async def test_a_failing_business_is_listed_with_its_error_and_the_rest_succeed(
    server: Server, admin_token: str, load_companies: LoadCompanies, database: Database
) -> None:
    ids = await load(load_companies, 3)
    await insert_unpayable_bill(database, ids[0])

    run = ok(await server.api.query(GENERATE, admin_token, input={"wait": True}))

    created = run["generateDigests"]
    assert (created["status"], created["done"], created["failed"]) == ("PARTIAL", 2, 1)
    failures = ok(await server.api.query(RUN, admin_token, id=created["id"], status="FAILED"))
    items = failures["digestRun"]["items"]
    assert items["totalCount"] == 1
    failure = items["edges"][0]["node"]
    assert failure["businessId"] == global_id("Business", ids[0])
    assert failure["businessName"]
    assert failure["error"].startswith("OverflowError")
    assert await count_rows(database, StoredDigest) == 2


async def test_a_run_cut_off_by_a_crash_is_finished_when_the_server_starts(
    database: Database, admin_token: str, load_companies: LoadCompanies
) -> None:
    ids = await load(load_companies, 4)
    request = DigestRequest(
        business_ids=tuple(ids), week_start=date(2026, 11, 16), requested_by="x"
    )
    queued = await create_run(database.sessions, request, now=NOW)
    cut = await create_run(database.sessions, request, now=NOW)
    assert queued.id is not None and cut.id is not None
    long_ago = NOW - 3 * LEASE  # a process claimed two items, then died
    async with database.sessions.begin() as session:
        await queries.start_run(session, run_id=cut.id, now=long_ago)
        await claims.claim_items(
            session,
            run_id=cut.id,
            owner="dead",
            now=long_ago,
            lease_until=long_ago + LEASE,
            limit=2,
        )

    async with serve(database) as server:
        first = await server.jobs.wait_for(queued.id, max_wait=WAIT)
        second = await server.jobs.wait_for(cut.id, max_wait=WAIT)

    assert (first.status, first.done, second.status, second.done) == (
        "SUCCEEDED",
        4,
        "SUCCEEDED",
        4,
    )
    assert await count_rows(database, StoredDigest) == 4  # the second run reused the first's


async def test_unknown_or_other_tenants_businesses_are_not_found_and_nothing_is_created(
    server: Server, database: Database, load_companies: LoadCompanies
) -> None:
    mine, theirs = await load(load_companies, 2)
    limited = await make_token(database.sessions, role="admin", business_ids=[mine])
    asks = [
        [global_id("Business", mine), global_id("Business", theirs)],
        [global_id("Business", 999_999)],
        ["not-an-id"],
        [global_id("Bill", mine)],
    ]
    for business_ids in asks:
        body = await server.api.query(GENERATE, limited, input={"businessIds": business_ids})
        assert error_code(body) == "NOT_FOUND", business_ids
    assert await count_rows(database, DigestRun) == 0

    # By default a run covers the caller's businesses only.
    run = ok(await server.api.query(GENERATE, limited, input={"wait": True}))["generateDigests"]
    assert run["total"] == 1
    assert run["items"]["edges"][0]["node"]["businessId"] == global_id("Business", mine)


async def test_requests_the_server_cannot_honour_are_refused_before_anything_is_created(
    server: Server, admin_token: str, database: Database, load_companies: LoadCompanies
) -> None:
    [business] = await load(load_companies, 1)
    refused = [
        {"deliver": True},  # no RUNWAY_SMTP_URL
        {"businessIds": []},
        {"weekOf": (date(2026, 11, 20) + timedelta(days=7)).isoformat()},
    ]
    for ask in refused:
        body = await server.api.query(GENERATE, admin_token, input=ask)
        assert error_code(body) == "BAD_USER_INPUT", ask
    body = await server.api.query(GENERATE, admin_token, input={"deliver": True})
    assert "RUNWAY_SMTP_URL" in body["errors"][0]["message"]
    assert await count_rows(database, DigestRun) == 0

    # A past week is fine: computed as of its Monday, like the live query with that weekOf.
    past = ok(
        await server.api.query(GENERATE, admin_token, input={"wait": True, "weekOf": "2026-11-04"})
    )["generateDigests"]
    assert (past["weekStart"], past["status"]) == ("2026-11-02", "SUCCEEDED")
    stored = ok(
        await server.api.query(
            STORED, admin_token, businessId=global_id("Business", business), first=1
        )
    )
    assert stored["business"]["digests"]["edges"][0]["node"]["asOf"] == "2026-11-02"


async def test_runs_are_for_admins_and_only_those_who_see_all_their_businesses(
    server: Server, admin_token: str, database: Database, load_companies: LoadCompanies
) -> None:
    mine, _ = await load(load_companies, 2)
    operator = await make_token(database.sessions, role="operator")
    limited = await make_token(database.sessions, role="admin", business_ids=[mine])

    body = await server.api.query(GENERATE, operator, input={})
    assert error_code(body) == "FORBIDDEN"
    assert await count_rows(database, DigestRun) == 0

    run = ok(await server.api.query(GENERATE, admin_token, input={"wait": True}))
    run_id = run["generateDigests"]["id"]
    assert ok(await server.api.query(RUN, admin_token, id=run_id))["digestRun"]["total"] == 2
    assert ok(await server.api.query(RUN, limited, id=run_id))["digestRun"] is None
    assert error_code(await server.api.query(RUN, operator, id=run_id)) == "FORBIDDEN"
    node = "query Node($id: ID!) { node(id: $id) { id ... on DigestRun { total } } }"
    assert ok(await server.api.query(node, admin_token, id=run_id))["node"]["total"] == 2
    assert ok(await server.api.query(node, limited, id=run_id))["node"] is None
    assert ok(await server.api.query(node, operator, id=run_id))["node"] is None


async def test_a_viewer_can_neither_generate_nor_see_runs(
    server: Server, admin_token: str, database: Database, load_companies: LoadCompanies
) -> None:
    await load(load_companies, 1)
    viewer = await make_token(database.sessions, role="viewer")  # sees every business

    assert error_code(await server.api.query(GENERATE, viewer, input={})) == "FORBIDDEN"
    assert await count_rows(database, DigestRun) == 0
    run_id = ok(await server.api.query(GENERATE, admin_token, input={"wait": True}))[
        "generateDigests"
    ]["id"]
    assert error_code(await server.api.query(RUN, viewer, id=run_id)) == "FORBIDDEN"
    node = "query Node($id: ID!) { node(id: $id) { id ... on DigestRun { total } } }"
    assert ok(await server.api.query(node, admin_token, id=run_id))["node"]["total"] == 1
    assert ok(await server.api.query(node, viewer, id=run_id))["node"] is None


async def test_another_tenants_stored_digest_is_null_like_an_unknown_one(
    server: Server, admin_token: str, database: Database, load_companies: LoadCompanies
) -> None:
    mine, theirs = await load(load_companies, 2)
    ok(await server.api.query(GENERATE, admin_token, input={"wait": True}))
    digest_ids = {}
    for business in (mine, theirs):
        stored = ok(
            await server.api.query(
                STORED, admin_token, businessId=global_id("Business", business), first=1
            )
        )
        digest_ids[business] = stored["business"]["digests"]["edges"][0]["node"]["id"]
    viewer = await make_token(database.sessions, role="viewer", business_ids=[mine])
    node = "query Node($id: ID!) { node(id: $id) { id ... on StoredDigest { weekStart } } }"

    own = ok(await server.api.query(node, viewer, id=digest_ids[mine]))
    other = await server.api.query(node, viewer, id=digest_ids[theirs])
    unknown = await server.api.query(node, viewer, id=global_id("StoredDigest", 987_654))
    assert own["node"]["weekStart"] == WEEK
    assert other == unknown == {"data": {"node": None}}
    assert ok(await server.api.query(node, admin_token, id=digest_ids[theirs]))["node"]


async def test_a_run_of_no_business_is_refused_and_an_empty_one_is_shown_to_no_scoped_admin(
    server: Server, admin_token: str, database: Database, load_companies: LoadCompanies
) -> None:
    mine, _ = await load(load_companies, 2)
    async with database.sessions.begin() as session:
        await session.execute(update(Business).where(Business.id == mine).values(active=False))
    limited = await make_token(database.sessions, role="admin", business_ids=[mine])

    body = await server.api.query(GENERATE, limited, input={})
    assert error_code(body) == "BAD_USER_INPUT"
    assert "no active business" in body["errors"][0]["message"]
    assert await count_rows(database, DigestRun) == 0
    with pytest.raises(InvalidDigestRequest, match="at least one business"):
        await create_run(database.sessions, DigestRequest((), date(2026, 11, 16), "ops"), now=NOW)
    assert await count_rows(database, DigestRun) == 0

    # An empty run recorded before runs had to cover a business: another token's name and
    # activity, shown only to a token that sees every business.
    async with database.sessions.begin() as session:
        empty = await queries.create_run(
            session,
            week_start=date(2026, 11, 16),
            requested_by="Ops scheduler",
            business_ids=[],
            deliver=False,
            force=False,
            now=NOW,
        )
    run_id = global_id("DigestRun", empty.id)
    assert ok(await server.api.query(RUN, limited, id=run_id))["digestRun"] is None
    node = "query Node($id: ID!) { node(id: $id) { id ... on DigestRun { requestedBy } } }"
    assert ok(await server.api.query(node, limited, id=run_id))["node"] is None
    assert ok(await server.api.query(RUN, admin_token, id=run_id))["digestRun"]["total"] == 0


async def test_business_digests_list_newest_week_first_in_pages(
    server: Server, admin_token: str, load_companies: LoadCompanies
) -> None:
    [business] = await load(load_companies, 1)
    for week_of in ("2026-11-02", WEEK, "2026-11-09"):
        ok(await server.api.query(GENERATE, admin_token, input={"wait": True, "weekOf": week_of}))
    gid = global_id("Business", business)

    first = ok(await server.api.query(STORED, admin_token, businessId=gid, first=2))
    page = first["business"]["digests"]
    assert page["totalCount"] == 3
    assert [e["node"]["weekStart"] for e in page["edges"]] == [WEEK, "2026-11-09"]
    assert page["pageInfo"]["hasNextPage"] is True
    after = page["pageInfo"]["endCursor"]
    rest = ok(await server.api.query(STORED, admin_token, businessId=gid, first=2, after=after))
    assert [e["node"]["weekStart"] for e in rest["business"]["digests"]["edges"]] == ["2026-11-02"]
    node = "query Node($id: ID!) { node(id: $id) { ... on StoredDigest { weekStart } } }"
    digest_id = page["edges"][0]["node"]["id"]
    assert ok(await server.api.query(node, admin_token, id=digest_id))["node"] == {
        "weekStart": WEEK
    }
    bad = await server.api.query(STORED, admin_token, businessId=gid, after="nope")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@dataclass
class Inbox:
    """What a real local SMTP server (aiosmtpd) accepted."""

    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"


async def test_deliver_sends_each_digest_once_however_often_it_is_asked(
    database: Database, admin_token: str, load_companies: LoadCompanies
) -> None:
    ids = await load(load_companies, 2)
    inbox = Inbox()
    loop = asyncio.get_running_loop()
    smtp = await loop.create_server(lambda: SMTP(inbox), "127.0.0.1", 0)
    port = smtp.sockets[0].getsockname()[1]
    try:
        async with serve(database, smtp_url=f"smtp://127.0.0.1:{port}") as server:
            deliver = {"wait": True, "deliver": True}
            run = ok(await server.api.query(GENERATE, admin_token, input=deliver))
            assert run["generateDigests"]["status"] == "SUCCEEDED"
            sent = len(inbox.envelopes)
            again = ok(await server.api.query(GENERATE, admin_token, input=deliver))
            assert again["generateDigests"]["status"] == "SUCCEEDED"
    finally:
        smtp.close()
        await smtp.wait_closed()

    async with database.sessions() as session:
        emails = (await session.scalars(select(DigestEmail))).all()
    assert len(emails) == len(ids)
    with_recipients = [email for email in emails if email.recipients]
    assert sent == len(with_recipients) > 0
    assert {email.status for email in with_recipients} == {"sent"}
    assert len(inbox.envelopes) == sent  # the second run sent nothing again
