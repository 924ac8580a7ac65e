"""Every example in docs/queries/ runs as written, over HTTP, against generated companies.

The variables each file needs are read from its own definitions, so a new example is picked up
without touching this test; what its answer must look like is checked per example below.
"""

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from schema.relay import global_id
from sync.fakeqbo.generator import CompanySize, generate_companies
from tests.conftest import Database
from tests.factories import make_token
from tests.schema.conftest import NOW, Api, LoadCompanies

AS_OF = date(2026, 11, 20)
"""Friday; ``NOW`` is this day in every generated company's timezone."""
QUERIES = Path(__file__).parents[2] / "docs" / "queries"
EXAMPLES = sorted(QUERIES.glob("*.graphql"))
TEXTS = {path.name: path.read_text() for path in EXAMPLES}


@dataclass
class Books:
    """Three generated companies and a viewer over all of them."""

    token: str
    ids: list[str]
    names: list[str]
    busiest: str
    """The business with the most open bills: the one the single-business examples show."""


@pytest.fixture
async def books(api: Api, database: Database, load_companies: LoadCompanies) -> Books:
    companies = generate_companies(count=3, seed=61, as_of=AS_OF, size=CompanySize.realistic())
    pks = await load_companies(companies)
    ids = [global_id("Business", pk) for pk in pks]
    token = await make_token(database.sessions, role="viewer", name="advisor")
    counts = []
    for business_id in ids:
        body = await api.query(
            "query($id: ID!) { decisionConsole(businessId: $id) { bills { totalCount } } }",
            token,
            id=business_id,
        )
        counts.append(body["data"]["decisionConsole"]["bills"]["totalCount"])
    busiest = ids[counts.index(max(counts))]
    return Books(token, ids, [c.name for c in companies], busiest)


def operation(path: Path) -> OperationDefinitionNode:
    (definition,) = [
        d for d in parse(TEXTS[path.name]).definitions if isinstance(d, OperationDefinitionNode)
    ]
    return definition


def variables_for(path: Path, books: Books) -> dict[str, Any]:
    """What the example needs: ``businessId`` is a business; optional variables stay unset."""
    values: dict[str, Any] = {}
    for definition in operation(path).variable_definitions:
        name = definition.variable.name.value
        if name == "businessId":
            values[name] = books.busiest
        elif definition.type.kind == "non_null_type":
            pytest.fail(f"{path.name} needs ${name}: teach variables_for() what to pass")
    return values


def between(low: Decimal | int, value: Any, high: Decimal | int) -> bool:
    return low <= Decimal(value) <= high


async def check_advisor_overview(api: Api, books: Books, data: dict[str, Any], path: Path) -> None:
    connection = data["businesses"]
    assert connection["totalCount"] == 3
    assert connection["pageInfo"]["hasNextPage"] is False
    nodes = [edge["node"] for edge in connection["edges"]]
    assert [n["name"] for n in nodes] == sorted(books.names)
    assert {n["id"] for n in nodes} == set(books.ids)
    for node in nodes:
        assert node["sync"] == {
            "lastSyncedAt": NOW.isoformat(),
            "lastError": None,
            "connectionStatus": "connected",
        }
        hygiene = node["hygiene"]
        assert 0 <= hygiene["score"] <= 100
        assert hygiene["score"] < 100  # generated companies carry every kind of flaw
        assert 0 < hygiene["highCount"] <= hygiene["issueCount"]
        decisions = node["decisions"]
        assert decisions["status"] in {"CRITICAL", "WARNING", "HEALTHY"}
        assert Decimal(decisions["cash"]) > 0
        assert decisions["runwayWeeks"] is None or Decimal(decisions["runwayWeeks"]) > 0
        assert decisions["summary"]["mustPayCount"] >= 0
        assert decisions["summary"]["toCollectCount"] >= 0
    assert sum(n["decisions"]["summary"]["mustPayCount"] for n in nodes) > 0
    assert sum(n["decisions"]["summary"]["toCollectCount"] for n in nodes) > 0

    # $after pages on from the listing's own end cursor: nothing after the last business.
    rest = await api.query(TEXTS[path.name], books.token, after=connection["pageInfo"]["endCursor"])
    assert "errors" not in rest
    assert rest["data"]["businesses"]["totalCount"] == 3
    assert rest["data"]["businesses"]["edges"] == []


async def check_decision_screen(api: Api, books: Books, data: dict[str, Any], path: Path) -> None:
    console = data["decisionConsole"]
    assert console["asOf"] == AS_OF.isoformat()
    assert console["dataSyncedAt"] == NOW.isoformat()
    assert Decimal(console["cash"]) > 0
    assert console["status"] in {"CRITICAL", "WARNING", "HEALTHY"}
    summary = console["summary"]
    must_pay = {"OVERDUE", "DUE_SOON", "CRITICAL_VENDOR", "LATE_FEE", "LARGE_VS_CASH"}
    can_delay = {"DUE_LATER_HEALTHY_RUNWAY", "SMALL_VS_BURN"}
    shown = 0
    for alias in ["mustPay", "canDelay", "scheduled"]:
        connection = console[alias]
        bills = [edge["node"] for edge in connection["edges"]]
        assert len(bills) == min(connection["totalCount"], 20)
        priorities = [bill["priority"] for bill in bills]
        assert priorities == sorted(priorities, reverse=True), alias
        for bill in bills:
            assert 0 <= bill["priority"] <= 100
            assert Decimal(bill["amount"]) > 0
            # A reason per signal, then the verdict: every recommendation says why.
            assert len(bill["reasons"]) == len(bill["signals"]) + 1, bill
            assert bill["qboUrl"].startswith("https://app.qbo.intuit.com/app/bill?txnId=")
            if alias == "mustPay":  # paid now or on a date, for at least one must-pay reason
                assert bill["action"] in {"PAY_NOW", "SCHEDULE"}, bill
                assert must_pay & set(bill["signals"]), bill
                assert bill["reasons"], bill
            elif alias == "canDelay":  # delayed, for reasons to wait only
                assert bill["action"] == "DELAY", bill
                assert set(bill["signals"]) <= can_delay, bill
                assert bill["reasons"], bill
        shown += len(bills)
    assert summary["mustPayCount"] == console["mustPay"]["totalCount"]
    assert summary["canDelayCount"] == console["canDelay"]["totalCount"]
    assert summary["scheduledCount"] == console["scheduled"]["totalCount"]
    assert shown > 0
    if console["mustPay"]["totalCount"] <= 20:
        assert Decimal(summary["mustPayAmount"]) == sum(
            (Decimal(e["node"]["amount"]) for e in console["mustPay"]["edges"]), Decimal(0)
        )
    collections = console["collections"]
    assert collections["totalCount"] > 0
    for edge in collections["edges"]:
        invoice = edge["node"]
        assert invoice["action"] in {"REMIND", "ESCALATE", "CALL"}
        assert invoice["daysOverdue"] >= 0
        assert invoice["qboUrl"].startswith("https://app.qbo.intuit.com/app/invoice?txnId=")


async def check_digest_preview(api: Api, books: Books, data: dict[str, Any], path: Path) -> None:
    digest = data["digest"]
    assert digest["businessName"] == books.names[books.ids.index(books.busiest)]
    assert digest["weekStart"] == "2026-11-16"  # the Monday of AS_OF's week
    assert digest["weekEnd"] == "2026-11-22"
    assert digest["status"] in {"CRITICAL", "WARNING", "HEALTHY"}
    assert Decimal(digest["cash"]) == sum(
        (Decimal(a["balance"]) for a in digest["bankAccounts"]), Decimal(0)
    )
    assert len(digest["bankAccounts"]) == CompanySize.realistic().bank_accounts
    forecast = digest["forecast"]
    assert len(forecast) == 13
    assert Decimal(forecast[0]["opening"]) == Decimal(digest["cash"])
    for week, following in itertools.pairwise(forecast):
        assert following["opening"] == week["closing"]
        assert date.fromisoformat(following["weekStart"]) - date.fromisoformat(
            week["weekStart"]
        ) == timedelta(days=7)
    for week in forecast:
        assert Decimal(week["closing"]) == (
            Decimal(week["opening"])
            + Decimal(week["collections"])
            - Decimal(week["bills"])
            - Decimal(week["baselineSpend"])
        )
    assert Decimal(digest["payables"]["openAmount"]) > 0
    assert Decimal(digest["receivables"]["openAmount"]) > 0
    aging = digest["receivables"]["aging"]
    assert [a["bucket"] for a in aging] == [
        "CURRENT",
        "DAYS_1_30",
        "DAYS_31_60",
        "DAYS_61_90",
        "DAYS_90_PLUS",
    ]
    assert sum((Decimal(a["amount"]) for a in aging), Decimal(0)) == Decimal(
        digest["receivables"]["openAmount"]
    )
    assert 0 <= digest["hygiene"]["score"] < 100
    assert digest["freshness"] == {"syncedAt": NOW.isoformat(), "stale": False}
    assert digest["topActions"], "a generated company always has a move that adds runway"
    assert all(action["daysAdded"] > 0 for action in digest["topActions"])
    for bill in digest["billsDueThisWeek"]:
        assert "2026-11-16" <= bill["dueDate"] <= "2026-11-22"
    for invoice in digest["overdueInvoices"]:
        assert invoice["daysOverdue"] > 0
    assert digest["recipients"], "the company's email receives its digest"


async def check_hygiene_queue(api: Api, books: Books, data: dict[str, Any], path: Path) -> None:
    tray = data["hygieneTray"]
    assert 0 <= tray["score"] < 100
    assert tray["dataSyncedAt"] == NOW.isoformat()
    assert tray["issueCount"] > 0
    assert Decimal(tray["amountAtStake"]) > 0
    # Walk every page with $after: each item once, worst first, all of it within the filter.
    items = [edge["node"] for edge in tray["edges"]]
    page = tray
    while page["pageInfo"]["hasNextPage"]:
        following = await api.query(
            TEXTS[path.name],
            books.token,
            businessId=books.busiest,
            after=page["pageInfo"]["endCursor"],
        )
        assert "errors" not in following, following["errors"]
        page = following["data"]["hygieneTray"]
        items += [edge["node"] for edge in page["edges"]]
    assert len(items) == tray["totalCount"] > len(tray["edges"])  # more than one page
    assert len({item["id"] for item in items}) == len(items)
    rank = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
    assert [rank[i["severity"]] for i in items] == sorted(rank[i["severity"]] for i in items)
    assert {item["entityType"] for item in items} == {"BILL", "INVOICE"}
    assert {item["severity"] for item in items} <= {"HIGH", "MEDIUM"}
    for item in items:
        assert item["issues"], item
        assert item["label"]
        worst = min(rank[issue["severity"]] for issue in item["issues"])
        assert rank[item["severity"]] == worst, item
        assert all(issue["message"] for issue in item["issues"])


CHECKS: dict[str, Callable[[Api, Books, dict[str, Any], Path], Awaitable[None]]] = {
    "advisor_overview.graphql": check_advisor_overview,
    "decision_screen.graphql": check_decision_screen,
    "digest_preview.graphql": check_digest_preview,
    "hygiene_queue.graphql": check_hygiene_queue,
}


def test_every_example_has_its_checks() -> None:
    assert sorted(path.name for path in EXAMPLES) == sorted(CHECKS)


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
async def test_example_answers_without_errors(api: Api, books: Books, path: Path) -> None:
    body = await api.query(TEXTS[path.name], books.token, **variables_for(path, books))
    assert "errors" not in body, body["errors"]
    assert body["data"], path.name
    await CHECKS[path.name](api, books, body["data"], path)
