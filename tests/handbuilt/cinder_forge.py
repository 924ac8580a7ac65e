"""A second hand-built company, in a cash crunch: its must-pay bills exceed its cash.

Cinder Forge, a small metal shop, shares Harborview's "today" (Friday 2026-11-20 in
America/Los_Angeles, ``tests.handbuilt.company.NOW``) and its QBO object builders; dates are days
from today (``due=+10`` is Monday 2026-11-30). Its figures, worked by hand, are
``tests.handbuilt.cinder_forge_figures``.

What the company holds, and what each object is for:

- Accounts: one bank account, Checking 1,162.50 (cash); Office Supplies, where every line posts.
- Terms: Net 30, for every vendor (no discounts, no missing terms).
- Vendors: Ember Coal Supply, Anvil Steel, Foundry Lane Properties (critical: rent, by the word
  "properties"), Bellows Hardware.
- Customer: Slag & Sons (email), with one paid invoice.
- Open bills (id = doc number): 701 Ember Coal 420.00 overdue 6 days; 702 Anvil Steel 150.00 due
  in 2 days; 703 Foundry Lane rent 1,250.00 due in 10 days; 704 Anvil Steel 30.00 due in 20 days
  (small); 705 Bellows Hardware 120.00 due in 12 days whose memo charges interest when late.
  Paid: the last three months' rent, 711-713 (1,250.00 each).
- No open invoices; paid: 801 (Slag & Sons 500.00, due 10-16, paid 10-21).
- Money moved in the trailing 13 weeks (2026-08-22..2026-11-20): bill payments 3,750.00 (the
  three rents), purchases 1,300.00 (13 weekly 100.00), customer payments 500.00.
"""

from sync.fakeqbo.generator import GeneratedCompany
from tests.handbuilt.company import (
    NET_30,
    OFFICE,
    account,
    bill,
    bill_payment,
    company,
    customer,
    invoice,
    payment,
    purchase,
    vendor,
)

REALM_ID = "9130000000007003"

CHECKING = account("1", "Checking", "Bank", "Checking", balance="1162.50")

EMBER = vendor("51", "Ember Coal Supply", term_ref=NET_30, email="ar@embercoal.example")
ANVIL = vendor("52", "Anvil Steel", term_ref=NET_30, email="billing@anvilsteel.example")
FOUNDRY_LANE = vendor("53", "Foundry Lane Properties", term_ref=NET_30)
BELLOWS = vendor("54", "Bellows Hardware", term_ref=NET_30)

SLAG = customer("71", "Slag & Sons", email="office@slagsons.example")

RENT_DAYS = (-80, -50, -20)
"""Rent paid every 30 days (08-31, 09-30, 10-31); the next is due on +10 (11-30)."""

INTEREST_MEMO = "1.5% interest a month after the due date"


def cinder_forge() -> GeneratedCompany:
    """The company in a cash crunch (see the module docstring)."""
    open_bills = [
        bill("701", EMBER, "420.00", due=-6, txn=-36),
        bill("702", ANVIL, "150.00", due=+2, txn=-28),
        bill("703", FOUNDRY_LANE, "1250.00", due=+10, txn=-20),
        bill("704", ANVIL, "30.00", due=+20, txn=-10),
        bill("705", BELLOWS, "120.00", due=+12, txn=-18) | {"PrivateNote": INTEREST_MEMO},
    ]
    rents = [
        bill(str(711 + n), FOUNDRY_LANE, "1250.00", due=when, txn=when - 30, balance="0.00")
        for n, when in enumerate(RENT_DAYS)
    ]
    bill_payments = [
        bill_payment(str(311 + n), FOUNDRY_LANE, "1250.00", paid=when, bill_id=str(711 + n))
        for n, when in enumerate(RENT_DAYS)
    ]
    # 13 weekly purchases on Fridays, 08-28 (-84) .. 11-20 (0).
    purchases = [purchase(str(411 + n), "100.00", paid=-7 * n) for n in range(13)]
    return company(
        {
            "Term": [NET_30],
            "Account": [CHECKING, OFFICE],
            "Vendor": [EMBER, ANVIL, FOUNDRY_LANE, BELLOWS],
            "Customer": [SLAG],
            "Bill": open_bills + rents,
            "Invoice": [invoice("801", SLAG, "500.00", due=-35, txn=-65, balance="0.00")],
            "BillPayment": bill_payments,
            "Payment": [payment("511", SLAG, "500.00", paid=-30, invoice_id="801")],
            "Purchase": purchases,
        },
        realm_id=REALM_ID,
        name="Cinder Forge",
        email="owner@cinderforge.example",
    )
