"""``bench statements``: SQL statements per request, for each view and the overview, as N grows.

The fleet database holds the businesses; a token scoped to the first N of them (N = 10, 100,
1,000 at full size) makes requests whose answers cover N businesses: the advisor overview (its
first page of 100), and the hygiene page, decision page and digest of one of them. Each request's
statements are counted as they reach the driver, once the first request has stored the
assessments it shows. Target (docs/design.md#performance-targets): the same count at every N.
"""

import logging
from collections import Counter

from bench.api import ADVISOR_OVERVIEW, QUERIES, Api, make_token, serve
from bench.capture import capturing
from bench.context import BenchContext
from bench.databases import Target, connect
from bench.digests import business_ids
from bench.report import Table, verdict
from bench.views import DECISION_PAGE, HYGIENE_PAGE
from schema.relay import global_id

logger = logging.getLogger(__name__)

DIGEST_PREVIEW = (QUERIES / "digest_preview.graphql").read_text()
REQUESTS = (
    ("hygiene page", HYGIENE_PAGE),
    ("decision page", DECISION_PAGE),
    ("digest", DIGEST_PREVIEW),
    ("advisor overview", ADVISOR_OVERVIEW),
)


async def count_statements(
    api: Api, target: Target, query: str, token: str, **variables: str
) -> list[str]:
    """The tables read by each statement ``query`` sent, sorted (its length is the count)."""
    with capturing(target.url) as statements:
        await api.query(query, token, **variables)
    return sorted(statement.table for statement in statements)


async def counts_by_step(target: Target, steps: tuple[int, ...]) -> dict[str, dict[int, list[str]]]:
    """For each request, the tables its statements read at each step."""
    async with connect(target) as database:
        ids = await business_ids(database)
        tokens = {
            step: await make_token(database.sessions, role="viewer", business_ids=ids[:step])
            for step in steps
            if step <= len(ids)
        }
    business = global_id("Business", ids[0])
    found: dict[str, dict[int, list[str]]] = {name: {} for name, _ in REQUESTS}
    async with serve(target) as api:
        for step, token in tokens.items():
            # A token's first use records it (an UPDATE): not part of any view's steady count.
            await api.query("{ viewer { name } }", token)
            for name, query in REQUESTS:
                variables = {} if name == "advisor overview" else {"businessId": business}
                # The first request assesses what it shows (once, until the books change):
                # the count is of the steady state that follows.
                await api.query(query, token, **variables)
                found[name][step] = await count_statements(api, target, query, token, **variables)
    return found


def _fingerprint(tables: list[str]) -> str:
    return ", ".join(f"{t} x{n}" if n > 1 else t for t, n in sorted(Counter(tables).items()))


async def run(context: BenchContext) -> list[Table]:
    steps = context.size.statement_steps
    table = Table(
        "SQL statements per request as the businesses a token sees grow",
        ["db", "request", *(f"N={step:,}" for step in steps), "constant"],
    )
    notes: list[str] = []
    fleet = await context.fleet()
    for kind in context.kinds:
        found = await counts_by_step(fleet[kind], steps)
        for name, by_step in found.items():
            counts = [len(by_step[step]) if step in by_step else None for step in steps]
            same = len({tuple(tables) for tables in by_step.values()}) == 1
            logger.info("statements %s %s: %s", kind, name, counts)
            table.rows.append([kind, name, *counts, verdict(same)])
            if kind == context.kinds[0]:
                notes.append(f"{name}: {_fingerprint(next(iter(by_step.values())))}")
    table.notes = [
        "constant: the same statements (by table) at every N; the tables read, per request:",
        *notes,
    ]
    return [table]
