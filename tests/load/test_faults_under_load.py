"""The GraphQL endpoint under load while a faulty sync and a bulk digest run go on at once.

Everything runs in this test's event loop, on loopback sockets only: the fake QBO (``qbo_bench``
with ``loopback=True``) and Runway itself (``create_app`` under uvicorn with its lifespan on, so the
digest worker is the server's background task). Bounded in count, not in time:

- ``CLIENTS`` httpx clients share a fixed plan of ``REQUESTS`` GraphQL requests: the documented
  queries of ``docs/queries/`` (advisor overview, decision screen, digest preview, hygiene queue),
  ``requestSync`` (round robin over the businesses), ``generateDigests`` (four runs of the same
  week, one forced, the last with ``wait``), ``digestRun`` progress polls, and a few requests
  refused on purpose (a viewer's ``requestSync``, an unknown business) so the error-code check has
  something to see. ``asyncio.timeout`` is only a safety net; nothing sleeps to synchronise.
- Meanwhile a ``sync --all`` (the engine, in this process, like a cron job beside the server)
  meets queued QBO faults in every realm: 429 throttles (XML), a 500, a 503 from the load
  balancer (HTML), a 401 that expires the token and forces a refresh, a truncated (malformed)
  page and a dropped connection. One realm gets as many 500s on CompanyInfo as there are retry
  attempts: its first sync fails on purpose, and a later ``requestSync`` must succeed.
- At three fixed points of the plan the bookkeeper changes, adds and deletes objects in every
  realm (the fake's clock moves on), and the realms whose faults are all spent get a new wave.

Then: every answer was a 200 with exactly the error codes its request was planned to get; every
sync run ended (and all succeeded but the deliberate failure); every digest run SUCCEEDED with
done == total; the mirror equals the fake's books for every business; each stored digest exists
once per business and week; every injected fault was served. The figures are printed.
"""

import asyncio
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import col
from starlette.applications import Starlette

from app.asgi import create_app
from domains.core.models import Business, SyncRun
from domains.digests.models import StoredDigest
from schema.relay import global_id, parse_global_id
from sync.client import RetryPolicy
from sync.engine import SyncOptions
from sync.fakeqbo import CompanySize
from sync.fakeqbo.faults import Fault
from sync.locks import named_lock
from tests.conftest import Database
from tests.factories import make_token
from tests.sync.harness import Bench, qbo_bench, serve_loopback, until

BUSINESSES = 5
CLIENTS = 16
REQUESTS = 400
ATTEMPTS = 5
"""Tries per QBO request (``RUNWAY_QBO__RETRY_ATTEMPTS``). Apart from the deliberate failure, at
most 3 faults are ever queued for one endpoint of a realm, so retries always get through."""
SAFETY_NET = 300.0
"""Seconds: only so a hang fails the test instead of the CI job; nothing asserts durations."""
RETRY_AFTER = 0.02
"""The ``Retry-After`` the fake's throttles and 503s send (real QBO sends whole seconds)."""
BOOK_CHANGES_AT = (100, 200, 300)
"""Plan positions where the bookkeeper changes every realm's books."""
GENERATE_AT: dict[int, dict[str, Any]] = {
    4: {},
    150: {},
    250: {"force": True},
    396: {"wait": True},
}
"""Plan positions of the ``generateDigests`` requests, with their input."""

QUERIES = {
    path.stem: path.read_text()
    for path in (Path(__file__).parents[2] / "docs" / "queries").glob("*.graphql")
}
REQUEST_SYNC = """
mutation RequestSync($businessId: ID!) {
  requestSync(businessId: $businessId) { id businessId kind status trigger error apiCalls }
}
"""
GENERATE = """
mutation Generate($input: GenerateDigestsInput!) {
  generateDigests(input: $input) { id weekStart status total done failed }
}
"""
RUN = "query Run($id: ID!) { digestRun(id: $id) { id weekStart status total done failed } }"

FIRST_WAVE = (
    Fault("throttle", retry_after=RETRY_AFTER, endpoint="companyinfo"),  # 429, XML body
    Fault("expired_token", endpoint="preferences"),  # 401: the token expires, refresh, resend
    Fault("server_error", endpoint="query"),  # 500 with a SystemFault body
    Fault("truncate", endpoint="query"),  # a 200 page whose JSON is cut in half
    Fault("service_unavailable", retry_after=RETRY_AFTER, endpoint="query"),  # 503, HTML
    Fault("drop", endpoint="cdc"),  # the connection closes before any answer
    Fault("throttle", retry_after=RETRY_AFTER, endpoint="cdc"),
)
LATER_WAVE = (
    Fault("server_error", endpoint="cdc"),
    Fault("service_unavailable", retry_after=RETRY_AFTER, endpoint="cdc"),
)
DELIBERATE = (Fault("server_error", count=ATTEMPTS, endpoint="companyinfo"),)
"""Queued first on one realm: its first sync exhausts every attempt on CompanyInfo and fails."""


@dataclass(frozen=True)
class Planned:
    """One request of the plan: what to send and which error codes it must come back with."""

    kind: str
    query: str
    token: str
    variables: dict[str, Any] = field(default_factory=dict)
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What came back for one planned request."""

    planned: Planned
    status: int
    seconds: float
    codes: tuple[str, ...]
    body: Any


@dataclass
class Tokens:
    admin: str
    operator: str
    viewer: str


@dataclass
class Load:
    """The plan, worked by ``CLIENTS`` clients; answers and fault waves are recorded here."""

    bench: Bench
    base_url: str
    business_ids: list[int]
    tokens: Tokens
    answers: list[Answer] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)
    """Global ids of the digest runs created, in order."""
    injected: Counter[str] = field(default_factory=Counter)
    book_changes: Counter[str] = field(default_factory=Counter)

    def inject(self, realm_id: str, faults: tuple[Fault, ...]) -> None:
        self.bench.fake.inject(realm_id, *faults)
        for fault in faults:
            self.injected[fault.kind] += fault.count

    def business(self, position: int) -> str:
        return global_id("Business", self.business_ids[position % len(self.business_ids)])

    def plan(self, index: int) -> Planned:
        """The request at ``index``: fixed by the index alone (the order clients take them in
        decides only which digest run a progress poll names)."""
        tokens, pick = self.tokens, random.Random(index)
        if index in GENERATE_AT:
            return Planned("generateDigests", GENERATE, tokens.admin, {"input": GENERATE_AT[index]})
        if index % 25 == 12:
            business = self.business(index // 25)
            return Planned("requestSync", REQUEST_SYNC, tokens.operator, {"businessId": business})
        if index % 50 == 30:  # a viewer may read but not sync
            variables = {"businessId": self.business(index)}
            return Planned("requestSync", REQUEST_SYNC, tokens.viewer, variables, ("FORBIDDEN",))
        if index % 50 == 45:  # never existed (another tenant's id answers the same)
            variables = {"businessId": global_id("Business", 999_999)}
            preview = QUERIES["digest_preview"]
            return Planned("digest_preview", preview, tokens.viewer, variables, ("NOT_FOUND",))
        if index % 20 == 7 and self.runs:
            return Planned("digestRun", RUN, tokens.admin, {"id": self.runs[-1]})
        kind = pick.choices(
            ["advisor_overview", "decision_screen", "digest_preview", "hygiene_queue"],
            weights=[3, 3, 3, 1],
        )[0]
        if kind == "advisor_overview":
            return Planned(kind, QUERIES[kind], tokens.admin)
        business = self.business(pick.randrange(len(self.business_ids)))
        return Planned(kind, QUERIES[kind], tokens.viewer, {"businessId": business})

    async def run(self) -> None:
        indices = iter(range(REQUESTS))
        async with asyncio.TaskGroup() as clients:
            for _ in range(CLIENTS):
                clients.create_task(self.client(indices))

    async def client(self, indices: Iterator[int]) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=SAFETY_NET) as http:
            for index in indices:
                if index in BOOK_CHANGES_AT:
                    self.change_books(BOOK_CHANGES_AT.index(index))
                await self.send(http, self.plan(index))

    async def send(self, http: httpx.AsyncClient, planned: Planned) -> None:
        headers = {"Authorization": f"Bearer {planned.token}"}
        payload = {"query": planned.query, "variables": planned.variables}
        started = time.perf_counter()
        response = await http.post("/graphql", json=payload, headers=headers)
        seconds = time.perf_counter() - started
        try:
            body = response.json()
        except ValueError:
            body = {"unreadable": response.text[:500]}
        errors = (body.get("errors") or []) if isinstance(body, dict) else []
        codes = tuple(
            str((error.get("extensions") or {}).get("code") or f"NO CODE: {error.get('message')}")
            for error in errors
        )
        self.answers.append(Answer(planned, response.status_code, seconds, codes, body))
        if planned.kind == "generateDigests" and not codes:
            self.runs.append(body["data"]["generateDigests"]["id"])

    def change_books(self, round_number: int) -> None:
        """What a bookkeeper does in QBO meanwhile, in every realm: edit a bill, add one, mark
        an invoice paid and delete another; then a new wave of faults where the last is spent."""
        fake = self.bench.fake
        self.bench.clock.advance(minutes=10)
        for realm_id in self.bench.realms:
            bills = fake.objects(realm_id, "Bill")
            bill = bills[round_number % len(bills)]
            fake.change(realm_id, "Bill", bill["Id"], PrivateNote=f"load round {round_number}")
            copied = {k: v for k, v in bill.items() if k not in ("Id", "SyncToken", "MetaData")}
            fake.add(realm_id, "Bill", {**copied, "DocNumber": f"LOAD-{round_number}"})
            invoices = fake.objects(realm_id, "Invoice")
            paid = next(i for i in invoices if Decimal(str(i.get("Balance") or 0)) > 0)
            fake.change(realm_id, "Invoice", paid["Id"], Balance=Decimal(0))
            deleted = next(i for i in reversed(invoices) if i is not paid)
            fake.delete(realm_id, "Invoice", deleted["Id"])
            self.book_changes.update(
                ["bill changed", "bill added", "invoice paid", "invoice deleted"]
            )
            if not fake.realm(realm_id).faults:
                self.inject(realm_id, LATER_WAVE)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


def milliseconds(values: list[float], fraction: float) -> str:
    return f"{percentile(values, fraction) * 1000:.0f} ms"


async def graphql(base_url: str, token: str, query: str, **variables: Any) -> Any:
    async with httpx.AsyncClient(base_url=base_url, timeout=SAFETY_NET) as http:
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def test_graphql_under_load_while_a_faulty_sync_and_a_digest_run_go_on(
    database: Database,
) -> None:
    async with asyncio.timeout(SAFETY_NET):
        await run_load_test(database)


async def run_load_test(database: Database) -> None:
    fast = {"retry_attempts": ATTEMPTS, "backoff_base_seconds": 0.01, "backoff_max_seconds": 0.05}
    async with qbo_bench(
        database, count=BUSINESSES, seed=29, size=CompanySize.small(), loopback=True, **fast
    ) as bench:
        ids = await bench.connect_all()
        tokens = Tokens(
            admin=await make_token(database.sessions, role="admin", name="scheduler"),
            operator=await make_token(database.sessions, role="operator", name="ops"),
            viewer=await make_token(database.sessions, role="viewer", business_ids=ids, name="v"),
        )
        failing_realm = bench.realms[-1]
        app = create_app(bench.settings)
        async with serve_loopback(app, lifespan="on") as base_url:
            load = Load(bench, base_url, ids, tokens)
            load.inject(failing_realm, DELIBERATE)
            for realm_id in bench.realms:
                load.inject(realm_id, FIRST_WAVE)
            options = SyncOptions.from_settings(bench.settings.qbo)
            fast_retry = RetryPolicy(attempts=ATTEMPTS, backoff_base=0.01, backoff_max=0.05)
            assert options.retry == fast_retry
            sync_all = asyncio.create_task(bench.sync_all(options=options))
            # The sweep holds every business's sync lock before the first request goes out, so
            # each business's first sync is the sweep's (the deliberate failure is its to meet).
            await until(lambda: all(named_lock("sync", str(i)).locked() for i in ids))

            started = time.perf_counter()
            await load.run()
            elapsed = time.perf_counter() - started
            outcomes = await sync_all

            check_answers(load)
            runs = await check_digest_runs(app, load, base_url, tokens)
            # The retry: every business syncs again over GraphQL, the failed one included.
            for business_id in ids:
                business = global_id("Business", business_id)
                again = await graphql(base_url, tokens.operator, REQUEST_SYNC, businessId=business)
                assert again["requestSync"]["status"] == "succeeded", again
            overview = await graphql(base_url, tokens.admin, QUERIES["advisor_overview"])

        failing_id = bench.business_ids[failing_realm]
        for outcome in outcomes:
            if outcome.business_id == failing_id:
                assert not outcome.ok and "HTTP 500" in (outcome.error or ""), outcome
            else:
                assert outcome.ok, outcome
        sync_runs = await check_sync_runs(database, failing_id)
        for edge in overview["businesses"]["edges"]:
            sync = edge["node"]["sync"]
            assert (sync["connectionStatus"], sync["lastError"]) == ("connected", None), edge
        for realm_id in bench.realms:
            await bench.assert_mirrors(realm_id)
        await check_stored_digests(database, ids, runs)
        pending = {r: len(bench.fake.realm(r).faults) for r in bench.realms}
        assert not any(pending.values()), f"faults never served: {pending}"
        served = sum(stats.faults_served for stats in bench.fake.stats.values())
        assert served == sum(load.injected.values())

        report(database, load, elapsed, bench, sync_runs, runs)


def check_answers(load: Load) -> None:
    """Every answer a 200, with exactly the error codes its request was planned to get."""
    assert len(load.answers) == REQUESTS
    statuses = Counter(answer.status for answer in load.answers)
    assert statuses == {200: REQUESTS}, statuses
    unexpected = [
        (answer.planned.kind, answer.planned.codes, answer.codes, answer.body)
        for answer in load.answers
        if answer.codes != answer.planned.codes
    ]
    assert not unexpected, unexpected[:5]
    for answer in load.answers:
        if answer.codes:
            continue
        data = answer.body["data"]
        assert all(value is not None for value in data.values()), answer.body
        if answer.planned.kind == "requestSync":
            assert data["requestSync"]["status"] == "succeeded", data
        if answer.planned.kind == "generateDigests":
            assert data["generateDigests"]["total"] == BUSINESSES, data


async def check_digest_runs(
    app: Starlette, load: Load, base_url: str, tokens: Tokens
) -> list[dict[str, Any]]:
    """Every run requested finishes SUCCEEDED with done == total (waited for through the
    server's own worker, which signals progress), as ``digestRun`` reports it."""
    assert len(load.runs) == len(GENERATE_AT)
    jobs = app.state.resources.digest_jobs
    runs = []
    for run_id in load.runs:
        parsed = parse_global_id(run_id, "DigestRun")
        assert parsed is not None
        await jobs.wait_for(parsed[1], max_wait=SAFETY_NET)
        run = (await graphql(base_url, tokens.admin, RUN, id=run_id))["digestRun"]
        assert (run["status"], run["done"], run["failed"]) == ("SUCCEEDED", BUSINESSES, 0), run
        assert run["total"] == BUSINESSES, run
        runs.append(run)
    waited = next(a for a in load.answers if a.planned.variables.get("input") == {"wait": True})
    assert waited.body["data"]["generateDigests"]["status"] == "SUCCEEDED", waited.body
    return runs


async def check_sync_runs(database: Database, failing_id: int) -> Counter[str]:
    """Every sync run ended; only the deliberate one failed, and its business's later ones
    succeeded."""
    async with database.sessions() as session:
        rows = (await session.scalars(select(SyncRun).order_by(col(SyncRun.id)))).all()
    assert all(row.status in ("succeeded", "failed") and row.finished_at for row in rows), rows
    failed = [row for row in rows if row.status == "failed"]
    assert [(row.business_id, row.kind) for row in failed] == [(failing_id, "full")], failed
    theirs = [row.status for row in rows if row.business_id == failing_id]  # oldest first
    assert theirs[0] == "failed" and set(theirs[1:]) == {"succeeded"}, theirs
    async with database.sessions() as session:
        errors = (await session.scalars(select(col(Business.last_sync_error)))).all()
    assert set(errors) == {None}, errors
    return Counter(f"{row.trigger} {row.kind} {row.status}" for row in rows)


async def check_stored_digests(
    database: Database, business_ids: list[int], runs: list[dict[str, Any]]
) -> None:
    """One stored digest per business and week, for every business."""
    async with database.sessions() as session:
        rows = (
            await session.execute(
                select(StoredDigest.business_id, StoredDigest.week_start, func.count())
                .group_by(col(StoredDigest.business_id), col(StoredDigest.week_start))
                .order_by(col(StoredDigest.business_id))
            )
        ).all()
    weeks = {run["weekStart"] for run in runs}
    expected = [(b, week, 1) for b in sorted(business_ids) for week in sorted(weeks)]
    assert sorted((b, w.isoformat(), n) for b, w, n in rows) == expected


def report(
    database: Database,
    load: Load,
    elapsed: float,
    bench: Bench,
    sync_runs: Counter[str],
    runs: list[dict[str, Any]],
) -> None:
    """The figures, to the test's captured output (``pytest -s`` or ``-rP`` shows them)."""
    seconds = [answer.seconds for answer in load.answers]
    by_kind: dict[str, list[float]] = {}
    for answer in load.answers:
        by_kind.setdefault(answer.planned.kind, []).append(answer.seconds)
    codes = Counter(code for answer in load.answers for code in answer.codes)
    stats = bench.fake.stats.values()
    served = sum(s.faults_served for s in stats)
    refreshes = sum(s.token_requests["refresh_token"] for s in stats)
    calls = sum(s.total_requests for s in stats)
    lines = [
        f"load on {database.kind}: {BUSINESSES} businesses, {CLIENTS} clients",
        f"  requests {len(seconds)} in {elapsed:.1f} s = {len(seconds) / elapsed:.1f} req/s; "
        f"p50 {milliseconds(seconds, 0.5)}, p99 {milliseconds(seconds, 0.99)}, "
        f"max {max(seconds) * 1000:.0f} ms",
        *(
            f"    {kind:<18} {len(values):>4}  p50 {milliseconds(values, 0.5):>8}  "
            f"p99 {milliseconds(values, 0.99):>8}"
            for kind, values in sorted(by_kind.items())
        ),
        f"  HTTP statuses {dict(Counter(a.status for a in load.answers))}; "
        f"error codes (all planned) {dict(codes)}",
        f"  QBO faults injected {sum(load.injected.values())} {dict(load.injected)}, "
        f"served {served}; token refreshes {refreshes}; QBO API requests {calls}",
        f"  books changed {dict(load.book_changes)}",
        f"  sync runs {dict(sync_runs)}",
        f"  digest runs {[(run['status'], run['done'], run['total']) for run in runs]}",
    ]
    print("\n".join(lines))  # noqa: T201
