"""The three views and ``decideBill`` end to end: real HTTP GraphQL over a hand-built company.

The company is ``tests.handbuilt.company.harborview`` (read its docstring first), and the figures
the views show for it are in ``tests.handbuilt.figures``, with the arithmetic. Every expected
value is a literal worked out by hand, with the arithmetic in a comment; nothing here calls the
rules. Today is Friday 2026-11-20 (America/Los_Angeles); this week is Mon 11-16 .. Sun 11-22.
"""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from domains.ap.models import Bill
from domains.decisions.models import BillDecision
from schema.relay import global_id
from tests.conftest import Database
from tests.factories import make_token
from tests.handbuilt.company import LATE_BILL, harborview, harborview_update, other_company
from tests.handbuilt.figures import COLLECTIONS, FLAGGED, FORECAST, READY_BILLS, TRAY_ORDER
from tests.schema.conftest import Api, LoadCompanies

QBO = "https://app.qbo.intuit.com"
SYNCED_AT = "2026-11-20T17:00:00+00:00"

TRAY = """
query Tray($businessId: ID!, $filter: HygieneFilter, $first: Int, $after: String) {
  hygieneTray(businessId: $businessId, filter: $filter, first: $first, after: $after) {
    businessId asOf dataSyncedAt score examinedCount issueCount highCount mediumCount lowCount
    amountAtStake totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id entityType qboId label amount dueDate severity counterpartyName qboUrl
        issues { code severity message field amount }
      }
    }
  }
}
"""

BILL_FIELDS = """
fragment BillFields on BillRecommendation {
  id qboId label vendorName vendorId dueDate amount daysUntilDue urgency latestSafePayDate
  recommendedPayDate action group signals reasons priority runwayImpactDays criticalVendor
  decidedAction decidedFor qboUrl
  discount { percent deadline payBy savings annualisedReturn runwayAllows }
}
fragment CollectionFields on CollectionRecommendation {
  id qboId label customerName contactEmail dueDate amount daysOverdue urgency agingBucket action
  priority expectedCollectionDate runwayImpactDays qboUrl
}
"""

SUMMARY_FIELDS = """
fragment SummaryFields on DecisionSummary {
  mustPayCount mustPayAmount canDelayCount canDelayAmount scheduledCount scheduledAmount
  toCollectCount toCollectAmount discountSavings
}
"""

CONSOLE = (
    """
query Console($businessId: ID!, $filter: DecisionFilter, $asOf: Date) {
  decisionConsole(businessId: $businessId, filter: $filter, asOf: $asOf) {
    businessId asOf dataSyncedAt cash weeklyNetBurn runwayWeeks status coveredUntil
    summary { ...SummaryFields }
    bills(first: 500) { totalCount edges { node { ...BillFields } } }
    collections(first: 500) { totalCount edges { node { ...CollectionFields } } }
  }
}
"""
    + SUMMARY_FIELDS
    + BILL_FIELDS
)

CONSOLE_PAGES = """
query Pages($businessId: ID!, $after: String) {
  decisionConsole(businessId: $businessId) {
    page: bills(first: 2, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { node { qboId } }
    }
    canDelay: bills(group: CAN_DELAY) { totalCount edges { node { qboId } } }
  }
}
"""

DIGEST = (
    """
query Digest($businessId: ID!) {
  digest(businessId: $businessId) {
    businessId businessName currency weekStart weekEnd asOf generatedAt dataSyncedAt
    status cash weeklyNetBurn runwayWeeks notBurning coveredUntil cashZeroDate
    bankAccounts { name balance qboId }
    forecast { weekStart weekEnd opening collections bills baselineSpend closing }
    alerts { code level message }
    payables {
      openCount openAmount dueThisWeekCount dueThisWeekAmount overdueCount overdueAmount
    }
    receivables { openCount openAmount overdueCount overdueAmount aging { bucket count amount } }
    billsDueThisWeek { ...BillFields }
    overdueInvoices { ...CollectionFields }
    topActions { kind description daysAdded amount entityType entityId label qboUrl }
    hygiene { score issueCount highCount mediumCount lowCount amountAtStake }
    decisions { ...SummaryFields }
    freshness { syncedAt stale }
    recipients
  }
}
"""
    + SUMMARY_FIELDS
    + BILL_FIELDS
)

DECIDE = """
mutation Decide($input: DecideBillInput!) {
  decideBill(input: $input) { id billId action decidedFor note decidedBy decidedAt }
}
"""

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    id
    ... on Bill { qboId docNumber vendorName dueDate totalAmount balance qboUrl }
    ... on Vendor { qboId displayName active qboUrl }
    ... on Invoice { qboId customerName dueDate balance billEmail qboUrl }
    ... on Customer { qboId displayName email qboUrl }
  }
}
"""


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers


class Books:
    """The loaded company as the tests reach it: its global id, an admin token, its row id."""

    def __init__(self, api: Api, token: str, pk: int) -> None:
        self.api = api
        self.token = token
        self.pk = pk
        self.id = global_id("Business", pk)

    async def tray(self, **variables: Any) -> Any:
        return ok(await self.api.query(TRAY, self.token, businessId=self.id, **variables))[
            "hygieneTray"
        ]

    async def console(self, **variables: Any) -> Any:
        return ok(await self.api.query(CONSOLE, self.token, businessId=self.id, **variables))[
            "decisionConsole"
        ]

    async def digest(self) -> Any:
        return ok(await self.api.query(DIGEST, self.token, businessId=self.id))["digest"]


def ok(body: Any) -> Any:
    assert "errors" not in body, body["errors"]
    return body["data"]


def error_of(body: Any) -> tuple[str, str]:
    """(code, message) of the single error of a failed request."""
    assert body["data"] is None, body
    [error] = body["errors"]
    return error["extensions"]["code"], error["message"]


def nodes(connection: Any) -> list[Any]:
    return [edge["node"] for edge in connection["edges"]]


def keys(tray: Any) -> list[tuple[str, str]]:
    return [(node["entityType"], node["qboId"]) for node in nodes(tray)]


def qbo_ids(connection: Any) -> list[str]:
    return [node["qboId"] for node in nodes(connection)]


def by_qbo_id(connection: Any) -> dict[str, Any]:
    return {node["qboId"]: node for node in nodes(connection)}


@pytest.fixture
async def books(api: Api, admin_token: str, load_companies: LoadCompanies) -> Books:
    [pk] = await load_companies([harborview()])
    return Books(api, admin_token, pk)


async def bill_pk(database: Database, business_pk: int, qbo_id: str) -> int:
    async with database.sessions() as session:
        pk = await session.scalar(
            select(col(Bill.id)).where(
                col(Bill.business_id) == business_pk, col(Bill.qbo_id) == qbo_id
            )
        )
    assert pk is not None
    return pk


async def stored_decisions(database: Database) -> list[tuple[int, str, date, str]]:
    async with database.sessions() as session:
        rows = (await session.scalars(select(BillDecision).order_by(col(BillDecision.id)))).all()
    return [(row.bill_id, row.action, row.decided_for, row.decided_by) for row in rows]


# ---------------------------------------------------------------------------------------------
# Hygiene tray


async def test_tray_flags_exactly_the_planted_problems(books: Books) -> None:
    tray = await books.tray(first=500)

    found = {
        (n["entityType"], n["qboId"], n["severity"], tuple(i["code"] for i in n["issues"]))
        for n in nodes(tray)
    }
    assert found == {(e, q, s, tuple(codes)) for e, q, s, codes, _ in FLAGGED}
    assert {(n["qboId"], n["amount"]) for n in nodes(tray)} == {(q, a) for _, q, _, _, a in FLAGGED}
    # items by worst severity: 4 HIGH, 6 MEDIUM, 2 LOW; issues: 12 items + bill 108's second = 13
    assert (tray["highCount"], tray["mediumCount"], tray["lowCount"]) == (4, 6, 2)
    assert tray["issueCount"] == 13
    assert tray["totalCount"] == 12
    # 700 + 600 + 450 + 450 + 1200 + 1200 + 300 + 0 + 0 + 0 + 900 + 900
    assert tray["amountAtStake"] == "6700.00"


async def test_tray_score_follows_the_documented_formula(books: Books) -> None:
    tray = await books.tray(first=1)

    # examined N = 14 bills (101-113 and 116: open, or zero total like 112; paid ones are not)
    #   + 5 open invoices (201-205)
    #   + 7 vendors: Acme, Gusto, Bright, Delta, IRS (active with open bills) and both Coastals
    #     (flagged); Old Printing is inactive
    #   + 3 customers with open invoices = 29
    assert tray["examinedCount"] == 29
    # penalty = 4 HIGH x 3 + 6 MEDIUM x 2 + 2 LOW x 1 = 26 (each item's worst issue only)
    # score = round(100 * (1 - 26 / (3 * 29))) = round(100 * 61 / 87) = round(70.11) = 70
    assert tray["score"] == 70


async def test_tray_is_worst_first_then_most_money(books: Books) -> None:
    tray = await books.tray(first=500)

    assert keys(tray) == TRAY_ORDER


async def test_tray_items_say_why_and_link_to_qbo(books: Books) -> None:
    tray = await books.tray(first=500)
    items = {(n["entityType"], n["qboId"]): n for n in nodes(tray)}

    assert tray["businessId"] == books.id
    assert tray["asOf"] == "2026-11-20"
    assert tray["dataSyncedAt"] == SYNCED_AT
    inactive = items[("BILL", "108")]
    assert inactive["label"] == "Bill 108 from Old Printing"
    assert inactive["counterpartyName"] == "Old Printing"
    assert inactive["dueDate"] == "2026-11-30"
    assert inactive["qboUrl"] == f"{QBO}/app/bill?txnId=108"
    assert inactive["issues"] == [
        {
            "code": "MISSING_VENDOR",
            "severity": "HIGH",
            "message": "Bill 108 is from Old Printing, who is inactive in QBO",
            "field": "vendor",
            "amount": "600.00",
        },
        {
            "code": "UNCATEGORIZED",
            "severity": "LOW",
            "message": 'Bill 108 from Old Printing has 1 line in "Uncategorized Expense" ($600.00)',
            "field": "lines",
            "amount": "600.00",
        },
    ]
    # Only the 100.00 line is at fault; the item's amount is the bill's open balance.
    [uncategorized] = items[("BILL", "103")]["issues"]
    assert uncategorized["amount"] == "100.00"
    assert uncategorized["message"] == (
        'Bill 103 from Acme Supply has 1 line in "Uncategorized Expense" ($100.00)'
    )
    termless = items[("VENDOR", "53")]
    assert termless["label"] == "Vendor Bright Office"
    assert termless["qboUrl"] == f"{QBO}/app/vendordetail?nameId=53"
    assert termless["issues"][0]["message"] == (
        "Bright Office has 2 open bills ($900.00) and no payment terms"
    )
    assert items[("CUSTOMER", "72")]["qboUrl"] == f"{QBO}/app/customerdetail?nameId=72"
    assert items[("INVOICE", "204")]["qboUrl"] == f"{QBO}/app/invoice?txnId=204"
    assert items[("INVOICE", "204")]["issues"][0]["message"] == (
        "Invoice 204 to Harbor Gym has no email, and neither has Harbor Gym: no reminder can go out"
    )
    assert items[("VENDOR", "55")]["issues"][0]["message"] == (
        'Coastal Paper Co has the same name as another active vendor: "Coastal Paper"'
    )
    assert items[("BILL", "110")]["issues"][0]["message"] == (
        "Bill 110 from Bright Office may be a duplicate of Bill 109 from Bright Office: "
        "same vendor and total ($450.00), 3 days apart"
    )


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        pytest.param(
            {"entityTypes": ["VENDOR", "CUSTOMER"]},
            [("CUSTOMER", "72"), ("VENDOR", "55"), ("VENDOR", "56"), ("VENDOR", "53")],
            id="entity-types",
        ),
        pytest.param(  # bill 108's second issue is enough to match
            {"codes": ["UNCATEGORIZED"]}, [("BILL", "108"), ("BILL", "103")], id="codes"
        ),
        pytest.param(
            {"codes": ["POSSIBLE_DUPLICATE", "STALE_OPEN"]},
            [("BILL", "113"), ("BILL", "109"), ("BILL", "110")],
            id="codes-any-of",
        ),
        pytest.param({"minSeverity": "HIGH"}, TRAY_ORDER[:4], id="min-severity-high"),
        pytest.param({"minSeverity": "MEDIUM"}, TRAY_ORDER[:10], id="min-severity-medium"),
        pytest.param(  # amounts >= 900.00: 1200, 1200, 900, 900 (113's 700 is not)
            {"minAmount": "900"},
            [("CUSTOMER", "72"), ("INVOICE", "204"), ("BILL", "103"), ("VENDOR", "53")],
            id="min-amount",
        ),
        pytest.param(
            {"counterparty": "coastal"}, [("VENDOR", "55"), ("VENDOR", "56")], id="counterparty"
        ),
        pytest.param(  # case-insensitive; the invoice's customer and the customer itself
            {"counterparty": "HARBOR"},
            [("CUSTOMER", "72"), ("INVOICE", "204")],
            id="counterparty-case",
        ),
        pytest.param(
            {"entityTypes": ["BILL"], "minSeverity": "MEDIUM", "minAmount": "300"},
            [("BILL", "113"), ("BILL", "108"), ("BILL", "109"), ("BILL", "110"), ("BILL", "111")],
            id="combined",
        ),
    ],
)
async def test_tray_filters(
    books: Books, wanted: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    tray = await books.tray(filter=wanted, first=500)

    assert keys(tray) == expected
    assert tray["totalCount"] == len(expected)
    # The score and counts describe the whole business, whatever the filter.
    assert (tray["score"], tray["highCount"], tray["mediumCount"]) == (70, 4, 6)


async def test_tray_filters_by_counterparty_id(books: Books) -> None:
    parties = await books.tray(filter={"entityTypes": ["VENDOR", "CUSTOMER"]})
    ids = {(n["entityType"], n["qboId"]): n["id"] for n in nodes(parties)}

    bright = await books.tray(filter={"counterpartyId": ids[("VENDOR", "53")]})
    harbor = await books.tray(filter={"counterpartyId": ids[("CUSTOMER", "72")]})
    nobody = await books.tray(filter={"counterpartyId": global_id("Vendor", 999_999)})

    # Bright Office's bills and the vendor record itself.
    assert keys(bright) == [("BILL", "109"), ("BILL", "110"), ("VENDOR", "53")]
    assert keys(harbor) == [("CUSTOMER", "72"), ("INVOICE", "204")]
    assert keys(nobody) == []


async def test_tray_cursors_hold_when_a_record_is_flagged_between_pages(
    books: Books, load_companies: LoadCompanies
) -> None:
    first = await books.tray(first=4)
    assert keys(first) == TRAY_ORDER[:4]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]

    # Bill 115 (800.00 from the inactive vendor: HIGH) sorts before everything seen so far.
    await load_companies([harborview_update({"Bill": [LATE_BILL]})])
    second = await books.tray(first=4, after=first["pageInfo"]["endCursor"])
    third = await books.tray(first=4, after=second["pageInfo"]["endCursor"])
    fresh = await books.tray(first=4)

    assert keys(second) == TRAY_ORDER[4:8]  # not 110 again, as an offset would give
    assert second["totalCount"] == 13
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["hasNextPage"] is True
    assert keys(third) == TRAY_ORDER[8:12]
    assert third["pageInfo"]["hasNextPage"] is False
    assert keys(fresh) == [("BILL", "115"), *TRAY_ORDER[:3]]


# ---------------------------------------------------------------------------------------------
# Decision console


def bill_row(node: Any) -> tuple[Any, ...]:
    return (
        node["qboId"],
        node["group"],
        node["action"],
        node["signals"],
        node["priority"],
        node["dueDate"],
        node["daysUntilDue"],
        node["urgency"],
        node["latestSafePayDate"],
        node["recommendedPayDate"],
        node["runwayImpactDays"],
        node["criticalVendor"],
    )


async def test_console_lists_ready_bills_with_their_recommendation(books: Books) -> None:
    console = await books.console()

    assert [bill_row(node) for node in nodes(console["bills"])] == READY_BILLS
    assert console["bills"]["totalCount"] == 7


async def test_console_gives_one_reason_per_signal(books: Books) -> None:
    console = await books.console()
    reasons = {node["qboId"]: node["reasons"] for node in nodes(console["bills"])}

    assert reasons == {
        "102": ["Due today", "Gusto Payroll is a critical vendor (payroll)"],
        "101": ["Overdue by 5 days"],
        "106": ["Gusto Payroll is a critical vendor (payroll)"],
        "103": ["Due in 3 days"],
        "107": ["Pay by 2026-11-22 to take the 2% discount: saves $100.00, 36.50% a year"],
        "105": ["Due in 20 days; runway is healthy (30.0 weeks)"],
        "104": ["$80.00 is at most 10% of a week's net burn ($1,400.00)"],
    }


async def test_console_bills_link_to_their_records(books: Books, database: Database) -> None:
    console = await books.console()
    bill = by_qbo_id(console["bills"])["102"]

    assert bill["id"] == global_id("Bill", await bill_pk(database, books.pk, "102"))
    assert bill["label"] == "Bill 102 from Gusto Payroll"
    assert bill["vendorName"] == "Gusto Payroll"
    assert bill["amount"] == "4000.00"
    assert bill["qboUrl"] == f"{QBO}/app/bill?txnId=102"
    assert (bill["decidedAction"], bill["decidedFor"], bill["discount"]) == (None, None, None)


async def test_console_prices_the_early_payment_discount(books: Books) -> None:
    console = await books.console()
    delta = by_qbo_id(console["bills"])["107"]

    # 2/10 net 30 on a bill dated 11-15: deadline 11-15 + 10 = 11-25, sent 3 days before: 11-22.
    # savings = 5,000.00 * 2% = 100.00; simple annual rate = 2 * 365 / (30 - 10) = 36.50.
    # Runway allows: 42,000 - (5,000 - 100) = 37,100 >= 13 weeks * 1,400 = 18,200.
    assert delta["discount"] == {
        "percent": "2.00",
        "deadline": "2026-11-25",
        "payBy": "2026-11-22",
        "savings": "100.00",
        "annualisedReturn": "36.50",
        "runwayAllows": True,
    }


async def test_console_lists_invoices_to_collect(books: Books) -> None:
    console = await books.console()

    assert [
        (
            n["qboId"],
            n["priority"],
            n["action"],
            n["daysOverdue"],
            n["urgency"],
            n["agingBucket"],
            n["contactEmail"],
            n["expectedCollectionDate"],
            n["runwayImpactDays"],
            n["amount"],
        )
        for n in nodes(console["collections"])
    ] == COLLECTIONS
    invoice = by_qbo_id(console["collections"])["202"]
    assert invoice["label"] == "Invoice 202 to Nova Labs"
    assert invoice["qboUrl"] == f"{QBO}/app/invoice?txnId=202"


async def test_console_reports_cash_runway_and_totals(books: Books) -> None:
    console = await books.console()

    assert console["businessId"] == books.id
    assert console["asOf"] == "2026-11-20"  # today in Los Angeles at 17:00 UTC
    assert console["dataSyncedAt"] == SYNCED_AT
    assert console["cash"] == "42000.00"
    assert console["weeklyNetBurn"] == "1400.00"
    assert console["runwayWeeks"] == "30.0"
    assert console["status"] == "HEALTHY"
    assert console["coveredUntil"] == "2027-06-18"
    assert console["summary"] == {
        "mustPayCount": 4,
        "mustPayAmount": "9400.00",  # 4000 + 1500 + 3000 + 900
        "canDelayCount": 2,
        "canDelayAmount": "3580.00",  # 3500 + 80
        "scheduledCount": 1,
        "scheduledAmount": "5000.00",  # 107, paid early for the discount
        "toCollectCount": 4,
        "toCollectAmount": "12500.00",  # 5000 + 2000 + 3000 + 2500
        "discountSavings": "100.00",
    }


@pytest.mark.parametrize(
    ("wanted", "bills", "invoices"),
    [
        # 116 is due in exactly 31 days: in with a 31-day horizon, out with the default 30.
        # Its priority: 0 (at the horizon) + 30 (45,000 is over 6,300: capped) + 20 (critical)
        # = 50, after 101 (57) and before 106 (45).
        pytest.param(
            {"horizonDays": 31},
            ["102", "101", "116", "106", "103", "107", "105", "104"],
            ["202", "203", "201", "205"],
            id="horizon-31",
        ),
        pytest.param(  # due within 3 days, or overdue
            {"horizonDays": 3}, ["102", "101", "103"], ["202", "203", "201", "205"], id="horizon-3"
        ),
        pytest.param(  # >= 3,000.00: bills 4000, 3000, 5000, 3500; invoices 5000, 3000
            {"minAmount": "3000"}, ["102", "106", "107", "105"], ["202", "201"], id="min-amount"
        ),
        pytest.param(
            {"actions": ["DELAY"]}, ["105", "104"], ["202", "203", "201", "205"], id="actions"
        ),
        pytest.param(
            {"actions": ["PAY_NOW"]},
            ["102", "101", "103"],
            ["202", "203", "201", "205"],
            id="actions-pay-now",
        ),
        pytest.param(
            {"urgency": ["OVERDUE"]}, ["101"], ["202", "203", "201"], id="urgency-overdue"
        ),
        pytest.param({"urgency": ["DUE_SOON"]}, ["102", "103"], ["205"], id="urgency-due-soon"),
        pytest.param(
            {"groups": ["MUST_PAY"]},
            ["102", "101", "106", "103"],
            ["202", "203", "201", "205"],
            id="groups",
        ),
        pytest.param(
            {"groups": ["CAN_DELAY", "SCHEDULED"]},
            ["107", "105", "104"],
            ["202", "203", "201", "205"],
            id="groups-two",
        ),
    ],
)
async def test_console_filters(
    books: Books, wanted: dict[str, Any], bills: list[str], invoices: list[str]
) -> None:
    console = await books.console(filter=wanted)

    assert qbo_ids(console["bills"]) == bills
    assert qbo_ids(console["collections"]) == invoices


async def test_console_horizon_brings_in_the_large_tax_bill(books: Books) -> None:
    console = await books.console(filter={"horizonDays": 31})
    irs = by_qbo_id(console["bills"])["116"]

    # 45,000.00 > 15% of cash (6,300.00); the IRS is critical (tax): MUST_PAY, on 12-21 - 3.
    assert irs["signals"] == ["CRITICAL_VENDOR", "LARGE_VS_CASH"]
    assert irs["reasons"] == [
        "IRS is a critical vendor (irs)",
        "$45,000.00 is more than 15% of cash ($42,000.00)",
    ]
    assert (irs["group"], irs["action"], irs["recommendedPayDate"]) == (
        "MUST_PAY",
        "SCHEDULE",
        "2026-12-18",
    )
    assert irs["runwayImpactDays"] == "225.0"  # 45,000 / 200
    assert irs["priority"] == 50  # 0 (due at the horizon) + 30 (size, capped) + 20 (critical)


async def test_console_horizon_filter_narrows_without_rescoring(books: Books) -> None:
    default = by_qbo_id((await books.console())["bills"])
    wider = by_qbo_id((await books.console(filter={"horizonDays": 31}))["bills"])

    # DecisionFilter is "narrowing of the console": a bill shown in both keeps its priority
    # (106: 45, 107: 29, as in READY_BILLS).
    assert {q: wider[q]["priority"] for q in default} == {
        q: default[q]["priority"] for q in default
    }


async def test_console_filters_by_vendor_id(books: Books) -> None:
    everything = await books.console()
    gusto_id = by_qbo_id(everything["bills"])["102"]["vendorId"]

    console = await books.console(filter={"vendorId": gusto_id})

    assert qbo_ids(console["bills"]) == ["102", "106"]
    assert qbo_ids(console["collections"]) == []  # a vendor filter is about bills only
    assert console["summary"]["mustPayCount"] == 2
    assert console["summary"]["mustPayAmount"] == "7000.00"  # 4000 + 3000
    assert console["summary"]["toCollectCount"] == 0


async def test_console_pages_and_groups_bills(books: Books) -> None:
    first = ok(await books.api.query(CONSOLE_PAGES, books.token, businessId=books.id))
    after = first["decisionConsole"]["page"]["pageInfo"]["endCursor"]
    second = ok(await books.api.query(CONSOLE_PAGES, books.token, businessId=books.id, after=after))

    page1, page2 = first["decisionConsole"]["page"], second["decisionConsole"]["page"]
    assert qbo_ids(page1) == ["102", "101"]
    assert (page1["totalCount"], page1["pageInfo"]["hasNextPage"]) == (7, True)
    assert qbo_ids(page2) == ["106", "103"]
    assert page2["pageInfo"]["hasPreviousPage"] is True
    assert qbo_ids(first["decisionConsole"]["canDelay"]) == ["105", "104"]


@pytest.mark.parametrize(
    ("as_of", "invoice", "days_overdue", "action"),
    [
        ("2026-12-10", "201", 30, "REMIND"),  # due 11-10: 30 days is still REMIND
        ("2026-12-11", "201", 31, "ESCALATE"),  # more than 30
        ("2026-12-05", "202", 60, "ESCALATE"),  # due 10-06: 60 days is still ESCALATE
        ("2026-12-06", "202", 61, "CALL"),  # more than 60
    ],
)
async def test_console_as_of_moves_collections_across_the_30_and_60_day_lines(
    books: Books, as_of: str, invoice: str, days_overdue: int, action: str
) -> None:
    console = await books.console(asOf=as_of)
    found = by_qbo_id(console["collections"])[invoice]

    assert console["asOf"] == as_of
    assert (found["daysOverdue"], found["action"]) == (days_overdue, action)


async def test_console_as_of_a_later_day_makes_bills_overdue(books: Books) -> None:
    # On Wednesday 11-25, bill 103 (due 11-23) is 2 days overdue and bill 104 (due 11-27) is
    # due in 2 days; 102 (due 11-20) is 5 days overdue.
    console = await books.console(asOf="2026-11-25")
    bills = by_qbo_id(console["bills"])

    assert (bills["103"]["daysUntilDue"], bills["103"]["signals"]) == (-2, ["OVERDUE"])
    assert (bills["104"]["daysUntilDue"], bills["104"]["urgency"]) == (2, "DUE_SOON")
    assert bills["102"]["signals"] == ["OVERDUE", "CRITICAL_VENDOR"]


# ---------------------------------------------------------------------------------------------
# Digest


def forecast_rows(digest: Any) -> list[tuple[str, ...]]:
    return [
        (
            w["weekStart"],
            w["weekEnd"],
            w["opening"],
            w["collections"],
            w["bills"],
            w["baselineSpend"],
            w["closing"],
        )
        for w in digest["forecast"]
    ]


async def test_digest_cash_runway_and_status(books: Books) -> None:
    digest = await books.digest()

    assert (digest["businessId"], digest["businessName"]) == (books.id, "Harborview Bakery")
    assert digest["currency"] == "USD"
    assert (digest["weekStart"], digest["weekEnd"], digest["asOf"]) == (
        "2026-11-16",
        "2026-11-22",
        "2026-11-20",
    )
    assert digest["generatedAt"] == SYNCED_AT  # the pinned clock
    assert digest["cash"] == "42000.00"
    assert sorted((a["name"], a["balance"]) for a in digest["bankAccounts"]) == [
        ("Checking", "30000.00"),
        ("Savings", "12000.00"),
    ]
    assert digest["weeklyNetBurn"] == "1400.00"
    assert digest["runwayWeeks"] == "30.0"
    assert digest["notBurning"] is False
    assert digest["coveredUntil"] == "2027-06-18"
    # Runway alone is HEALTHY, but the forecast runs out of cash on 12-21, 31 days = 4.4 weeks
    # away: under 13 weeks is WARNING, and the worse of the two wins.
    assert digest["cashZeroDate"] == "2026-12-21"
    assert digest["status"] == "WARNING"
    assert digest["alerts"] == [
        {
            "code": "CASH_ZERO",
            "level": "WARNING",
            # bills through week 6: 6500 + 980 + 1500 + 6500 + 5000 + 45000 = 65,480;
            # other spending: 214.29 + 5 * 500 = 2,714.29; collections: 11,200 + 2,500 = 13,700
            "message": "Cash runs out the week of 2026-12-21: $65,480.00 of bills and "
            "$2,714.29 of other spending fall due by 2026-12-27, against $42,000.00 in the "
            "bank and $13,700.00 of expected collections",
        }
    ]


async def test_digest_forecasts_thirteen_weeks(books: Books) -> None:
    digest = await books.digest()

    assert forecast_rows(digest) == FORECAST


async def test_digest_payables_receivables_and_aging(books: Books) -> None:
    digest = await books.digest()

    assert digest["payables"] == {
        "openCount": 13,  # 101-111, 113, 116 (112 is zero, 114 and payroll are paid)
        "openAmount": "65480.00",  # the forecast's bills, all within 13 weeks
        "dueThisWeekCount": 1,  # today..Sunday 11-22: 102
        "dueThisWeekAmount": "4000.00",
        "overdueCount": 2,  # 101 and the stale 113
        "overdueAmount": "2200.00",  # 1500 + 700
    }
    assert digest["receivables"] == {
        "openCount": 5,
        "openAmount": "13700.00",  # 3000 + 5000 + 2000 + 1200 + 2500
        "overdueCount": 4,
        "overdueAmount": "11200.00",  # all but 205
        "aging": [
            {"bucket": "CURRENT", "count": 1, "amount": "2500.00"},  # 205
            {"bucket": "DAYS_1_30", "count": 2, "amount": "4200.00"},  # 201 (10), 204 (5)
            {"bucket": "DAYS_31_60", "count": 1, "amount": "5000.00"},  # 202 (45)
            {"bucket": "DAYS_61_90", "count": 1, "amount": "2000.00"},  # 203 (75)
            {"bucket": "DAYS_90_PLUS", "count": 0, "amount": "0"},
        ],
    }


async def test_digest_lists_this_weeks_bills_and_overdue_invoices(books: Books) -> None:
    digest = await books.digest()

    assert [bill_row(b) for b in digest["billsDueThisWeek"]] == [READY_BILLS[0]]  # 102
    # All overdue invoices, email or not; 204: 50 * 1200 / 6300 = 9.52 + 50 * 5 / 90 = 2.78
    # -> 12.30, REMIND.
    assert [
        (i["qboId"], i["priority"], i["action"], i["daysOverdue"], i["contactEmail"])
        for i in digest["overdueInvoices"]
    ] == [
        ("202", 65, "ESCALATE", 45, "billing@novalabs.example"),
        ("203", 58, "CALL", 75, "billing@novalabs.example"),
        ("201", 29, "REMIND", 10, "owner@bluecafe.example"),
        ("204", 12, "REMIND", 5, None),
    ]


async def test_digest_top_actions_add_the_most_runway(books: Books) -> None:
    digest = await books.digest()

    # Days added = amount * 7 / 1,400 = amount / 200, half up. Candidates: collect 202 (25),
    # 201 (15), 203 (10), 204 (6); delay 105 (17.5 -> 18); the discount on 107 (100 / 200 = 0.5
    # -> 1); delaying 104 adds 0.4 -> 0 days and is left out.
    assert [
        (a["kind"], a["entityType"], a["daysAdded"], a["amount"], a["description"])
        for a in digest["topActions"]
    ] == [
        ("COLLECT_INVOICE", "INVOICE", 25, "5000.00",
         "Collect Invoice 202 to Nova Labs ($5,000.00, 45 days overdue): +25 days"),
        ("DELAY_BILL", "BILL", 18, "3500.00",
         "Delay Bill 105 from Acme Supply ($3,500.00, due 2026-12-10): +18 days"),
        ("COLLECT_INVOICE", "INVOICE", 15, "3000.00",
         "Collect Invoice 201 to Blue Cafe ($3,000.00, 10 days overdue): +15 days"),
    ]  # fmt: skip
    delay = digest["topActions"][1]
    assert delay["label"] == "Bill 105 from Acme Supply"
    assert delay["qboUrl"] == f"{QBO}/app/bill?txnId=105"


async def test_digest_summaries_match_the_other_views(books: Books) -> None:
    digest = await books.digest()
    tray = await books.tray(first=1)
    console = await books.console()

    assert digest["hygiene"] == {
        "score": 70,
        "issueCount": 13,
        "highCount": 4,
        "mediumCount": 6,
        "lowCount": 2,
        "amountAtStake": "6700.00",
    }
    assert digest["hygiene"]["score"] == tray["score"]
    assert digest["decisions"] == console["summary"]
    assert digest["freshness"] == {"syncedAt": SYNCED_AT, "stale": False}
    assert digest["dataSyncedAt"] == SYNCED_AT
    assert digest["recipients"] == ["owner@harborview.example"]  # CompanyInfo.Email


async def test_digest_top_actions_only_delay_bills_the_console_recommends(
    api: Api, admin_token: str, load_companies: LoadCompanies
) -> None:
    [pk] = await load_companies([other_company()])
    business_id = global_id("Business", pk)

    console = ok(await api.query(CONSOLE, admin_token, businessId=business_id))
    digest = ok(await api.query(DIGEST, admin_token, businessId=business_id))["digest"]

    # 901 and 902 are possible duplicates of each other: neither is ready for a decision...
    assert qbo_ids(console["decisionConsole"]["bills"]) == []
    # ...so neither should be recommended for delay (today: 700 * 7 / 100 = +49 days each).
    assert [a["kind"] for a in digest["topActions"]] == []


# ---------------------------------------------------------------------------------------------
# decideBill


@pytest.fixture
async def operator_token(database: Database) -> str:
    return await make_token(database.sessions, role="operator", name="ops")


async def decide(books: Books, token: str, bill_id: str, action: str, day: str) -> Any:
    return await books.api.query(
        DECIDE, token, input={"billId": bill_id, "action": action, "date": day, "note": "why"}
    )


async def test_delay_decision_schedules_the_bill_and_moves_it_in_the_forecast(
    books: Books, operator_token: str, database: Database
) -> None:
    bill_id = by_qbo_id((await books.console())["bills"])["105"]["id"]

    decided = ok(await decide(books, operator_token, bill_id, "DELAY_TO", "2027-01-06"))
    console = await books.console()
    digest = await books.digest()

    decision = decided["decideBill"]
    assert (decision["billId"], decision["action"], decision["decidedFor"]) == (
        bill_id,
        "DELAY_TO",
        "2027-01-06",
    )
    assert (decision["note"], decision["decidedBy"]) == ("why", "ops")
    bill = by_qbo_id(console["bills"])["105"]
    assert (bill["group"], bill["decidedAction"], bill["decidedFor"]) == (
        "SCHEDULED",
        "DELAY_TO",
        "2027-01-06",
    )
    summary = console["summary"]
    assert (summary["canDelayCount"], summary["canDelayAmount"]) == (1, "80.00")  # 104 only
    assert (summary["scheduledCount"], summary["scheduledAmount"]) == (2, "8500.00")  # 107 + 105
    # 3,500.00 leaves week 4 (6,500 -> 3,000) for Wednesday 2027-01-06, in week 8.
    weeks = forecast_rows(digest)
    assert weeks[3][4] == "3000.00"
    assert weeks[7][:5] == ("2027-01-04", "2027-01-10", "-9494.29", "0", "3500.00")
    # Week 6 closes 3,500 higher: -12,494.29 + 3,500 = -8,994.29; week 8 ends where it did.
    assert weeks[5][6] == "-8994.29"
    assert weeks[7][6] == "-13494.29"
    # A decided bill is no longer offered as a runway action.
    assert "Bill 105 from Acme Supply" not in [a["label"] for a in digest["topActions"]]
    assert await stored_decisions(database) == [
        (await bill_pk(database, books.pk, "105"), "DELAY_TO", date(2027, 1, 6), "ops")
    ]


async def test_a_second_decision_supersedes_the_first(
    books: Books, operator_token: str, database: Database
) -> None:
    bill_id = by_qbo_id((await books.console())["bills"])["105"]["id"]

    ok(await decide(books, operator_token, bill_id, "DELAY_TO", "2027-01-06"))
    ok(await decide(books, operator_token, bill_id, "PAY_ON", "2026-11-27"))
    console = await books.console()
    digest = await books.digest()

    bill = by_qbo_id(console["bills"])["105"]
    assert (bill["group"], bill["decidedAction"], bill["decidedFor"]) == (
        "SCHEDULED",
        "PAY_ON",
        "2026-11-27",
    )
    weeks = forecast_rows(digest)
    assert weeks[1][4] == "4480.00"  # week 2: 980 + 3,500 on Friday 11-27
    assert weeks[3][4] == "3000.00"  # week 4 without it
    assert weeks[7][4] == "0"  # the superseded delay to 2027-01-06 is not in force
    # The audit trail keeps both, in order; the latest is the one in force.
    pk = await bill_pk(database, books.pk, "105")
    assert await stored_decisions(database) == [
        (pk, "DELAY_TO", date(2027, 1, 6), "ops"),
        (pk, "PAY_ON", date(2026, 11, 27), "ops"),
    ]


async def test_decide_bill_rejects_bad_input_and_writes_nothing(
    books: Books,
    operator_token: str,
    database: Database,
    load_companies: LoadCompanies,
) -> None:
    bill_id = by_qbo_id((await books.console())["bills"])["105"]["id"]
    paid_id = global_id("Bill", await bill_pk(database, books.pk, "114"))
    unknown_id = global_id("Bill", 999_999)
    [other_pk] = await load_companies([other_company()])
    foreign_id = global_id("Bill", await bill_pk(database, other_pk, "901"))
    scoped = await make_token(
        database.sessions, role="operator", business_ids=[books.pk], name="scoped"
    )
    viewer = await make_token(database.sessions, role="viewer", name="looker")

    yesterday = await decide(books, operator_token, bill_id, "DELAY_TO", "2026-11-19")
    paid = await decide(books, operator_token, paid_id, "PAY_ON", "2026-11-27")
    unknown = await decide(books, scoped, unknown_id, "PAY_ON", "2026-11-27")
    foreign = await decide(books, scoped, foreign_id, "PAY_ON", "2026-11-27")
    weak = await decide(books, viewer, bill_id, "PAY_ON", "2026-11-27")

    assert error_of(yesterday) == (
        "BAD_USER_INPUT",
        "'date' must be today (2026-11-20) or later.",
    )
    assert error_of(paid) == ("BAD_USER_INPUT", "Bill 114 is already paid.")
    assert error_of(unknown) == ("NOT_FOUND", "Bill not found.")
    # Another business's bill answers exactly like one that does not exist.
    assert foreign["errors"] == unknown["errors"]
    assert error_of(weak) == (
        "FORBIDDEN",
        "This needs the operator role; the token 'looker' is viewer.",
    )
    assert await stored_decisions(database) == []


# ---------------------------------------------------------------------------------------------
# node(id:)


async def test_node_returns_the_records_the_views_point_at(books: Books) -> None:
    console = await books.console()
    tray = await books.tray(filter={"entityTypes": ["CUSTOMER"]})
    bill = by_qbo_id(console["bills"])["102"]
    invoice = by_qbo_id(console["collections"])["202"]
    [customer] = nodes(tray)

    async def node(value: str) -> Any:
        return ok(await books.api.query(NODE, books.token, id=value))["node"]

    assert await node(bill["id"]) == {
        "id": bill["id"],
        "qboId": "102",
        "docNumber": "102",
        "vendorName": "Gusto Payroll",
        "dueDate": "2026-11-20",
        "totalAmount": "4000.00",
        "balance": "4000.00",
        "qboUrl": f"{QBO}/app/bill?txnId=102",
    }
    assert await node(bill["vendorId"]) == {
        "id": bill["vendorId"],
        "qboId": "52",
        "displayName": "Gusto Payroll",
        "active": True,
        "qboUrl": f"{QBO}/app/vendordetail?nameId=52",
    }
    assert await node(invoice["id"]) == {
        "id": invoice["id"],
        "qboId": "202",
        "customerName": "Nova Labs",
        "dueDate": "2026-10-06",
        "balance": "5000.00",
        "billEmail": "billing@novalabs.example",
        "qboUrl": f"{QBO}/app/invoice?txnId=202",
    }
    assert await node(customer["id"]) == {
        "id": customer["id"],
        "qboId": "72",
        "displayName": "Harbor Gym",
        "email": None,
        "qboUrl": f"{QBO}/app/customerdetail?nameId=72",
    }
