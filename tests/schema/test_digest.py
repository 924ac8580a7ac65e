"""``digest`` end to end: real HTTP GraphQL over the hand-built books.

The company is ``tests.handbuilt.company.harborview`` (read its docstring first); the figures
the views show for it, with the arithmetic, are ``tests.handbuilt.figures``, and the documents
and readers these tests share are ``tests.schema.books``. Every expected value is a literal worked
out by hand, with the arithmetic in a comment; nothing here calls the rules. Today is Friday
2026-11-20 (America/Los_Angeles); this week is Mon 11-16 .. Sun 11-22. The last tests read
Cinder Forge, the business in a cash crunch (``tests.handbuilt.cinder_forge`` and its figures).
"""

from schema.relay import global_id
from tests.handbuilt import cinder_forge_figures as cinder
from tests.handbuilt.company import other_company
from tests.handbuilt.figures import FORECAST, READY_BILLS
from tests.schema.books import (
    CONSOLE,
    DIGEST,
    QBO,
    SYNCED_AT,
    Books,
    bill_row,
    forecast_rows,
    ok,
    qbo_ids,
)
from tests.schema.conftest import Api, LoadCompanies


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
    # Runway alone is HEALTHY, but the forecast runs out of cash on 12-21, 31 days = 4.4 weeks
    # away: under 13 weeks is WARNING, and the worse of the two wins. Covered until the day
    # before, not 30 weeks from now.
    assert digest["cashZeroDate"] == "2026-12-21"
    assert digest["coveredUntil"] == "2026-12-20"
    assert (digest["runwayStatus"], digest["forecastStatus"]) == ("HEALTHY", "WARNING")
    assert (digest["status"], digest["statusBasis"]) == ("WARNING", "FORECAST")
    assert digest["headline"] == "cash runs out the week of 2026-12-21"
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
        # 101, the stale 113, and 111: no due date, so due on its date (11-18), like QBO does
        "overdueCount": 3,
        "overdueAmount": "2500.00",  # 1500 + 700 + 300
        "aging": [
            {"bucket": "CURRENT", "count": 10, "amount": "62980.00"},
            {"bucket": "DAYS_1_30", "count": 2, "amount": "1800.00"},  # 101 (5), 111 (2)
            {"bucket": "DAYS_31_60", "count": 0, "amount": "0.00"},
            {"bucket": "DAYS_61_90", "count": 0, "amount": "0.00"},
            {"bucket": "DAYS_90_PLUS", "count": 1, "amount": "700.00"},  # 113 (120)
        ],
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
            {"bucket": "DAYS_90_PLUS", "count": 0, "amount": "0.00"},
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
    # 201 (15), 203 (10), 204 (6); the discount on 107 (100 / 200 = 0.5 -> 1); delaying 104 adds
    # 0.4 -> 0 days and is left out. 105 is not for delay: the status is WARNING.
    assert [
        (a["kind"], a["entityType"], a["daysAdded"], a["amount"], a["description"])
        for a in digest["topActions"]
    ] == [
        ("COLLECT_INVOICE", "INVOICE", 25, "5000.00",
         "Collect Invoice 202 to Nova Labs ($5,000.00, 45 days overdue): +25 days"),
        ("COLLECT_INVOICE", "INVOICE", 15, "3000.00",
         "Collect Invoice 201 to Blue Cafe ($3,000.00, 10 days overdue): +15 days"),
        ("COLLECT_INVOICE", "INVOICE", 10, "2000.00",
         "Collect Invoice 203 to Nova Labs ($2,000.00, 75 days overdue): +10 days"),
    ]  # fmt: skip
    collect = digest["topActions"][1]
    assert collect["label"] == "Invoice 201 to Blue Cafe"
    assert collect["qboUrl"] == f"{QBO}/app/invoice?txnId=201"


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


STORED_EMAIL = """
query Stored($businessId: ID!) {
  business(id: $businessId) {
    digests(first: 1) { edges { node { status subject snapshot } } }
  }
}
"""


async def test_digest_of_a_business_in_a_cash_crunch(crunch: Books) -> None:
    digest = await crunch.digest()

    assert (digest["businessName"], digest["cash"], digest["weeklyNetBurn"]) == (
        "Cinder Forge",
        cinder.CASH,
        cinder.WEEKLY_NET_BURN,
    )
    assert (digest["runwayWeeks"], digest["notBurning"]) == (cinder.RUNWAY_WEEKS, False)
    assert (digest["cashZeroDate"], digest["coveredUntil"]) == (
        cinder.CASH_ZERO_DATE,
        cinder.COVERED_UNTIL,
    )
    assert (digest["status"], digest["statusBasis"], digest["statusReason"]) == (
        cinder.STATUS,
        cinder.STATUS_BASIS,
        cinder.STATUS_REASON,
    )
    assert digest["headline"] == cinder.HEADLINE
    assert digest["alerts"] == cinder.ALERTS
    assert forecast_rows(digest) == cinder.FORECAST
    assert digest["payables"] == cinder.PAYABLES
    assert digest["receivables"] == {
        "openCount": 0,
        "openAmount": "0.00",
        "overdueCount": 0,
        "overdueAmount": "0.00",
        "aging": [
            {"bucket": bucket, "count": 0, "amount": "0.00"}
            for bucket in ["CURRENT", "DAYS_1_30", "DAYS_31_60", "DAYS_61_90", "DAYS_90_PLUS"]
        ],
    }
    # Due from today to Sunday 11-22: 702 only (701 was due before today: overdue).
    assert [bill_row(b) for b in digest["billsDueThisWeek"]] == [cinder.READY_BILLS[2]]
    assert digest["overdueInvoices"] == []
    assert digest["decisions"] == cinder.SUMMARY
    # Must-pay bills are never offered for delay; 704 adds 30 * 7 / 350 = 0.6 -> 1 day.
    assert [(a["kind"], a["daysAdded"], a["description"]) for a in digest["topActions"]] == [
        ("DELAY_BILL", 1, "Delay Bill 704 from Anvil Steel ($30.00, due 2026-12-10): +1 day")
    ]


async def test_stored_digest_of_a_cash_crunch_says_it_in_the_subject(crunch: Books) -> None:
    run = ok(
        await crunch.api.query(
            "mutation { generateDigests(input: {wait: true}) { status total } }", crunch.token
        )
    )["generateDigests"]
    stored = ok(await crunch.api.query(STORED_EMAIL, crunch.token, businessId=crunch.id))
    [edge] = stored["business"]["digests"]["edges"]

    assert (run["status"], run["total"]) == ("SUCCEEDED", 1)
    assert edge["node"]["subject"] == cinder.SUBJECT
    assert edge["node"]["status"] == edge["node"]["snapshot"]["status"] == cinder.STATUS
