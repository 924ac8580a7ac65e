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
from collections.abc import Sequence
from functools import partial
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from bench.api import ADVISOR_OVERVIEW, make_token, serve_tcp
from bench.context import BenchContext
from bench.databases import Target, connect
from bench.peers import postgraphile
from bench.peers.load import Call, Measured, measure, post
from bench.peers.postgraphile import PeerUnavailable
from bench.peers.tables import overview_table, pages_table, side_by_side
from bench.report import Table
from bench.views import DECISION_PAGE, HYGIENE_PAGE
from domains.ap.models import Bill
from domains.core.models import Business
from resolvers.pagination import MAX_PAGE_SIZE
from schema.relay import global_id

logger = logging.getLogger(__name__)

PAGE_SIZE = 50

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


def _answered(data: dict[str, Any]) -> None:
    """Any answer without errors will do (``post`` raised on errors)."""


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
                await post(http, ADVISOR_OVERVIEW_SIZED, {"first": first, "after": after}, token)
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
        page = await measure(
            context,
            peer,
            f"plain page of {PAGE_SIZE} bills (of {bills:,})",
            partial(post, http, PLAIN_BILLS_PAGE, {"businessId": business}),
            page_clients,
            partial(_count_of, "PostGraphile's page", ("allBills", "nodes"), min(PAGE_SIZE, bills)),
        )
    token = await _token(large)
    variables = {"businessId": global_id("Business", business)}
    pages: list[Measured] = []
    async with serve_tcp(large, clients=page_clients) as api:
        for view, query in (("hygiene page", HYGIENE_PAGE), ("decision page", DECISION_PAGE)):
            call = partial(post, api.http, query, variables, token)
            pages.append(await measure(context, "Runway", view, call, page_clients, _answered))

    listed: dict[int, Measured] = {}
    async with postgraphile.serve_postgraphile(node, fleet, clients=list_clients) as http:
        for n in lists:
            listed[n] = await measure(
                context,
                peer,
                f"{n:,} businesses with bill and invoice counts",
                partial(post, http, BUSINESSES_WITH_COUNTS, {"first": n}),
                list_clients,
                partial(_count_of, "PostGraphile's businesses", ("allBusinesses", "nodes"), n),
            )
    token = await _token(fleet)
    overviews: dict[int, Measured] = {}
    async with serve_tcp(fleet, clients=list_clients) as api:
        for n in lists:
            overviews[n] = await measure(
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
        side_by_side(context, measured),
        pages_table(context, page, pages),
        overview_table(context, listed, overviews),
    ]
