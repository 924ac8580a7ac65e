"""A small hand-built QBO company whose every view figure can be worked out on paper.

"Today" is Friday 2026-11-20 in America/Los_Angeles (``NOW``); every date below is written as days
from today (``due=+3`` is Monday 2026-11-23). The objects carry QBO's own field names and go
through the real mapper (``tests.factories.land_companies``), exactly as a sync would land them.

What the company holds, and what each object is for:

- Accounts: Checking 30,000.00 and Savings 12,000.00 (cash = 42,000.00); an *inactive* Old
  Checking 5,000.00 and a credit card -800.00 that cash must ignore; Office Supplies and
  "Uncategorized Expense" expense accounts.
- Terms: Net 30; "2% 10 Net 30" (DiscountPercent 2, DiscountDays 10); Due on receipt.
- Vendors: Acme Supply (Net 30), Gusto Payroll (critical: payroll), Bright Office (no TermRef, has
  open bills), Old Printing (inactive), Coastal Paper Co and Coastal Paper (names normalise
  equal), Delta Freight (2/10 net 30), IRS (critical: tax).
- Customers: Blue Cafe (email; pays 7 days late on average), Harbor Gym (no email), Nova Labs.
- Open bills (id = doc number): 101 overdue 5 days, 102 Gusto due today, 103 due in 3 with a line
  on "Uncategorized Expense", 104 due in 7 (small), 105 due in 20, 106 Gusto due in 20, 107 Delta
  2/10 net 30 due in 25, 108 from the inactive vendor, 109/110 a duplicate pair (same vendor and
  total, 3 days apart), 111 without DueDate, 112 ZERO total, 113 stale (120 days past due), 116
  IRS 45,000.00 due in 31 days (just past the 30-day horizon). Paid: 114 and six payroll bills.
- Open invoices: 201 overdue 10 days, 202 overdue 45, 203 overdue 75, 204 to Harbor Gym (no email
  anywhere), 205 due in 5. Paid: 206 and 207 (Blue Cafe, 10 and 4 days late).
- Money moved in the trailing 13 weeks (2026-08-22..2026-11-20): bill payments 14,200.00,
  purchases 6,500.00 (13 weekly 500.00), customer payments 2,500.00; one purchase of 999.00 on
  2026-08-21, a day outside the window.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sync.fakeqbo.generator import GeneratedCompany

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
"""The pinned "now" of view tests: Friday 2026-11-20, 09:00 in Los Angeles; the books' sync time."""
TODAY = date(2026, 11, 20)
REALM_ID = "9130000000007001"
OTHER_REALM_ID = "9130000000007002"

JsonObject = dict[str, Any]


def day(offset: int) -> str:
    """Today shifted by ``offset`` days, as QBO writes a date."""
    return (TODAY + timedelta(days=offset)).isoformat()


def qbo(qbo_id: str, body: JsonObject, *, sync_token: int = 0) -> JsonObject:
    """``body`` with the fields every QBO object carries."""
    return {
        "Id": qbo_id,
        "SyncToken": str(sync_token),
        "MetaData": {
            "CreateTime": "2026-11-19T08:00:00-08:00",
            "LastUpdatedTime": "2026-11-19T08:00:00-08:00",
        },
        **body,
        "domain": "QBO",
        "sparse": False,
    }


def ref(value: str, name: str) -> JsonObject:
    return {"value": value, "name": name}


def usd() -> JsonObject:
    return {"value": "USD", "name": "United States Dollar"}


def term(
    qbo_id: str, name: str, due_days: int, *, percent: str | None = None, days: int | None = None
) -> JsonObject:
    body: JsonObject = {"Name": name, "Active": True, "Type": "STANDARD", "DueDays": due_days}
    if percent is not None:
        body["DiscountPercent"] = Decimal(percent)
        body["DiscountDays"] = days
    return qbo(qbo_id, body)


def account(
    qbo_id: str,
    name: str,
    account_type: str,
    sub_type: str,
    *,
    balance: str = "0.00",
    active: bool = True,
) -> JsonObject:
    return qbo(
        qbo_id,
        {
            "Name": name,
            "SubAccount": False,
            "FullyQualifiedName": name,
            "Active": active,
            "AccountType": account_type,
            "AccountSubType": sub_type,
            "CurrentBalance": Decimal(balance),
            "CurrencyRef": usd(),
        },
    )


def vendor(
    qbo_id: str,
    name: str,
    *,
    term_ref: JsonObject | None,
    email: str | None = None,
    active: bool = True,
) -> JsonObject:
    body: JsonObject = {"DisplayName": name, "PrintOnCheckName": name, "Active": active}
    if email is not None:
        body["PrimaryEmailAddr"] = {"Address": email}
    if term_ref is not None:
        body["TermRef"] = ref(term_ref["Id"], term_ref["Name"])
    body["Balance"] = Decimal(0)
    body["CurrencyRef"] = usd()
    return qbo(qbo_id, body)


def customer(qbo_id: str, name: str, *, email: str | None = None) -> JsonObject:
    body: JsonObject = {"DisplayName": name, "Active": True, "CurrencyRef": usd()}
    if email is not None:
        body["PrimaryEmailAddr"] = {"Address": email}
    return qbo(qbo_id, body)


def expense_line(amount: str, on: JsonObject, number: int = 1) -> JsonObject:
    """A bill or purchase line posted to the account ``on``."""
    return {
        "Id": str(number),
        "LineNum": number,
        "Amount": Decimal(amount),
        "DetailType": "AccountBasedExpenseLineDetail",
        "AccountBasedExpenseLineDetail": {
            "AccountRef": ref(on["Id"], on["Name"]),
            "BillableStatus": "NotBillable",
        },
    }


def bill(
    qbo_id: str,
    party: JsonObject,
    total: str,
    *,
    due: int | None,
    txn: int,
    lines: list[JsonObject] | None = None,
    balance: str | None = None,
) -> JsonObject:
    """A bill from ``party``; open for its whole total unless ``balance`` says otherwise."""
    body: JsonObject = {
        "DocNumber": qbo_id,
        "TxnDate": day(txn),
        "VendorRef": ref(party["Id"], party["DisplayName"]),
        "APAccountRef": ref("20", "Accounts Payable (A/P)"),
        "TotalAmt": Decimal(total),
        "Balance": Decimal(total if balance is None else balance),
        "CurrencyRef": usd(),
        "Line": lines if lines is not None else [expense_line(total, OFFICE)],
    }
    if due is not None:
        body["DueDate"] = day(due)
    return qbo(qbo_id, body)


def invoice(
    qbo_id: str,
    party: JsonObject,
    total: str,
    *,
    due: int,
    txn: int,
    email: str | None = None,
    balance: str | None = None,
) -> JsonObject:
    body: JsonObject = {
        "DocNumber": qbo_id,
        "TxnDate": day(txn),
        "DueDate": day(due),
        "CustomerRef": ref(party["Id"], party["DisplayName"]),
        "TotalAmt": Decimal(total),
        "Balance": Decimal(total if balance is None else balance),
        "CurrencyRef": usd(),
        "EmailStatus": "EmailSent" if email else "NotSet",
        "Line": [
            {
                "Id": "1",
                "LineNum": 1,
                "Amount": Decimal(total),
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {"ItemRef": ref("1", "Services")},
            }
        ],
    }
    if email is not None:
        body["BillEmail"] = {"Address": email}
    return qbo(qbo_id, body)


def bill_payment(
    qbo_id: str, party: JsonObject, total: str, *, paid: int, bill_id: str
) -> JsonObject:
    return qbo(
        qbo_id,
        {
            "TxnDate": day(paid),
            "VendorRef": ref(party["Id"], party["DisplayName"]),
            "PayType": "Check",
            "CheckPayment": {"BankAccountRef": ref(CHECKING["Id"], CHECKING["Name"])},
            "TotalAmt": Decimal(total),
            "CurrencyRef": usd(),
            "Line": [
                {"Amount": Decimal(total), "LinkedTxn": [{"TxnId": bill_id, "TxnType": "Bill"}]}
            ],
        },
    )


def payment(
    qbo_id: str, party: JsonObject, total: str, *, paid: int, invoice_id: str
) -> JsonObject:
    return qbo(
        qbo_id,
        {
            "TxnDate": day(paid),
            "CustomerRef": ref(party["Id"], party["DisplayName"]),
            "DepositToAccountRef": ref(CHECKING["Id"], CHECKING["Name"]),
            "TotalAmt": Decimal(total),
            "UnappliedAmt": Decimal(0),
            "CurrencyRef": usd(),
            "Line": [
                {
                    "Amount": Decimal(total),
                    "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}],
                }
            ],
        },
    )


def purchase(qbo_id: str, total: str, *, paid: int) -> JsonObject:
    return qbo(
        qbo_id,
        {
            "TxnDate": day(paid),
            "PaymentType": "Cash",
            "AccountRef": ref(CHECKING["Id"], CHECKING["Name"]),
            "TotalAmt": Decimal(total),
            "CurrencyRef": usd(),
            "Line": [expense_line(total, OFFICE)],
        },
    )


def company(
    entities: dict[str, list[JsonObject]],
    *,
    realm_id: str = REALM_ID,
    name: str = "Harborview Bakery",
    email: str = "owner@harborview.example",
) -> GeneratedCompany:
    """A company ``land_companies`` accepts (it only reads these attributes)."""
    info = qbo(
        "1",
        {
            "CompanyName": name,
            "LegalName": f"{name} LLC",
            "Country": "US",
            "Email": {"Address": email},
            "DefaultTimeZone": "America/Los_Angeles",
        },
    )
    return GeneratedCompany(
        realm_id=realm_id,
        name=name,
        home_currency="USD",
        timezone="America/Los_Angeles",
        company_info=info,
        entities=entities,
        flaws={},
    )


# Terms
NET_30 = term("1", "Net 30", 30)
TWO_TEN_NET_30 = term("2", "2% 10 Net 30", 30, percent="2", days=10)
ON_RECEIPT = term("3", "Due on receipt", 0)

# Accounts
CHECKING = account("1", "Checking", "Bank", "Checking", balance="30000.00")
SAVINGS = account("2", "Savings", "Bank", "Savings", balance="12000.00")
OLD_CHECKING = account("3", "Old Checking", "Bank", "Checking", balance="5000.00", active=False)
CARD = account("4", "Business Visa", "Credit Card", "CreditCard", balance="-800.00")
OFFICE = account("5", "Office Supplies", "Expense", "OfficeGeneralAdministrativeExpenses")
UNCATEGORIZED = account("6", "Uncategorized Expense", "Expense", "OtherMiscellaneousServiceCost")

# Vendors
ACME = vendor("51", "Acme Supply", term_ref=NET_30, email="billing@acme.example")
GUSTO = vendor("52", "Gusto Payroll", term_ref=ON_RECEIPT)
BRIGHT = vendor("53", "Bright Office", term_ref=None)
OLD_PRINTING = vendor("54", "Old Printing", term_ref=NET_30, active=False)
COASTAL_CO = vendor("55", "Coastal Paper Co", term_ref=NET_30)
COASTAL = vendor("56", "Coastal Paper", term_ref=NET_30)
DELTA = vendor("57", "Delta Freight", term_ref=TWO_TEN_NET_30)
IRS = vendor("58", "IRS", term_ref=NET_30)

# Customers
BLUE_CAFE = customer("71", "Blue Cafe", email="owner@bluecafe.example")
HARBOR_GYM = customer("72", "Harbor Gym")
NOVA_LABS = customer("73", "Nova Labs", email="ap@novalabs.example")

PAYROLL_DAYS = (-77, -63, -49, -35, -21, -7)
"""Fridays 09-04 .. 11-13, every two weeks: the paid payroll bills and their bill payments."""


def harborview() -> GeneratedCompany:
    """The company every view test reads (see the module docstring)."""
    open_bills = [
        bill("101", ACME, "1500.00", due=-5, txn=-35),
        bill("102", GUSTO, "4000.00", due=0, txn=0),
        bill(
            "103",
            ACME,
            "900.00",
            due=+3,
            txn=-27,
            lines=[expense_line("800.00", OFFICE, 1), expense_line("100.00", UNCATEGORIZED, 2)],
        ),
        bill("104", ACME, "80.00", due=+7, txn=-23),
        bill("105", ACME, "3500.00", due=+20, txn=-10),
        bill("106", GUSTO, "3000.00", due=+20, txn=0),
        bill("107", DELTA, "5000.00", due=+25, txn=-5),
        bill(
            "108",
            OLD_PRINTING,
            "600.00",
            due=+10,
            txn=-20,
            lines=[expense_line("600.00", UNCATEGORIZED)],
        ),
        bill("109", BRIGHT, "450.00", due=+12, txn=-18),
        bill("110", BRIGHT, "450.00", due=+15, txn=-15),
        bill("111", ACME, "300.00", due=None, txn=-2),
        bill("112", ACME, "0.00", due=+29, txn=-1),
        bill("113", ACME, "700.00", due=-120, txn=-150),
        bill("116", IRS, "45000.00", due=+31, txn=-9),
    ]
    paid_bills = [bill("114", ACME, "1000.00", due=-20, txn=-50, balance="0.00")]
    paid_bills += [
        bill(str(121 + n), GUSTO, "2200.00", due=when, txn=when, balance="0.00")
        for n, when in enumerate(PAYROLL_DAYS)
    ]
    bill_payments = [
        bill_payment(str(301 + n), GUSTO, "2200.00", paid=when, bill_id=str(121 + n))
        for n, when in enumerate(PAYROLL_DAYS)
    ]
    bill_payments.append(bill_payment("307", ACME, "1000.00", paid=-21, bill_id="114"))
    invoices = [
        invoice("201", BLUE_CAFE, "3000.00", due=-10, txn=-40),
        invoice("202", NOVA_LABS, "5000.00", due=-45, txn=-75, email="billing@novalabs.example"),
        invoice("203", NOVA_LABS, "2000.00", due=-75, txn=-105, email="billing@novalabs.example"),
        invoice("204", HARBOR_GYM, "1200.00", due=-5, txn=-35),
        invoice("205", BLUE_CAFE, "2500.00", due=+5, txn=-25, email="ap@bluecafe.example"),
        # Paid: due 09-01 paid 09-11 (10 days late); due 10-01 paid 10-05 (4 days late).
        invoice("206", BLUE_CAFE, "1000.00", due=-80, txn=-110, balance="0.00"),
        invoice("207", BLUE_CAFE, "1500.00", due=-50, txn=-80, balance="0.00"),
    ]
    payments = [
        payment("501", BLUE_CAFE, "1000.00", paid=-70, invoice_id="206"),
        payment("502", BLUE_CAFE, "1500.00", paid=-46, invoice_id="207"),
    ]
    # 13 weekly purchases on Fridays, 08-28 (-84) .. 11-20 (0), and one on 08-21 (-91).
    purchases = [purchase(str(401 + n), "500.00", paid=-7 * n) for n in range(13)]
    purchases.append(purchase("414", "999.00", paid=-91))
    return company(
        {
            "Term": [NET_30, TWO_TEN_NET_30, ON_RECEIPT],
            "Account": [CHECKING, SAVINGS, OLD_CHECKING, CARD, OFFICE, UNCATEGORIZED],
            "Vendor": [ACME, GUSTO, BRIGHT, OLD_PRINTING, COASTAL_CO, COASTAL, DELTA, IRS],
            "Customer": [BLUE_CAFE, HARBOR_GYM, NOVA_LABS],
            "Bill": open_bills + paid_bills,
            "Invoice": invoices,
            "BillPayment": bill_payments,
            "Payment": payments,
            "Purchase": purchases,
        }
    )


def harborview_update(entities: dict[str, list[JsonObject]]) -> GeneratedCompany:
    """The same realm carrying only ``entities``: what an incremental sync would upsert."""
    return company(entities)


LATE_BILL = bill("115", OLD_PRINTING, "800.00", due=+8, txn=-22)
"""A new bill from the inactive vendor: HIGH, and larger than every other flagged record."""

ZENITH = vendor("61", "Zenith Tools", term_ref=NET_30)


def other_company() -> GeneratedCompany:
    """Another business: cash 10,000.00, burn 1,300.00 / 13 = 100.00 a week (HEALTHY, 100
    weeks), and one duplicate pair, bills 901/902 (700.00 each, 2 days apart, due in 20 and 22
    days): both POSSIBLE_DUPLICATE, so neither is ready for a decision."""
    return company(
        {
            "Term": [NET_30],
            "Account": [CHECKING | {"CurrentBalance": Decimal("10000.00")}, OFFICE],
            "Vendor": [ZENITH],
            "Bill": [
                bill("901", ZENITH, "700.00", due=+20, txn=-10),
                bill("902", ZENITH, "700.00", due=+22, txn=-8),
            ],
            "Purchase": [purchase("951", "1300.00", paid=-1)],
        },
        realm_id=OTHER_REALM_ID,
        name="Zenith Workshop",
        email="owner@zenith.example",
    )
