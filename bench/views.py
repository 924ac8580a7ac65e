"""``bench views``: view pages end to end over HTTP against the driver floor; overview throughput.

- **Pages**: the hygiene tray and the decision console (``first: 50``) of one business with
  20,000 bills, each a POST to ``/graphql`` of the real app (``create_app``, in process through
  ``httpx.ASGITransport``), against the floor: the statements that request sent to read the books,
  replayed with the bare driver. A view must rank every record before it can cut a page, so its
  floor is reading every row it ranks, not 50 rows. Target (docs/design.md#performance-targets):
  ≤3x. The advisor overview (first page of 100 businesses) is measured the same way, for
information.
- **Throughput**: 32 clients posting the advisor overview at once, bounded in count and time:
  requests per second, p50 and p99 latency, beside one client alone.
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from functools import partial

from sqlalchemy import select
from sqlmodel import col

from bench.api import ADVISOR_OVERVIEW, Api, QueryFailed, make_token, serve
from bench.capture import DriverRead, capturing, read_with_driver, warm_caches
from bench.context import BenchContext
from bench.databases import Kind, Target, connect
from bench.report import Table, verdict
from bench.timing import READ_STAGES, median, percentile, profile_notes, profiled, timed
from domains.core import queries as core_queries
from domains.core.models import Business
from schema.relay import global_id, parse_global_id

logger = logging.getLogger(__name__)

HYGIENE_PAGE = """
query HygienePage($businessId: ID!) {
  hygieneTray(businessId: $businessId, first: 50) {
    score issueCount amountAtStake dataSyncedAt totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id entityType label counterpartyName amount severity qboUrl
        issues { code severity message field amount }
      }
    }
  }
}
"""

DECISION_PAGE = """
query DecisionPage($businessId: ID!) {
  decisionConsole(businessId: $businessId) {
    asOf dataSyncedAt cash weeklyNetBurn runwayWeeks status
    summary { mustPayCount mustPayAmount canDelayCount canDelayAmount toCollectAmount }
    bills(first: 50) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id label vendorName dueDate amount action signals reasons priority
          latestSafePayDate runwayImpactDays qboUrl
        }
      }
    }
    collections(first: 50) {
      totalCount
      edges { node { id label customerName amount daysOverdue agingBucket action priority } }
    }
  }
}
"""

PAGE_TARGET = 3.0
STAGES = (
    *READ_STAGES,
    ("resolvers/pagination.py", "paginate"),
)
"""The synchronous stages of a view whose cumulative time the profile reports."""


@dataclass(frozen=True)
class PageResult:
    """One view on one database: the request against its floor."""

    kind: Kind
    view: str
    request_seconds: float
    floor: DriverRead
    statements: int

    @property
    def ratio(self) -> float:
        return self.request_seconds / self.floor.seconds


@dataclass(frozen=True)
class Throughput:
    """Many clients at once on one view."""

    kind: Kind
    clients: int
    requests: int
    seconds: float
    latencies: list[float]
    alone_seconds: float
    failures: list[str]
    """Requests answered with errors (e.g. no pooled connection within its timeout)."""

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


async def _page(
    api: Api, target: Target, token: str, view: str, query: str, repeats: int, **variables: str
) -> PageResult:
    await api.query(query, token, **variables)  # warm: compiled SQL, prepared statements
    with capturing(target.url) as statements:
        await api.query(query, token, **variables)
    times = [
        (await timed(partial(api.query, query, token, **variables)))[1] for _ in range(repeats)
    ]
    floors = [await read_with_driver(target, statements) for _ in range(repeats)]
    floor = min(floors, key=lambda read: read.seconds)
    floor = DriverRead(median([read.seconds for read in floors]), floor.statements, floor.rows)
    return PageResult(target.kind, view, median(times), floor, len(statements))


async def _throughput(
    api: Api, token: str, *, kind: Kind, clients: int, requests: int, seconds: float
) -> Throughput:
    _, alone = await timed(partial(api.query, ADVISOR_OVERVIEW, token))
    latencies: list[float] = []
    issued = 0
    deadline = time.perf_counter() + seconds

    failures: list[str] = []

    async def client() -> None:
        nonlocal issued
        while issued < requests and time.perf_counter() < deadline:
            issued += 1
            started = time.perf_counter()
            try:
                await api.query(ADVISOR_OVERVIEW, token)
            except QueryFailed as error:  # overload is a result to report, not a crash
                failures.append(str(error))
            else:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return Throughput(kind, clients, len(latencies), elapsed, latencies, alone, failures)


async def _first_after_change(
    api: Api, target: Target, token: str, query: str, business: str
) -> float:
    """One page request right after the books changed: it assesses the business first (the
    read-through a request does when the assessment job is behind)."""
    parsed = parse_global_id(business, "Business")
    assert parsed is not None
    async with connect(target) as database, database.sessions.begin() as session:
        await core_queries.bump_data_version(session, business_id=parsed[1])
    _, seconds = await timed(partial(api.query, query, token, businessId=business))
    return seconds


async def _business_id(target: Target) -> int:
    async with connect(target) as database, database.sessions() as session:
        found = (await session.scalars(select(col(Business.id)).order_by(col(Business.id)))).first()
    if found is None:
        raise RuntimeError(f"no business in {target.url}")
    return found


async def _token(target: Target) -> str:
    async with connect(target) as database:
        return await make_token(database.sessions)


async def run(context: BenchContext) -> list[Table]:
    """Pages on the large business, then overview throughput on the fleet, per database."""
    size = context.size
    pages = Table(
        "View pages over HTTP vs the driver floor (one business, "
        f"{size.large.company.bills:,} bills)",
        ["db", "view", "request s", "floor s", "request/floor", "≤3x", "statements", "rows"],
    )
    throughput = Table(
        f"Advisor overview under {size.overview_clients} concurrent clients (in process)",
        ["db", "clients", "requests", "failed", "seconds", "req/s", "p50 s", "p99 s", "alone s"],
    )
    notes: list[str] = []
    throughput_notes: list[str] = []
    large, fleet = await context.large(), await context.fleet()
    for kind in context.kinds:
        target = large[kind]
        await warm_caches(target)
        business = global_id("Business", await _business_id(target))
        token = await _token(target)
        async with serve(target) as api:
            for view, query in (("hygiene page", HYGIENE_PAGE), ("decision page", DECISION_PAGE)):
                result = await _page(
                    api, target, token, view, query, size.view_repeats, businessId=business
                )
                logger.info("views %s %s: %.2fx the floor", kind, view, result.ratio)
                pages.rows.append(
                    [
                        kind,
                        view,
                        result.request_seconds,
                        result.floor.seconds,
                        result.ratio,
                        verdict(result.ratio <= PAGE_TARGET),
                        result.statements,
                        result.floor.rows,
                    ]
                )
                if view == "hygiene page":
                    changed = await _first_after_change(api, target, token, query, business)
                    pages.rows.append(
                        [
                            kind,
                            "hygiene page, first after a change",
                            changed,
                            result.floor.seconds,
                            changed / result.floor.seconds,
                            "-",
                            "-",
                            "-",
                        ]
                    )
                if context.profile:
                    _, profile = await profiled(
                        partial(api.query, query, token, businessId=business)
                    )
                    notes.extend(
                        profile_notes(
                            f"profile of the {view}, {kind}", profile, size.profile_lines, STAGES
                        )
                    )
        target = fleet[kind]
        await warm_caches(target)
        token = await _token(target)
        async with serve(target) as api:
            overview = await _page(api, target, token, "advisor overview", ADVISOR_OVERVIEW, 1)
            pages.rows.append(
                [
                    kind,
                    "advisor overview (100 businesses)",
                    overview.request_seconds,
                    overview.floor.seconds,
                    overview.ratio,
                    "-",
                    overview.statements,
                    overview.floor.rows,
                ]
            )
            load = await _throughput(
                api,
                token,
                kind=kind,
                clients=size.overview_clients,
                requests=size.overview_requests,
                seconds=size.overview_seconds,
            )
            logger.info("views %s overview: %.2f req/s", kind, load.per_second)
            if load.failures:
                throughput_notes.append(
                    f"{kind}: {len(load.failures)} failed, first: {load.failures[0][:300]}"
                )
            throughput.rows.append(
                [
                    kind,
                    load.clients,
                    load.requests,
                    len(load.failures),
                    load.seconds,
                    load.per_second,
                    percentile(load.latencies, 0.5),
                    percentile(load.latencies, 0.99),
                    load.alone_seconds,
                ]
            )
    pages.notes = [
        "request: median POST /graphql (auth, GraphQL, stored assessment, page, JSON) in process;",
        "floor: the same request's reads replayed with asyncpg/aiosqlite alone;",
        "rows: rows those reads return. First after a change: one request right after the",
        "business's data version moved, assessing it again before it answers (read-through).",
        *notes,
    ]
    throughput.notes = [
        f"bounded at {size.overview_requests} requests or {size.overview_seconds:.0f}s; one "
        "event loop serves every client (the app's own concurrency), p50/p99 are per request;",
        "alone: one request with no other client; requests: answered ones (p50/p99 over them).",
        *throughput_notes,
    ]
    return [pages, throughput]
