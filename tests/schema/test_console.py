"""``decisionConsole`` end to end: real HTTP GraphQL over the hand-built books.

The company is ``tests.handbuilt.company.harborview`` (read its docstring first); the figures
the views show for it, with the arithmetic, are ``tests.handbuilt.figures``, and the documents
and readers these tests share are ``tests.schema.books``. Every expected value is a literal worked
out by hand, with the arithmetic in a comment; nothing here calls the rules. Today is Friday
2026-11-20 (America/Los_Angeles); this week is Mon 11-16 .. Sun 11-22.
"""

from typing import Any

import pytest

from schema.relay import global_id
from tests.conftest import Database
from tests.handbuilt.figures import COLLECTIONS, READY_BILLS
from tests.schema.books import (
    QBO,
    SYNCED_AT,
    Books,
    bill_pk,
    bill_row,
    by_qbo_id,
    nodes,
    ok,
    qbo_ids,
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


async def test_console_lists_ready_bills_with_their_recommendation(books: Books) -> None:
    console = await books.console()

    assert [bill_row(node) for node in nodes(console["bills"])] == READY_BILLS
    assert console["bills"]["totalCount"] == 7


async def test_console_gives_one_reason_per_signal_then_says_why_the_action(books: Books) -> None:
    console = await books.console()
    reasons = {node["qboId"]: node["reasons"] for node in nodes(console["bills"])}
    latest = "the latest safe pay date (3 days before it is due)"

    assert reasons == {
        "102": [
            "Due today",
            "Gusto Payroll is a critical vendor (payroll)",
            "Must be paid, and a critical vendor is never delayed: pay today",
        ],
        "101": ["Overdue by 5 days", "Must be paid: pay today"],
        # A critical vendor's bill due in 20 days is SCHEDULEd, not paid now: the verdict says so.
        "106": [
            "Gusto Payroll is a critical vendor (payroll)",
            f"Must be paid, and a critical vendor is never delayed: pay on 2026-12-07, {latest}",
        ],
        "103": ["Due in 3 days", "Must be paid: pay today"],
        "107": [
            "Pay by 2026-11-22 to take the 2% discount: saves $100.00, 36.50% a year",
            "Worth paying early: pay on 2026-11-22 to take the discount",
        ],
        # Due in 20 days, but the forecast makes the status WARNING: no healthy runway to wait on.
        "105": [f"Nothing urgent and nothing to gain by waiting: pay on 2026-12-07, {latest}"],
        "104": [
            "$80.00 is at most 10% of a week's net burn ($1,400.00)",
            f"Can wait: pay by 2026-11-24, {latest}",
        ],
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
    assert console["runwayWeeks"] == "30.0"  # 42,000 / 1,400, at the trailing burn: HEALTHY
    assert console["cashZeroDate"] == "2026-12-21"  # the forecast's week 6 closes below zero
    assert (console["runwayStatus"], console["forecastStatus"]) == ("HEALTHY", "WARNING")
    assert (console["status"], console["statusBasis"]) == ("WARNING", "FORECAST")
    assert console["statusReason"] == "WARNING: the forecast goes below zero the week of 2026-12-21"
    assert console["coveredUntil"] == "2026-12-20"  # the day before the cash-zero date
    assert console["summary"] == {
        "mustPayCount": 4,
        "mustPayAmount": "9400.00",  # 4000 + 1500 + 3000 + 900
        "canDelayCount": 1,
        "canDelayAmount": "80.00",  # 104
        "scheduledCount": 2,
        "scheduledAmount": "8500.00",  # 107 (early, for the discount) + 105 (on time)
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
        pytest.param({"actions": ["DELAY"]}, ["104"], ["202", "203", "201", "205"], id="actions"),
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
        "Must be paid, and a critical vendor is never delayed: pay on 2026-12-18, the latest "
        "safe pay date (3 days before it is due)",
    ]
    assert (irs["group"], irs["action"], irs["recommendedPayDate"]) == (
        "MUST_PAY",
        "SCHEDULE",
        "2026-12-18",
    )
    # 45,000 / 200 = 225 days of burn, but paying it can't take more than the whole runway:
    # 30.0 weeks = 210.0 days.
    assert irs["runwayImpactDays"] == "210.0"
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
    assert qbo_ids(first["decisionConsole"]["canDelay"]) == ["104"]


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


async def test_console_pay_plan_without_a_crunch(books: Books) -> None:
    plan = (await books.console())["payPlan"]

    # The four MUST_PAY bills in the console's order, 9,400.00 against 42,000.00: all funded.
    assert [
        (step["bill"]["qboId"], step["cashAfter"], step["funded"]) for step in nodes(plan["steps"])
    ] == [
        ("102", "38000.00", True),  # 42,000 - 4,000
        ("101", "36500.00", True),  # - 1,500
        ("106", "33500.00", True),  # - 3,000
        ("103", "32600.00", True),  # - 900
    ]
    assert (plan["mustPayAmount"], plan["fundedCount"], plan["fundedAmount"]) == (
        "9400.00",
        4,
        "9400.00",
    )
    assert (plan["shortfall"], plan["inCrunch"], plan["firstUnfunded"]) == ("0.00", False, None)


async def test_every_collection_says_why(books: Books) -> None:
    collections = by_qbo_id((await books.console())["collections"])

    assert {qbo_id: node["reasons"] for qbo_id, node in collections.items()} == {
        "202": ["Overdue by 45 days, more than 30: escalate"],
        "203": ["Overdue by 75 days, more than 60: call them"],
        "201": ["Overdue by 10 days: send a reminder"],
        "205": ["Due in 5 days: send a reminder before it is due"],
    }
    assert all(node["duplicateOf"] is None for node in collections.values())
