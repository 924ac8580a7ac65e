from collections.abc import Sequence
from decimal import Decimal

from domains.ap.models import Bill, BillLine, Vendor
from domains.ar.models import Customer, Invoice
from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode, Severity
from resolvers.rules.hygiene.documents import bill_items, invoice_items
from resolvers.rules.hygiene.items import HygieneItem, RelatedRecord
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    UPDATED,
    bill,
    bill_line,
    customer,
    days,
    invoice,
    money,
    vendor,
)

ACME = vendor(qbo_id="V1", display_name="Acme Supply")
CAFE = customer(qbo_id="C1", display_name="Blue Cafe")


def check_bills(
    bills: Sequence[Bill], lines: Sequence[BillLine] = (), vendors: Sequence[Vendor] = (ACME,)
) -> dict[str, HygieneItem]:
    by_bill: dict[int, list[BillLine]] = {}
    for line in lines:
        by_bill.setdefault(line.bill_id, []).append(line)
    items = bill_items(
        bills,
        lines_by_bill=by_bill,
        vendors={v.qbo_id: v for v in vendors},
        as_of=AS_OF,
        thresholds=DEFAULTS,
        currency="USD",
    )
    return {item.qbo_id: item for item in items}


def check_invoices(
    invoices: Sequence[Invoice], customers: Sequence[Customer] = (CAFE,)
) -> dict[str, HygieneItem]:
    items = invoice_items(
        invoices,
        customers={c.qbo_id: c for c in customers},
        as_of=AS_OF,
        thresholds=DEFAULTS,
        currency="USD",
    )
    return {item.qbo_id: item for item in items}


def codes(items: dict[str, HygieneItem], qbo_id: str) -> list[IssueCode]:
    return [i.code for i in items[qbo_id].issues] if qbo_id in items else []


def test_a_clean_bill_has_no_item() -> None:
    b = bill()
    assert check_bills([b], [bill_line(b)]) == {}


def test_missing_vendor_in_every_form() -> None:
    gone = vendor(qbo_id="V2", display_name="Old Co", deleted_at=UPDATED)
    asleep = vendor(qbo_id="V3", display_name="Sleepy Co", active=False)
    bills = [
        bill(qbo_id="none", doc_number="1", vendor_qbo_id=None, vendor_name=None),
        bill(qbo_id="unknown", doc_number="2", vendor_qbo_id="V9", vendor_name="Ghost Ltd"),
        bill(qbo_id="deleted", doc_number="3", vendor_qbo_id="V2"),
        bill(qbo_id="inactive", doc_number="4", vendor_qbo_id="V3"),
    ]
    items = check_bills(bills, vendors=[ACME, gone, asleep])
    messages = {q: items[q].issues[0].message for q in items}
    assert messages == {
        "none": "Bill 1 has no vendor",
        "unknown": "Bill 2 is from Ghost Ltd, who is not in the books",
        "deleted": "Bill 3 is from Old Co, who was deleted in QBO",
        "inactive": "Bill 4 is from Sleepy Co, who is inactive in QBO",
    }
    assert all(items[q].issues[0].code is IssueCode.MISSING_VENDOR for q in items)
    assert all(items[q].severity is Severity.HIGH for q in items)
    assert items["none"].issues[0].field == "vendor"


def test_duplicate_bills_same_vendor_and_total_seven_days_apart() -> None:
    a = bill(qbo_id="a", doc_number="1043", txn_date=days(-10), total_amt=money("1200.00"))
    b = bill(qbo_id="b", doc_number="1044", txn_date=days(-3), total_amt=money("1200.00"))
    items = check_bills([a, b])
    first = items["a"].issues[0]
    assert first.code is IssueCode.POSSIBLE_DUPLICATE
    assert first.severity is Severity.HIGH
    assert first.message == (
        "Bill 1043 from Acme Supply may be a duplicate of Bill 1044 from Acme Supply "
        "($1,200.00, dated 2026-12-04, QBO id b): same vendor and total, 7 days apart"
    )
    assert first.related == RelatedRecord(
        EntityType.BILL, b.id, "b", "Bill 1044 from Acme Supply", Decimal("1200.00"), days(-3)
    )
    assert first.amount == Decimal("1200.00")
    assert codes(items, "b") == [IssueCode.POSSIBLE_DUPLICATE]


def test_no_duplicate_eight_days_apart_or_against_a_paid_bill() -> None:
    a = bill(qbo_id="a", txn_date=days(-11))
    b = bill(qbo_id="b", txn_date=days(-3))
    paid = bill(qbo_id="paid", txn_date=days(-4), balance=money(0))
    assert check_bills([a, b, paid]) == {}


def test_same_bill_number_is_a_duplicate_only_from_the_same_vendor() -> None:
    other = vendor(qbo_id="V2", display_name="Beta Parts")
    a = bill(qbo_id="a", doc_number="INV-7", txn_date=days(-60), total_amt=money(5))
    b = bill(qbo_id="b", doc_number="inv-7 ", txn_date=days(-1), total_amt=money(9))
    c = bill(qbo_id="c", doc_number="INV-7", vendor_qbo_id="V2", total_amt=money(11))
    items = check_bills([a, b, c], vendors=[ACME, other])
    assert set(items) == {"a", "b"}
    assert items["a"].issues[0].message == (
        "Bill INV-7 from Acme Supply may be a duplicate of Bill inv-7 from Acme Supply "
        "($9.00, dated 2026-12-06, QBO id b): same number"
    )
    assert items["a"].issues[0].field == "doc_number"


def test_a_duplicate_with_the_same_label_is_told_apart_by_amount_date_and_id() -> None:
    a = bill(qbo_id="77", doc_number="1043", txn_date=days(-6), total_amt=money("900.00"))
    b = bill(qbo_id="78", doc_number="1043", txn_date=days(-5), total_amt=money("900.00"))
    items = check_bills([a, b])
    assert items["77"].issues[0].message == (
        "Bill 1043 from Acme Supply may be a duplicate of another Bill 1043 from Acme Supply "
        "($900.00, dated 2026-12-02, QBO id 78): same number"
    )
    related = items["78"].issues[0].related
    assert related is not None and (related.qbo_id, related.entity_id) == ("77", a.id)


def test_same_invoice_number_is_a_duplicate_whoever_the_customer() -> None:
    other = customer(qbo_id="C2", display_name="Red Deli")
    a = invoice(qbo_id="a", doc_number="2001", total_amt=money(10))
    b = invoice(qbo_id="b", doc_number="2001", customer_qbo_id="C2", total_amt=money(20))
    assert set(check_invoices([a, b], [CAFE, other])) == {"a", "b"}


def test_zero_amount_is_medium_with_nothing_at_stake() -> None:
    items = check_bills([bill(qbo_id="z", doc_number="9", total_amt=money(0))])
    only = items["z"].issues[0]
    assert (only.code, only.severity, only.amount) == (
        IssueCode.ZERO_AMOUNT,
        Severity.MEDIUM,
        Decimal(0),
    )
    assert only.message == "Bill 9 from Acme Supply has a total of $0.00"


def test_missing_due_date_names_the_document() -> None:
    items = check_bills([bill(qbo_id="x", doc_number="1043", due_date=None)])
    only = items["x"].issues[0]
    assert only.message == "Bill 1043 from Acme Supply has no due date"
    assert (only.code, only.severity, only.field) == (
        IssueCode.MISSING_DUE_DATE,
        Severity.MEDIUM,
        "due_date",
    )


def test_due_before_transaction_date_but_not_on_it() -> None:
    early = bill(qbo_id="early", doc_number="5", txn_date=days(-2), due_date=days(-3))
    same = bill(qbo_id="same", txn_date=days(-2), due_date=days(-2))
    items = check_bills([early, same])
    assert codes(items, "early") == [IssueCode.DUE_BEFORE_TXN]
    assert items["early"].issues[0].message == (
        "Bill 5 from Acme Supply is due 2026-12-04, before its date 2026-12-05"
    )
    assert "same" not in items


def test_stale_open_is_more_than_ninety_days_past_due() -> None:
    ninety = bill(qbo_id="90", txn_date=days(-150), due_date=days(-90))
    ninety_one = bill(
        qbo_id="91", doc_number="77", txn_date=days(-151), due_date=days(-91), balance=money(40)
    )
    paid = bill(qbo_id="paid", txn_date=days(-400), due_date=days(-300), balance=money(0))
    items = check_bills([ninety, ninety_one, paid])
    assert set(items) == {"91"}
    stale = items["91"].issues[0]
    assert (stale.code, stale.severity, stale.amount) == (
        IssueCode.STALE_OPEN,
        Severity.HIGH,
        Decimal(40),
    )
    assert stale.message == (
        "Bill 77 from Acme Supply is 91 days past due and still open ($40.00): "
        "paid outside QBO, or no longer owed?"
    )


def test_stale_invoice_suggests_bad_debt() -> None:
    items = check_invoices([invoice(qbo_id="i", doc_number="2001", due_date=days(-120))])
    assert items["i"].issues[0].message.endswith("paid outside QBO, or bad debt to write off?")


def test_uncategorized_lines() -> None:
    b = bill(qbo_id="b", doc_number="12")
    lines = [
        bill_line(b, account_qbo_id=None, item_qbo_id=None, amount=money("10.00")),
        bill_line(b, account_name="Expenses:Uncategorized Expense", amount=money("20.00")),
        bill_line(b, account_name="ask my accountant", amount=money("5.00")),
        bill_line(b, detail_type="DescriptionOnly", account_qbo_id=None, amount=money(0)),
        bill_line(b, account_name="Office Supplies", amount=money("65.00")),
    ]
    items = check_bills([b], lines)
    only = items["b"].issues[0]
    assert (only.code, only.severity, only.amount, only.field) == (
        IssueCode.UNCATEGORIZED,
        Severity.LOW,
        Decimal("35.00"),
        "lines",
    )
    assert only.message == (
        "Bill 12 from Acme Supply has 1 line without an account or item and 1 line in "
        '"Uncategorized Expense" and 1 line in "ask my accountant" ($35.00)'
    )


def test_item_based_lines_are_categorised() -> None:
    b = bill()
    line = bill_line(
        b, detail_type="ItemBasedExpenseLineDetail", account_qbo_id=None, item_qbo_id="I1"
    )
    assert check_bills([b], [line]) == {}


def test_invoice_without_any_email() -> None:
    silent = customer(qbo_id="C2", display_name="Quiet Co", email=None)
    no_email = invoice(qbo_id="n", doc_number="2002", customer_qbo_id="C2", bill_email=None)
    billed = invoice(qbo_id="b", customer_qbo_id="C2", bill_email="ap@quiet.example")
    via_customer = invoice(qbo_id="c", customer_qbo_id="C1", bill_email=" ")
    items = check_invoices([no_email, billed, via_customer], [CAFE, silent])
    assert set(items) == {"n"}
    assert items["n"].issues[0].message == (
        "Invoice 2002 to Quiet Co has no email, and neither has Quiet Co: no reminder can go out"
    )
    assert items["n"].issues[0].field == "bill_email"


def test_documents_are_labelled_by_date_without_a_number() -> None:
    items = check_bills([bill(qbo_id="x", doc_number=None, txn_date=days(-1), due_date=None)])
    assert items["x"].label == "Bill dated 2026-12-06 from Acme Supply"
