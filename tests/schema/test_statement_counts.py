"""SQL statements per request don't grow with the data (docs/design.md#performance-targets, first
bullet).

Each request is measured by ``tests.statements.counting_statements`` (a ``before_cursor_execute``
listener filtered to this test's database URL), so the app's own engine, built in its lifespan,
is counted without reaching into it.
"""

from datetime import date
from pathlib import Path
from typing import Any

from schema.relay import global_id
from sync.fakeqbo.generator import CompanySize, generate_companies
from tests.conftest import Database
from tests.factories import make_token
from tests.schema.conftest import Api, LoadCompanies
from tests.statements import counting_statements, tables_read

AS_OF = date(2026, 11, 20)
OVERVIEW = (Path(__file__).parents[2] / "docs" / "queries" / "advisor_overview.graphql").read_text()
FILTERED_OVERVIEW = """
{
  businesses(first: 100) {
    edges {
      node {
        name
        hygiene(first: 0, filter: {minSeverity: HIGH}) { matching { itemCount amountAtStake } }
        decisions(filter: {minAmount: "100"}) { summary { mustPayCount toCollectCount } }
      }
    }
  }
}
"""

HYGIENE_TRAY = """
query Tray($businessId: ID!) {
  hygieneTray(businessId: $businessId, first: 500) {
    score issueCount totalCount
    edges { node { id label counterpartyName issues { code message } } }
  }
}
"""

DECISION_CONSOLE = """
query Console($businessId: ID!) {
  decisionConsole(businessId: $businessId) {
    cash runwayWeeks status summary { mustPayCount toCollectCount }
    bills(first: 500) { totalCount edges { node { id vendorName priority } } }
    collections(first: 500) { totalCount edges { node { id customerName priority } } }
  }
}
"""

DIGEST = """
query Digest($businessId: ID!) {
  digest(businessId: $businessId) {
    status cash runwayWeeks
    payables { openCount }
    receivables { openCount }
    forecast { closing }
    billsDueThisWeek { label }
    overdueInvoices { label }
    topActions { description }
    hygiene { score }
    decisions { mustPayCount }
  }
}
"""

# The tables each view reads once its business's assessment is stored, one statement each,
# whatever the business's size (sorted by table): the token (api_token), the business, its stored
# assessment, then what the view shows. The tray: its page and its count of flagged records (5).
# The console: its page and count of bills, and of invoices (7). The digest: the assessment's
# summary, then its detail (4).
VIEW_TABLES = {
    "hygieneTray": sorted(
        ["api_token", "business", "assessment", "assessed_hygiene_item", "assessed_hygiene_item"]
    ),
    "decisionConsole": sorted(
        [
            *("api_token", "business", "assessment"),
            *("assessed_bill", "assessed_bill", "assessed_invoice", "assessed_invoice"),
        ]
    ),
    "digest": sorted(["api_token", "business", "assessment", "assessment"]),
}


async def _measure(
    api: Api, database: Database, query: str, token: str, **variables: Any
) -> tuple[Any, list[str]]:
    with counting_statements(database.url) as statements:
        body = await api.query(query, token, **variables)
    assert "errors" not in body, body["errors"]
    return body["data"], statements


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.split()[0] in ("INSERT", "DELETE", "UPDATE")]


async def test_overview_costs_the_same_statements_for_5_and_100_businesses(
    api: Api, database: Database, load_companies: LoadCompanies
) -> None:
    size = CompanySize.small()
    companies = generate_companies(count=100, seed=91, as_of=AS_OF, size=size)
    few = await load_companies(companies[:5])
    token_few = await make_token(database.sessions, role="viewer", business_ids=few)
    every = few + await load_companies(companies[5:])
    token_all = await make_token(database.sessions, role="viewer", business_ids=every)
    # Warm up: the first use of a token records it (an UPDATE), and PostgreSQL's first
    # connection asks the server about itself; neither belongs to the steady-state count.
    for token in (token_few, token_all):
        assert "errors" not in await api.query("{ viewer { name } }", token)

    # The first overview assesses every business it shows, in one batch.
    _, cold_few = await _measure(api, database, OVERVIEW, token_few)
    _, cold_all = await _measure(api, database, OVERVIEW, token_all)
    reads_few = [s for s in cold_few if s not in _writes(cold_few)]
    reads_all = [s for s in cold_all if s not in _writes(cold_all)]
    assert tables_read(reads_few) == tables_read(reads_all)
    assert {s.split()[2] for s in _writes(cold_all)} == {
        "assessment",
        "assessed_hygiene_item",
        "assessed_bill",
        "assessed_invoice",
    }

    small, small_statements = await _measure(api, database, OVERVIEW, token_few)
    large, large_statements = await _measure(api, database, OVERVIEW, token_all)

    assert small["businesses"]["totalCount"] == 5
    assert large["businesses"]["totalCount"] == 100
    assert len(large["businesses"]["edges"]) == 100
    assert {e["node"]["name"] for e in large["businesses"]["edges"]} == {c.name for c in companies}
    # 5 statements: the token and its businesses (2), the page of businesses and its count (2),
    # and the stored assessments of every business on the page (1). Nothing per business, and
    # nothing recomputed: the books did not change.
    overview_tables = sorted(
        ["api_token", "api_token_business", "business", "business", "assessment"]
    )
    assert tables_read(small_statements) == overview_tables
    assert tables_read(large_statements) == overview_tables

    # Filtered, the totals beside the pages are counted in SQL: one statement per kind of
    # record for every business on the page, never one per business.
    small, small_statements = await _measure(api, database, FILTERED_OVERVIEW, token_few)
    large, large_statements = await _measure(api, database, FILTERED_OVERVIEW, token_all)
    assert len(large["businesses"]["edges"]) == 100
    assert any(e["node"]["hygiene"]["matching"]["itemCount"] for e in large["businesses"]["edges"])
    filtered_tables = sorted(
        [*overview_tables, "assessed_hygiene_item", "assessed_bill", "assessed_invoice"]
    )
    assert tables_read(small_statements) == filtered_tables
    assert tables_read(large_statements) == filtered_tables


def _rows_behind(view: dict[str, Any]) -> int:
    """How many records a view answered over (its flagged, ready or open documents)."""
    if "payables" in view:
        return int(view["payables"]["openCount"]) + int(view["receivables"]["openCount"])
    if "bills" in view:
        return int(view["bills"]["totalCount"]) + int(view["collections"]["totalCount"])
    return int(view["totalCount"])


async def test_views_cost_the_same_statements_for_small_and_bigger_businesses(
    api: Api, database: Database, load_companies: LoadCompanies
) -> None:
    small = generate_companies(count=1, seed=92, as_of=AS_OF, size=CompanySize.small())[0]
    bigger_size = CompanySize(vendors=30, customers=30, bills=300, invoices=200, history_weeks=26)
    bigger = generate_companies(count=1, seed=93, as_of=AS_OF, size=bigger_size)[0]
    small_pk, bigger_pk = await load_companies([small, bigger])
    small_id, bigger_id = global_id("Business", small_pk), global_id("Business", bigger_pk)
    token = await make_token(database.sessions, role="viewer")
    assert "errors" not in await api.query("{ viewer { name } }", token)  # warm-up, as above

    for name, query in [
        ("hygieneTray", HYGIENE_TRAY),
        ("decisionConsole", DECISION_CONSOLE),
        ("digest", DIGEST),
    ]:
        for business_id in (small_id, bigger_id):  # the first request stores the assessments
            await _measure(api, database, query, token, businessId=business_id)
        few, few_statements = await _measure(api, database, query, token, businessId=small_id)
        many, many_statements = await _measure(api, database, query, token, businessId=bigger_id)
        assert tables_read(few_statements) == VIEW_TABLES[name], name
        assert tables_read(many_statements) == VIEW_TABLES[name], name
        # The views really differ in size: the bigger business has many more rows behind each.
        assert _rows_behind(many[name]) > 3 * _rows_behind(few[name]) > 0, name
