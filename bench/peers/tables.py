"""The three tables of ``bench peers``: both servers side by side, then each target's ratios
and verdicts (docs/design.md#performance-targets)."""

from bench.context import BenchContext
from bench.peers.load import Measured
from bench.report import Table, verdict
from bench.timing import percentile
from resolvers.pagination import MAX_PAGE_SIZE

P50_TARGET = 2.0
"""Runway's p50 at most this many times PostGraphile's (pages and overviews)."""
THROUGHPUT_TARGET = 0.5
"""Runway's requests/s at least this share of PostGraphile's (pages)."""


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def side_by_side(context: BenchContext, measured: list[Measured]) -> Table:
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


def pages_table(context: BenchContext, page: Measured, pages: list[Measured]) -> Table:
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


def overview_table(
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
