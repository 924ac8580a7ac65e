"""Every view tells one story: invariants over generated businesses, on both databases.

For every business, the console, the advisor overview (``docs/queries/advisor_overview.graphql``
as documented), the live digest and, after ``generateDigests(input: {wait: true})``, the stored
digest and its e-mail are read over HTTP. Their figures must then agree with each other and with
the model's definitions (README, ``resolvers/rules/runway.py``, ``aging.py``, ``pay_plan.py``),
recomputed here from the answers alone, never by calling the rules:

- one status everywhere (console, overview, digest, stored digest, its snapshot and its e-mail
  subject), one set of runway figures, and a snapshot equal to the live digest;
- runwayWeeks = cash / weeklyNetBurn half up to 0.1 when burning, else null; the runway's and
  the forecast's statuses from the 4- and 13-week thresholds, status the worse, statusBasis the
  worst measure that ends first; coveredUntil the earlier of asOf + floor(runwayWeeks x 7) days
  and the day before cashZeroDate (so always before it); the headline names the basis's figure;
- payables and receivables: open = all five aging buckets, overdue = the past-due ones;
- the pay plan: the console's MUST_PAY bills in its order with their running cash, funded while
  it stays at or above zero, the first unfunded bill and the shortfall;
- every bill recommendation gives one reason per signal plus a verdict, and never takes more
  runway than there is; every money string has exactly two decimals.

The generated businesses: 6 seeds of 3 small companies and a realistic one, and the demo fleet
(``runway demo --businesses 20``, built by the demo's own builder).
"""

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.asgi import create_app
from app.db import create_engine, create_session_factory
from app.demo import build_demo_database
from app.settings import Settings
from sync.fakeqbo.generator import CompanySize, generate_companies, generate_company
from tests.factories import make_token
from tests.schema.books import BILL_FIELDS, SUMMARY_FIELDS, nodes, ok
from tests.schema.conftest import NOW, Api, LoadCompanies
from tests.schema.selections import every_field, field_names_of_scalar

AS_OF = date(2026, 11, 20)
"""Friday; ``NOW`` is this day in every generated company's timezone."""
SEEDS = (3, 11, 19, 29, 41, 53)
OVERVIEW = (Path(__file__).parents[2] / "docs" / "queries" / "advisor_overview.graphql").read_text()

RANK = {"HEALTHY": 0, "WARNING": 1, "CRITICAL": 2}
BUCKETS = ["CURRENT", "DAYS_1_30", "DAYS_31_60", "DAYS_61_90", "DAYS_90_PLUS"]
RUNWAY_FIELDS = (
    "cash",
    "weeklyNetBurn",
    "runwayWeeks",
    "notBurning",
    "cashZeroDate",
    "coveredUntil",
    "runwayStatus",
    "forecastStatus",
    "status",
    "statusBasis",
    "statusReason",
)
TENTHS_FIELDS = frozenset({"runwayWeeks", "runwayImpactDays"})
MONEY_FIELDS = field_names_of_scalar("Decimal") - TENTHS_FIELDS - {"percent", "annualisedReturn"}
"""Every Decimal field of the schema but days, weeks and percentages: money, to the cent."""
MONEY = re.compile(r"-?\d+\.\d\d")
TENTHS = re.compile(r"\d+\.\d")
WEEKDAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

CONSOLE = (
    """
query Console($businessId: ID!) {
  decisionConsole(businessId: $businessId) {
    asOf cash weeklyNetBurn runwayWeeks notBurning cashZeroDate coveredUntil runwayStatus
    forecastStatus status statusBasis statusReason
    summary { ...SummaryFields }
    payPlan {
      cash mustPayAmount fundedCount fundedAmount shortfall inCrunch
      firstUnfunded { ...BillFields }
      steps(first: 500) { totalCount edges { node { bill { ...BillFields } cashAfter funded } } }
    }
    bills(first: 500) { totalCount edges { node { ...BillFields } } }
    collections(first: 500) { totalCount edges { node { ...CollectionFields } } }
  }
}
"""
    + SUMMARY_FIELDS
    + BILL_FIELDS
)
DIGEST = "query($id: ID!) { digest(businessId: $id) { " + every_field("Digest") + " } }"
GENERATE = "mutation { generateDigests(input: {wait: true}) { status done failed } }"
STORED = """
query {
  businesses(first: 100) {
    edges { node { id digests(first: 1) {
      totalCount edges { node { weekStart status subject snapshot } }
    } } }
  }
}
"""


@dataclass
class Story:
    """One business as every view tells it."""

    name: str
    overview: Any
    """Its node in the advisor overview."""
    console: Any
    digest: Any
    stored: Any
    """Its stored digest of this week: status, subject and snapshot."""


async def read_stories(api: Api, token: str) -> list[Story]:
    """Every business's views: the overview, a digest run, then each console and digest."""
    overview = ok(await api.query(OVERVIEW, token))["businesses"]
    assert overview["pageInfo"]["hasNextPage"] is False
    run = ok(await api.query(GENERATE, token))["generateDigests"]
    count = overview["totalCount"]
    assert (run["status"], run["done"], run["failed"]) == ("SUCCEEDED", count, 0), run
    stored = {node["id"]: node for node in nodes(ok(await api.query(STORED, token))["businesses"])}
    stories = []
    for node in nodes(overview):
        console = ok(await api.query(CONSOLE, token, businessId=node["id"]))["decisionConsole"]
        digest = ok(await api.query(DIGEST, token, id=node["id"]))["digest"]
        [kept] = nodes(stored[node["id"]]["digests"])
        stories.append(Story(node["name"], node, console, digest, kept))
    return stories


def check_story(story: Story) -> None:
    """Every invariant of the module docstring, for one business."""
    console, digest, snapshot = story.console, story.digest, story.stored["snapshot"]
    statuses = {
        "console": console["status"],
        "overview": story.overview["decisions"]["status"],
        "digest": digest["status"],
        "stored": story.stored["status"],
        "snapshot": snapshot["status"],
    }
    assert set(statuses.values()) == {console["status"]}, (story.name, statuses)
    assert snapshot == digest, story.name
    assert {f: digest[f] for f in RUNWAY_FIELDS} == {f: console[f] for f in RUNWAY_FIELDS}
    assert digest["asOf"] == console["asOf"] == AS_OF.isoformat()
    decisions = story.overview["decisions"]
    assert decisions["cash"] == console["cash"]
    assert decisions["runwayWeeks"] == console["runwayWeeks"]
    assert decisions["summary"] == {
        "mustPayCount": console["summary"]["mustPayCount"],
        "toCollectCount": console["summary"]["toCollectCount"],
    }
    assert digest["decisions"] == console["summary"], story.name
    check_runway(console)
    assert digest["headline"] == headline(console, date.isoformat), story.name
    week = date.fromisoformat(digest["weekStart"])
    assert story.stored["weekStart"] == digest["weekStart"]
    assert story.stored["subject"] == (
        f"Runway · {story.name} · week of {week.day} {MONTHS[week.month - 1]}: "
        f"{console['status']}, {headline(console, long_date)}"
    )
    for totals in (digest["payables"], digest["receivables"]):
        check_aging(totals)
    check_pay_plan(console)
    bills = [
        *nodes(console["bills"]),
        *(step["bill"] for step in nodes(console["payPlan"]["steps"])),
        *([console["payPlan"]["firstUnfunded"]] if console["payPlan"]["firstUnfunded"] else []),
        *digest["billsDueThisWeek"],
    ]
    for bill in bills:
        check_bill(bill, console["runwayWeeks"])
    check_numbers(story)


def check_runway(runway: Any) -> None:
    """runwayWeeks, both statuses, status, statusBasis and coveredUntil from cash, burn and
    cashZeroDate, as the README defines them."""
    cash, burn = Decimal(runway["cash"]), Decimal(runway["weeklyNetBurn"])
    as_of, zero = date.fromisoformat(runway["asOf"]), day(runway["cashZeroDate"])
    weeks = None if runway["runwayWeeks"] is None else Decimal(runway["runwayWeeks"])
    runway_end = None
    if burn > 0:
        # Overdrawn cash lasts no weeks at all (rules/runway.py): 0.0, not a negative runway.
        expected = (cash / burn).quantize(Decimal("0.1"), ROUND_HALF_UP) if cash >= 0 else 0
        assert (weeks, runway["notBurning"]) == (expected, False), runway
        assert weeks is not None
        own = status_of(weeks)
        runway_end = as_of + timedelta(days=int(weeks * 7))  # floor: weeks is never negative
    else:
        assert (weeks, runway["notBurning"]) == (None, True), runway
        own = "CRITICAL" if cash < 0 else "HEALTHY"
    assert zero is None or zero >= as_of
    forecast = "HEALTHY" if zero is None else status_of(Decimal((zero - as_of).days) / 7)
    assert (runway["runwayStatus"], runway["forecastStatus"]) == (own, forecast), runway
    assert runway["status"] == max(own, forecast, key=RANK.__getitem__), runway
    # Of the measures at the worst status, the one that ends first (the forecast on a tie).
    forecast_decides = zero is not None and (
        RANK[forecast] > RANK[own]
        or (RANK[forecast] == RANK[own] and (runway_end is None or zero <= runway_end))
    )
    basis = (
        "FORECAST"
        if forecast_decides
        else "OVERDRAWN"
        if cash < 0
        else "NOT_BURNING"
        if weeks is None
        else "RUNWAY"
    )
    assert runway["statusBasis"] == basis, runway
    ends = [end for end in (runway_end, zero - timedelta(days=1) if zero else None) if end]
    assert day(runway["coveredUntil"]) == (min(ends) if ends else None), runway
    if runway["coveredUntil"] is not None and zero is not None:
        assert day(runway["coveredUntil"]) < zero


def status_of(weeks: Decimal) -> str:
    """CRITICAL under 4 weeks, WARNING under 13, else HEALTHY."""
    return "CRITICAL" if weeks < 4 else "WARNING" if weeks < 13 else "HEALTHY"


def headline(runway: Any, format_date: Any) -> str:
    """The figure the headline names for the status's basis, dates as ``format_date`` writes."""
    basis = runway["statusBasis"]
    if basis == "FORECAST":
        zero, as_of = date.fromisoformat(runway["cashZeroDate"]), date.fromisoformat(runway["asOf"])
        monday = zero - timedelta(days=zero.weekday())
        if monday <= as_of - timedelta(days=as_of.weekday()):
            return "cash runs out this week"
        return f"cash runs out the week of {format_date(monday)}"
    if basis == "OVERDRAWN":
        return "bank accounts overdrawn"
    if basis == "NOT_BURNING":
        return "not burning cash"
    weeks = runway["runwayWeeks"]
    return f"{weeks} {'week' if Decimal(weeks) == 1 else 'weeks'} of runway"


def long_date(day: date) -> str:
    """The e-mail's dates: "Mon 30 Nov 2026"."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def check_aging(totals: Any) -> None:
    """Open is every bucket, overdue every bucket past due; in count and to the cent."""
    aging = totals["aging"]
    assert [bucket["bucket"] for bucket in aging] == BUCKETS
    for key, buckets in (("open", aging), ("overdue", aging[1:])):
        assert totals[f"{key}Count"] == sum(bucket["count"] for bucket in buckets), totals
        assert Decimal(totals[f"{key}Amount"]) == sum(
            (Decimal(bucket["amount"]) for bucket in buckets), Decimal(0)
        ), totals


def check_pay_plan(console: Any) -> None:
    """The plan walks the console's MUST_PAY bills in order with the running cash."""
    plan, steps = console["payPlan"], nodes(console["payPlan"]["steps"])
    assert len(nodes(console["bills"])) == console["bills"]["totalCount"]
    assert [step["bill"] for step in steps] == [
        bill for bill in nodes(console["bills"]) if bill["group"] == "MUST_PAY"
    ]
    cash = max(Decimal(console["cash"]), Decimal(0))
    left, total, funded = cash, Decimal(0), Decimal(0)
    for step in steps:
        amount = Decimal(step["bill"]["amount"])
        left, total = left - amount, total + amount
        assert (Decimal(step["cashAfter"]), step["funded"]) == (left, left >= 0), step
        funded += amount if step["funded"] else 0
    shortfall = max(Decimal(0), total - cash)
    assert plan["steps"]["totalCount"] == len(steps) == console["summary"]["mustPayCount"]
    assert Decimal(plan["cash"]) == cash
    assert Decimal(plan["mustPayAmount"]) == total == Decimal(console["summary"]["mustPayAmount"])
    assert plan["fundedCount"] == sum(step["funded"] for step in steps)
    assert Decimal(plan["fundedAmount"]) == funded
    assert plan["firstUnfunded"] == next((s["bill"] for s in steps if not s["funded"]), None)
    assert (Decimal(plan["shortfall"]), plan["inCrunch"]) == (shortfall, shortfall > 0)


def check_bill(bill: Any, runway_weeks: str | None) -> None:
    """A reason per signal and a verdict; no more runway taken than there is."""
    assert len(bill["reasons"]) == len(bill["signals"]) + 1, bill
    if runway_weeks is None:  # not burning: paying doesn't shorten an unbounded runway
        assert bill["runwayImpactDays"] is None, bill
    else:
        assert Decimal(bill["runwayImpactDays"]) <= Decimal(runway_weeks) * 7, bill


def scalars(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """Every (field name, scalar) in an answer, lists flattened under their field's name."""
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from scalars(inner, name)
    elif isinstance(value, list):
        for item in value:
            yield from scalars(item, key)
    else:
        yield key, value


def check_numbers(story: Story) -> None:
    """Money has exactly two decimals, weeks and days one, in every answer."""
    answers = [story.console, story.overview, story.digest, story.stored["snapshot"]]
    found = [(k, v) for a in answers for k, v in scalars(a) if v is not None]
    money = [(key, value) for key, value in found if key in MONEY_FIELDS]
    assert len(money) > 100, story.name  # cash, burn, forecast weeks, aging, summaries, bills
    assert [(k, v) for k, v in money if not (isinstance(v, str) and MONEY.fullmatch(v))] == []
    tenths = [(key, value) for key, value in found if key in TENTHS_FIELDS]
    assert [(k, v) for k, v in tenths if not (isinstance(v, str) and TENTHS.fullmatch(v))] == []


def day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


@pytest.mark.parametrize("seed", SEEDS)
async def test_generated_businesses_tell_one_story(
    seed: int, api: Api, admin_token: str, load_companies: LoadCompanies
) -> None:
    companies = generate_companies(count=3, seed=seed, as_of=AS_OF, size=CompanySize.small())
    companies.append(
        generate_company(seed=seed, index=3, as_of=AS_OF, size=CompanySize.realistic())
    )
    await load_companies(companies)

    stories = await read_stories(api, admin_token)

    assert sorted(story.name for story in stories) == sorted(c.name for c in companies)
    for story in stories:
        check_story(story)


@dataclass
class Demo:
    api: Api
    token: str


@pytest.fixture
async def demo(database_url: str) -> AsyncIterator[Demo]:
    """What ``runway demo --businesses 20`` builds (seed 7, its own builder: a migrated database
    and a real sync from the fake QBO), served with the clock pinned at ``NOW``."""
    settings = Settings(database_url=database_url, _env_file=None)  # type: ignore[call-arg]
    await build_demo_database(database_url, businesses=20, seed=7, as_of=AS_OF, settings=settings)
    engine = create_engine(database_url)
    try:
        token = await make_token(create_session_factory(engine), role="admin", name="demo")
    finally:
        await engine.dispose()
    app = create_app(settings, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            yield Demo(Api(http), token)


async def test_the_demo_fleet_tells_one_story(demo: Demo) -> None:
    stories = await read_stories(demo.api, demo.token)

    assert len(stories) == 20
    for story in stories:
        check_story(story)
    # The fleet exercises every status, and runway- and forecast-based headlines. Its companies
    # are drawn per business (sizes and flaws vary), so whether one of the 20 is cash-positive is
    # the seed's luck: seed 7 has none; the NOT_BURNING story is checked on seeds 11 and 53 above.
    assert {story.console["status"] for story in stories} == set(RANK)
    assert {"RUNWAY", "FORECAST"} <= {story.console["statusBasis"] for story in stories}
