from decimal import Decimal

from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode, Severity
from resolvers.rules.hygiene.report import HygieneReport, assess_hygiene
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    UPDATED,
    assert_no_float,
    bill,
    bill_line,
    customer,
    days,
    invoice,
    money,
    vendor,
)


def test_empty_books_score_100() -> None:
    report = assess_hygiene(
        bills=[],
        bill_lines=[],
        invoices=[],
        vendors=[],
        customers=[],
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    assert report == HygieneReport((), 0, 100, 0, 0, 0, 0, Decimal(0))


def test_a_small_business_tray_by_hand() -> None:
    acme = vendor(qbo_id="V1", display_name="Acme Supply")
    cafe = customer(qbo_id="C1", display_name="Blue Cafe")
    clean = bill(qbo_id="clean")
    no_due = bill(qbo_id="no_due", due_date=None, balance=money("80.00"))
    twin_a = bill(qbo_id="twin_a", total_amt=money("900.00"), txn_date=days(-5))
    twin_b = bill(qbo_id="twin_b", total_amt=money("900.00"), txn_date=days(-1))
    paid = bill(qbo_id="paid", due_date=None, balance=money(0))  # not examined
    deleted = bill(qbo_id="deleted", vendor_qbo_id=None, deleted_at=UPDATED)  # not examined
    good_invoice = invoice(qbo_id="inv")
    report = assess_hygiene(
        bills=[clean, no_due, twin_a, twin_b, paid, deleted],
        bill_lines=[bill_line(clean), bill_line(twin_a, account_name="Uncategorized Expense")],
        invoices=[good_invoice],
        vendors=[acme],
        customers=[cafe],
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    # Examined: 4 open bills + 1 open invoice + Acme (open bills) + Blue Cafe (open invoice) = 7.
    assert report.examined_count == 7
    # Worst per flagged item: twin_a high 3, twin_b high 3, no_due medium 2 -> penalty 8.
    # 100 * (1 - 8 / 21) = 61.9 -> 62.
    assert report.score == 62
    assert [item.qbo_id for item in report.items] == ["twin_a", "twin_b", "no_due"]
    assert [i.code for i in report.items[0].issues] == [
        IssueCode.POSSIBLE_DUPLICATE,
        IssueCode.UNCATEGORIZED,
    ]
    assert (report.issue_count, report.high_count, report.medium_count, report.low_count) == (
        4,
        2,
        1,
        0,
    )
    assert report.amount_at_stake == Decimal("1880.00")
    assert report.flagged_qbo_ids(EntityType.BILL, Severity.HIGH) == {"twin_a", "twin_b"}
    assert report.flagged_qbo_ids(EntityType.BILL, Severity.MEDIUM) == {
        "twin_a",
        "twin_b",
        "no_due",
    }
    assert report.flagged_qbo_ids(EntityType.INVOICE, Severity.LOW) == frozenset()
    assert_no_float(report)


def test_zero_total_documents_are_examined_though_never_open() -> None:
    zero = invoice(qbo_id="zero", total_amt=money(0))
    report = assess_hygiene(
        bills=[],
        bill_lines=[],
        invoices=[zero],
        vendors=[],
        customers=[customer(qbo_id="C1")],
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    assert [(i.qbo_id, i.issues[0].code) for i in report.items] == [("zero", IssueCode.ZERO_AMOUNT)]
    # Only the zero invoice is examined (the customer has no open invoice): 100 * (1 - 2/3) = 33.
    assert (report.examined_count, report.score) == (1, 33)


def test_items_sort_worst_then_largest_then_kind() -> None:
    acme = vendor(qbo_id="V1", term_qbo_id=None)
    small_stale = bill(qbo_id="s", due_date=days(-100), balance=money(10))
    big_stale = bill(qbo_id="b", due_date=days(-100), balance=money(1000))
    report = assess_hygiene(
        bills=[small_stale, big_stale],
        bill_lines=[],
        invoices=[],
        vendors=[acme],
        customers=[],
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    assert [(i.entity_type, i.qbo_id) for i in report.items] == [
        (EntityType.BILL, "b"),
        (EntityType.BILL, "s"),
        (EntityType.VENDOR, "V1"),
    ]


def test_twenty_thousand_bills() -> None:
    acme = vendor(qbo_id="V1")
    bills = [
        bill(qbo_id=str(i), txn_date=days(-(i % 300)), total_amt=money(f"{i}.00"))
        for i in range(1, 20_001)
    ]
    report = assess_hygiene(
        bills=bills,
        bill_lines=[],
        invoices=[],
        vendors=[acme],
        customers=[],
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    assert report.examined_count == 20_001
    assert report.items == ()
    assert report.score == 100
