from collections.abc import Sequence
from decimal import Decimal

from domains.ap.models import Bill, Vendor
from domains.ar.models import Customer, Invoice
from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode, Severity
from resolvers.rules.hygiene.counterparties import CounterpartyCheck, counterparty_items
from tests.resolvers.rules.rows import UPDATED, bill, customer, invoice, money, vendor


def check(
    vendors: Sequence[Vendor] = (),
    customers: Sequence[Customer] = (),
    bills: Sequence[Bill] = (),
    invoices: Sequence[Invoice] = (),
) -> CounterpartyCheck:
    return counterparty_items(
        vendors=vendors,
        customers=customers,
        open_bills=bills,
        open_invoices=invoices,
        currency="USD",
    )


def test_missing_terms_only_for_active_vendors_with_open_bills() -> None:
    bare = vendor(qbo_id="V1", display_name="Acme Supply", term_qbo_id=None)
    termed = vendor(qbo_id="V2", display_name="Beta Parts", term_qbo_id="T30")
    idle = vendor(qbo_id="V3", display_name="Idle Co", term_qbo_id=None)
    asleep = vendor(qbo_id="V4", display_name="Sleepy Co", term_qbo_id=None, active=False)
    bills = [
        bill(vendor_qbo_id="V1", balance=money("100.00")),
        bill(vendor_qbo_id="V1", balance=money("250.50")),
        bill(vendor_qbo_id="V2"),
        bill(vendor_qbo_id="V4"),
    ]
    result = check(vendors=[bare, termed, idle, asleep], bills=bills)
    assert [item.qbo_id for item in result.items] == ["V1"]
    item = result.items[0]
    assert (item.entity_type, item.label, item.amount) == (
        EntityType.VENDOR,
        "Vendor Acme Supply",
        Decimal("350.50"),
    )
    only = item.issues[0]
    assert (only.code, only.severity, only.field) == (IssueCode.MISSING_TERMS, Severity.LOW, "term")
    assert only.message == "Acme Supply has 2 open bills ($350.50) and no payment terms"
    # Examined: the two active vendors with open bills (V1, V2); idle and inactive ones are not.
    assert result.examined_count == 2


def test_customer_with_open_invoices_and_no_email() -> None:
    quiet = customer(qbo_id="C1", display_name="Quiet Co", email=" ")
    reachable = customer(qbo_id="C2", display_name="Loud Co")
    result = check(
        customers=[quiet, reachable],
        invoices=[
            invoice(customer_qbo_id="C1", balance=money(300)),
            invoice(customer_qbo_id="C2"),
        ],
    )
    assert [item.qbo_id for item in result.items] == ["C1"]
    only = result.items[0].issues[0]
    assert (only.code, only.severity, only.field, only.amount) == (
        IssueCode.NO_CONTACT_EMAIL,
        Severity.MEDIUM,
        "email",
        Decimal(300),
    )
    assert (
        only.message == "Quiet Co has 1 open invoice ($300.00) and no email: no reminder can go out"
    )


def test_duplicate_names_among_active_records_of_one_kind() -> None:
    first = vendor(qbo_id="V1", display_name="Acme Supply")
    second = vendor(qbo_id="V2", display_name="ACME SUPPLY, Inc.")
    retired = vendor(qbo_id="V3", display_name="Acme Supply LLC", active=False)
    deleted = vendor(qbo_id="V4", display_name="Acme Supply", deleted_at=UPDATED)
    cousin = vendor(qbo_id="V5", display_name="Acme Supply East")
    also_customer = customer(qbo_id="C1", display_name="Acme Supply")
    result = check(vendors=[first, second, retired, deleted, cousin], customers=[also_customer])
    flagged = {item.qbo_id: item for item in result.items}
    assert set(flagged) == {"V1", "V2"}
    assert flagged["V1"].issues[0].message == (
        'Acme Supply has the same name as another active vendor: "ACME SUPPLY, Inc."'
    )
    assert flagged["V1"].severity is Severity.MEDIUM
    assert flagged["V2"].issues[0].field == "display_name"
    # Flagged vendors count as examined even without open bills, so the score stays within 0..100.
    assert result.examined_count == 2


def test_three_namesakes_are_all_named() -> None:
    names = ["Blue Cafe", "Blue Café", "blue cafe", "BLUE CAFE"]
    parties = [customer(qbo_id=f"C{i}", display_name=n) for i, n in enumerate(names)]
    result = check(customers=parties)
    first = next(item for item in result.items if item.qbo_id == "C0")
    # "Blue Café" is a different name: accents are kept.
    assert first.issues[0].message == (
        'Blue Cafe has the same name as other active customers: "blue cafe", "BLUE CAFE"'
    )
