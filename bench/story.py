"""``bench story``: every business of the bench fleet tells one story (issue 12's "done when").

The fleet's businesses are assessed as the job would, then read over HTTP through the advisor
overview's shape, 100 businesses a page: each business's console (``Business.decisions``) and
digest side by side. Checked for every business, from the answers alone:

- the console's and the digest's runway figures and status are the same;
- ``runwayWeeks`` = ``cash ÷ weeklyNetBurn`` half up to 0.1 when burning (0 when overdrawn),
  null when not;
- ``coveredUntil`` is before ``cashZeroDate`` whenever both exist;
- payables and receivables: overdue = the past-due aging buckets, open = all five.

It prints the count of businesses checked and of each disagreement found (the target: none).
The test suite's ``tests/schema/test_one_story.py`` asserts the same and more on generated and
demo fleets; this is the same claim at the bench fleet's size.
"""

import logging
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bench.api import make_token, serve
from bench.context import BenchContext
from bench.databases import Target, connect
from bench.digests import assess_all
from bench.report import Table, verdict

logger = logging.getLogger(__name__)

RUNWAY = (
    "cash weeklyNetBurn runwayWeeks notBurning cashZeroDate coveredUntil runwayStatus "
    "forecastStatus status statusBasis"
)
AGING = "openCount openAmount overdueCount overdueAmount aging { bucket count amount }"
PAGE = f"""
query Story($after: String) {{
  businesses(first: 100, after: $after) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{
      name
      decisions {{ {RUNWAY} }}
      digest {{ {RUNWAY} payables {{ {AGING} }} receivables {{ {AGING} }} }}
    }} }}
  }}
}}
"""
TENTH = Decimal("0.1")


def disagreements(business: dict[str, Any]) -> list[str]:
    """What in one business's answers breaks the one-story model (empty: nothing)."""
    console, digest = business["decisions"], business["digest"]
    found: list[str] = []
    runway_fields = RUNWAY.split()
    if any(console[name] != digest[name] for name in runway_fields):
        found.append("console and digest differ")
    cash, burn = Decimal(console["cash"]), Decimal(console["weeklyNetBurn"])
    if burn > 0:
        expected = max(cash / burn, Decimal(0)).quantize(TENTH, rounding=ROUND_HALF_UP)
        if console["runwayWeeks"] is None or Decimal(console["runwayWeeks"]) != expected:
            found.append("runwayWeeks is not cash / burn half up")
    elif console["runwayWeeks"] is not None:
        found.append("runwayWeeks shown while not burning")
    covered, zero = console["coveredUntil"], console["cashZeroDate"]
    if covered is not None and zero is not None and covered >= zero:  # ISO dates sort as dates
        found.append("coveredUntil on or after cashZeroDate")
    for side in ("payables", "receivables"):
        totals = digest[side]
        buckets = totals["aging"]
        past = [bucket for bucket in buckets if bucket["bucket"] != "CURRENT"]
        if totals["openCount"] != sum(bucket["count"] for bucket in buckets) or Decimal(
            totals["openAmount"]
        ) != sum(Decimal(bucket["amount"]) for bucket in buckets):
            found.append(f"{side}: open is not the sum of the buckets")
        if totals["overdueCount"] != sum(bucket["count"] for bucket in past) or Decimal(
            totals["overdueAmount"]
        ) != sum(Decimal(bucket["amount"]) for bucket in past):
            found.append(f"{side}: overdue is not the sum of the past-due buckets")
    return found


async def check_fleet(target: Target) -> tuple[int, Counter[str], Counter[str]]:
    """(businesses checked, disagreements by kind, statuses) over the whole fleet."""
    async with connect(target) as database:
        await assess_all(database)
        token = await make_token(database.sessions)
    checked, found, statuses = 0, Counter[str](), Counter[str]()
    async with serve(target) as api:
        after: str | None = None
        while True:
            page = (await api.query(PAGE, token, after=after))["businesses"]
            for edge in page["edges"]:
                checked += 1
                statuses[edge["node"]["decisions"]["status"]] += 1
                for problem in disagreements(edge["node"]):
                    logger.warning("%s: %s", edge["node"]["name"], problem)
                    found[problem] += 1
            if not page["pageInfo"]["hasNextPage"]:
                return checked, found, statuses
            after = page["pageInfo"]["endCursor"]


async def run(context: BenchContext) -> list[Table]:
    table = Table(
        "One story across the bench fleet: console and digest agree, figures add up",
        ["db", "businesses", "HEALTHY", "WARNING", "CRITICAL", "disagreements", "target"],
    )
    fleet = await context.fleet()
    notes: list[str] = []
    for kind in context.kinds:
        checked, found, statuses = await check_fleet(fleet[kind])
        total = sum(found.values())
        table.rows.append(
            [
                kind,
                checked,
                statuses["HEALTHY"],
                statuses["WARNING"],
                statuses["CRITICAL"],
                total,
                verdict(total == 0 and checked > 0),
            ]
        )
        notes.extend(f"{kind}: {problem}: {count}" for problem, count in found.most_common())
    table.notes = [
        "target: no disagreement (same runway figures and status in the console and the digest; "
        "runwayWeeks = cash / burn half up; coveredUntil before cashZeroDate; totals = buckets)",
        *notes,
    ]
    return [table]
