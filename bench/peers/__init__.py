"""``bench peers``: Runway beside PostGraphile 4 over the same PostgreSQL tables
(docs/design.md#performance-targets).

"The peer is PostGraphile over the same PostgreSQL tables: a generic GraphQL engine serving plain
rows is what a client would get without our rules, so our computed views should cost no more than
that." Both servers run in child processes on loopback ports (``bench.servers``): Runway under
uvicorn (``bench.api.serve_tcp``), PostGraphile with its CLI (``bench.peers.postgraphile``, where
the command line is), each over the bench database it answers for, one after the other so they
never compete for the CPU. This process is the load client of both (httpx), so both pay the same
HTTP and JSON costs on the client's side.

- **Pages**, on the business with 20,000 bills: PostGraphile's plain page of 50 bills (10 scalar
  columns, by due date) against Runway's hygiene page and decision page (``first: 50``). Target:
  Runway's p50 within 2x of PostGraphile's, and at least half its requests/s under 16 clients.
- **Lists**, on the fleet of 1,000 businesses: PostGraphile's first 50 and 1,000 businesses (by
  name, as Runway orders them) each with its bill count and invoice count (``totalCount`` of the
  two relations) against Runway's advisor overview of the same businesses. Target: p50 within 2x
  of PostGraphile's, and nothing refused under 32 clients.

Each p50 is the median of sequential requests after a warm-up; each load phase has every client
post one request after the other, bounded in count and time (``BenchSize.peer_*``).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from bench.api import ADVISOR_OVERVIEW, make_token, serve_tcp
from bench.context import BenchContext
from bench.databases import Target, connect
from bench.peers import postgraphile
from bench.peers.postgraphile import PeerUnavailable
from bench.report import Table, verdict
from bench.timing import median, percentile
from bench.views import DECISION_PAGE, HYGIENE_PAGE
from domains.ap.models import Bill
from domains.core.models import Business
from resolvers.pagination import MAX_PAGE_SIZE
from schema.relay import global_id

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
P50_TARGET = 2.0
"""Runway's p50 at most this many times PostGraphile's (pages and overviews)."""
THROUGHPUT_TARGET = 0.5
"""Runway's requests/s at least this share of PostGraphile's (pages)."""
WARM_SECONDS = 1.0
WARM_REQUESTS = 200
"""Before each p50, requests for up to ``WARM_SECONDS`` (at least one, at most this many):
compiled SQL and prepared statements on both sides, V8's JIT on PostGraphile's."""

PLAIN_BILLS_PAGE = """
query PlainBillsPage($businessId: Int!) {
  allBills(condition: {businessId: $businessId}, first: 50, orderBy: [DUE_DATE_ASC, ID_ASC]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id qboId docNumber vendorName txnDate dueDate totalAmt balance currency privateNote }
  }
}
"""

BUSINESSES_WITH_COUNTS = """
query BusinessesWithCounts($first: Int!) {
  allBusinesses(first: $first, orderBy: [NAME_ASC, ID_ASC]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      name
      billsByBusinessId(condition: {deletedAt: null}) { totalCount }
      invoicesByBusinessId(condition: {deletedAt: null}) { totalCount }
    }
  }
}
"""


def _sized_overview() -> str:
    """docs/queries/advisor_overview.graphql with its page size a variable."""
    sized = ADVISOR_OVERVIEW.replace(
        "query AdvisorOverview($after: String)",
        "query AdvisorOverview($first: Int!, $after: String)",
    ).replace("businesses(first: 100, after: $after)", "businesses(first: $first, after: $after)")
    if "$first: Int!" not in sized or "businesses(first: $first" not in sized:
        raise RuntimeError("docs/queries/advisor_overview.graphql changed: update bench.peers")
    return sized


ADVISOR_OVERVIEW_SIZED = _sized_overview()


class Refused(Exception):
    """Not served: HTTP 503 or 429, a connection refused or reset, or an UNAVAILABLE error."""


class Failed(Exception):
    """Any other error in the answer."""


async def _post(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    """POST ``query`` and return its ``data``; an error raises ``Refused`` or ``Failed``."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    except httpx.TransportError as error:
        raise Refused(f"{type(error).__name__}: {error}") from error
    if response.status_code in (429, 503):
        raise Refused(f"HTTP {response.status_code}: {response.text[:300]}")
    try:
        body: dict[str, Any] = response.json()
    except ValueError as error:
        raise Failed(f"HTTP {response.status_code}: {response.text[:300]}") from error
    errors = body.get("errors")
    if errors:
        codes = {(error.get("extensions") or {}).get("code") for error in errors}
        problem = Refused if "UNAVAILABLE" in codes else Failed
        raise problem(f"HTTP {response.status_code}: {str(errors)[:300]}")
    if response.status_code != 200 or not isinstance(body.get("data"), dict):
        raise Failed(f"HTTP {response.status_code}: {str(body)[:300]}")
    data: dict[str, Any] = body["data"]
    return data


Call = Callable[[], Awaitable[dict[str, Any]]]
"""One measured request (or, for an overview longer than a page, the requests that read it)."""
Check = Callable[[dict[str, Any]], None]
"""Raises unless a warm-up's first answer is the one expected (a benchmark never times a wrong
answer)."""


@dataclass
class Load:
    """Many clients at once on one request."""

    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    client_cpu: float = 0.0
    """This process's CPU seconds over the phase's wall seconds: near 1, the client (one core),
    not the server, is what bounds the requests/s."""

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Measured:
    """One request of one server: alone (p50) and under load."""

    server: str
    request: str
    p50: float
    load: Load


async def _warm(call: Call) -> dict[str, Any]:
    """The first answer (to check), after which requests go on for up to ``WARM_SECONDS``."""
    started = time.perf_counter()
    first = await call()
    for _ in range(WARM_REQUESTS - 1):
        if time.perf_counter() - started > WARM_SECONDS:
            break
        await call()
    return first


async def _p50(call: Call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await call()  # an error raises: a p50 never times a failure
        times.append(time.perf_counter() - started)
    return median(times)


async def _load(call: Call, *, clients: int, requests: int, seconds: float) -> Load:
    load = Load(clients)
    issued = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal issued
        while issued < requests and time.perf_counter() < deadline:
            issued += 1
            started = time.perf_counter()
            try:
                await call()
            except Refused as error:  # overload is a result to report, not a crash
                load.refused.append(str(error))
            except Failed as error:
                load.failed.append(str(error))
            else:
                load.latencies.append(time.perf_counter() - started)

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client() for _ in range(clients)))
    load.seconds = time.perf_counter() - started
    load.client_cpu = (time.process_time() - cpu) / load.seconds
    return load


async def _measure(
    context: BenchContext,
    server: str,
    request: str,
    call: Call,
    clients: int,
    check: Check,
) -> Measured:
    size = context.size
    check(await _warm(call))
    p50 = await _p50(call, size.peer_repeats)
    load = await _load(
        call, clients=clients, requests=size.peer_requests, seconds=size.peer_seconds
    )
    logger.info(
        "peers %s %s: p50 %.4fs, %.1f req/s under %d clients (%d refused, %d failed)",
        server,
        request,
        p50,
        load.per_second,
        clients,
        len(load.refused),
        len(load.failed),
    )
    return Measured(server, request, p50, load)


def _answered(data: dict[str, Any]) -> None:
    """Any answer without errors will do (``_post`` raised on errors)."""


def _count_of(what: str, path: Sequence[str], expected: int, data: dict[str, Any]) -> None:
    """The list at ``path`` in ``data`` has ``expected`` items."""
    found: Any = data
    for key in path:
        found = found[key]
    if len(found) != expected:
        raise RuntimeError(f"{what}: {len(found)} items, expected {expected}")


async def _businesses(target: Target) -> list[int]:
    """Every business id, in id order."""
    async with connect(target) as database, database.sessions() as session:
        return list(await session.scalars(select(col(Business.id)).order_by(col(Business.id))))


async def _bill_count(target: Target, business: int) -> int:
    async with connect(target) as database, database.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Bill).where(col(Bill.business_id) == business)
        )
    return int(count or 0)


async def _token(target: Target) -> str:
    async with connect(target) as database:
        return await make_token(database.sessions)


def _runway_overview(http: httpx.AsyncClient, token: str, businesses: int) -> Call:
    """The advisor overview of the first ``businesses``: pages of at most ``MAX_PAGE_SIZE``
    (Runway's cap on ``first``), each after the previous one's ``endCursor``."""

    async def call() -> dict[str, Any]:
        edges: list[Any] = []
        after: str | None = None
        while len(edges) < businesses:
            first = min(businesses - len(edges), MAX_PAGE_SIZE)
            page = (
                await _post(http, ADVISOR_OVERVIEW_SIZED, {"first": first, "after": after}, token)
            )["businesses"]
            edges.extend(page["edges"])
            after = page["pageInfo"]["endCursor"]
            if not page["pageInfo"]["hasNextPage"]:
                break
        return {"edges": edges}

    return call


def _skipped(kind: str, reason: str) -> list[Table]:
    logger.warning("peers: skipped on %s: %s", kind, reason)
    return [Table("Peers: Runway beside PostGraphile", ["db", "skipped"], [[kind, reason]])]


async def run(context: BenchContext) -> list[Table]:
    """Pages on the large business, then lists on the fleet, each server in turn."""
    if "postgresql" not in context.kinds:
        return _skipped(", ".join(context.kinds), "PostGraphile (the peer) needs PostgreSQL")
    try:
        node = await asyncio.to_thread(postgraphile.install)
    except PeerUnavailable as error:
        return _skipped("postgresql", str(error))
    size = context.size
    peer = f"PostGraphile {postgraphile.installed_version()}"
    large = (await context.large(["postgresql"]))["postgresql"]
    fleet = (await context.fleet(["postgresql"]))["postgresql"]
    [business] = await _businesses(large)
    bills = await _bill_count(large, business)
    lists = sorted({min(n, size.fleet.businesses) for n in size.peer_list_sizes})
    page_clients, list_clients = size.peer_page_clients, size.peer_list_clients

    async with postgraphile.serve_postgraphile(node, large, clients=page_clients) as http:
        page = await _measure(
            context,
            peer,
            f"plain page of {PAGE_SIZE} bills (of {bills:,})",
            partial(_post, http, PLAIN_BILLS_PAGE, {"businessId": business}),
            page_clients,
            partial(_count_of, "PostGraphile's page", ("allBills", "nodes"), min(PAGE_SIZE, bills)),
        )
    token = await _token(large)
    variables = {"businessId": global_id("Business", business)}
    pages: list[Measured] = []
    async with serve_tcp(large, clients=page_clients) as api:
        for view, query in (("hygiene page", HYGIENE_PAGE), ("decision page", DECISION_PAGE)):
            call = partial(_post, api.http, query, variables, token)
            pages.append(await _measure(context, "Runway", view, call, page_clients, _answered))

    listed: dict[int, Measured] = {}
    async with postgraphile.serve_postgraphile(node, fleet, clients=list_clients) as http:
        for n in lists:
            listed[n] = await _measure(
                context,
                peer,
                f"{n:,} businesses with bill and invoice counts",
                partial(_post, http, BUSINESSES_WITH_COUNTS, {"first": n}),
                list_clients,
                partial(_count_of, "PostGraphile's businesses", ("allBusinesses", "nodes"), n),
            )
    token = await _token(fleet)
    overviews: dict[int, Measured] = {}
    async with serve_tcp(fleet, clients=list_clients) as api:
        for n in lists:
            overviews[n] = await _measure(
                context,
                "Runway",
                f"advisor overview of {n:,} businesses",
                _runway_overview(api.http, token, n),
                list_clients,
                partial(_count_of, "Runway's overview", ("edges",), n),
            )
    measured = [page, *pages]
    for n in lists:
        measured.extend([listed[n], overviews[n]])
    return [
        _side_by_side(context, measured),
        _pages_table(context, page, pages),
        _overview_table(context, listed, overviews),
    ]


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _side_by_side(context: BenchContext, measured: list[Measured]) -> Table:
    table = Table(
        "Runway beside PostGraphile over the same PostgreSQL tables (loopback TCP)",
        [
            "server",
            "request",
            "p50 s",
            "clients",
            "answered",
            "refused",
            "failed",
            "req/s",
            "p99 s",
            "client CPU",
        ],
    )
    notes = []
    for row in measured:
        load = row.load
        table.rows.append(
            [
                row.server,
                row.request,
                row.p50,
                load.clients,
                len(load.latencies),
                len(load.refused),
                len(load.failed),
                load.per_second,
                percentile(load.latencies, 0.99),
                f"{load.client_cpu:.0%}",
            ]
        )
        for label, problems in (("refused", load.refused), ("failed", load.failed)):
            if problems:
                notes.append(f"{row.server}, {row.request}: {label}, first: {problems[0][:300]}")
    size = context.size
    table.notes = [
        f"p50: median of {size.peer_repeats} sequential requests after a warm-up; req/s and p99: "
        f"clients posting one request after the other, at most {size.peer_requests:,} requests "
        f"and none issued after {size.peer_seconds:.0f}s (those in flight are awaited);",
        "each server is one process with 15 PostgreSQL connections at most, measured alone; "
        "this process is the client of both (client CPU: its CPU time over the phase's wall "
        "time; near 100% the client, not the server, bounds req/s);",
        "PostGraphile counts every live bill and invoice of a business (a plain engine has no "
        "'open'); Runway's overview pages through businesses "
        f"{MAX_PAGE_SIZE} at a time (its cap on 'first'), one request per page.",
        *notes,
    ]
    if "sqlite" in context.kinds:
        table.notes.append("SQLite: not measured (PostGraphile, the peer, needs PostgreSQL).")
    return table


def _pages_table(context: BenchContext, page: Measured, pages: list[Measured]) -> Table:
    clients = context.size.peer_page_clients
    table = Table(
        f"Runway's pages vs PostGraphile's plain page of bills ({clients} clients)",
        ["view", "p50 ratio", "≤2x", "req/s ratio", "≥0.5x"],
    )
    for row in pages:
        p50 = _ratio(row.p50, page.p50)
        rate = _ratio(row.load.per_second, page.load.per_second)
        table.rows.append(
            [
                row.request,
                p50,
                "-" if p50 is None else verdict(p50 <= P50_TARGET),
                rate,
                "-" if rate is None else verdict(rate >= THROUGHPUT_TARGET),
            ]
        )
    table.notes = [
        "p50 ratio: Runway's p50 / PostGraphile's (target ≤2x); req/s ratio: Runway's req/s / "
        f"PostGraphile's under {clients} clients (target ≥0.5x, docs/design.md "
        "#performance-targets)."
    ]
    return table


def _overview_table(
    context: BenchContext, listed: dict[int, Measured], overviews: dict[int, Measured]
) -> Table:
    clients = context.size.peer_list_clients
    table = Table(
        f"Runway's advisor overview vs PostGraphile's businesses with counts ({clients} clients)",
        ["businesses", "p50 ratio", "≤2x", "req/s ratio", "not served", "none refused"],
    )
    for n, overview in overviews.items():
        p50 = _ratio(overview.p50, listed[n].p50)
        not_served = len(overview.load.refused) + len(overview.load.failed)
        table.rows.append(
            [
                n,
                p50,
                "-" if p50 is None else verdict(p50 <= P50_TARGET),
                _ratio(overview.load.per_second, listed[n].load.per_second),
                not_served,
                verdict(not_served == 0),
            ]
        )
    table.notes = [
        "p50 ratio: Runway's p50 / PostGraphile's (target ≤2x); not served: Runway's requests "
        f"refused or failed under {clients} clients (target: none, docs/design.md"
        "#performance-targets); req/s ratio for information."
    ]
    return table
