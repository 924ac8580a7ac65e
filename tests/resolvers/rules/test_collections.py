from decimal import Decimal

import pytest

from domains.ar.models import Customer, Invoice
from resolvers.rules.collections import (
    InvoiceAssessment,
    assess_invoice,
    assess_invoices,
    collection_action,
    invoice_priority,
    is_ready_for_collection,
)
from resolvers.rules.contacts import contact_email
from resolvers.rules.enums import AgingBucket, CollectionAction, EntityType, Urgency
from resolvers.rules.hygiene.codes import IssueCode
from resolvers.rules.hygiene.report import assess_hygiene
from resolvers.rules.runway import RunwayFigures
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    UPDATED,
    assert_no_float,
    customer,
    days,
    invoice,
    money,
    runway,
)

CAFE = customer(qbo_id="C1", display_name="Blue Cafe", email="owner@bluecafe.example")
SILENT = customer(qbo_id="C2", display_name="Quiet Co", email=None)
RICH = runway("100000.00", "1000.00")


def ready(row: Invoice, who: Customer | None = CAFE) -> bool:
    return is_ready_for_collection(row, customer=who, as_of=AS_OF, thresholds=DEFAULTS)


def assess(
    row: Invoice, who: Customer | None = CAFE, lateness: int = 0, figures: RunwayFigures = RICH
) -> InvoiceAssessment:
    return assess_invoice(
        row, customer=who, lateness_days=lateness, as_of=AS_OF, runway=figures, thresholds=DEFAULTS
    )


def test_ready_when_overdue_or_due_within_seven_days() -> None:
    assert ready(invoice(due_date=days(7)))
    assert not ready(invoice(due_date=days(8)))
    assert ready(invoice(due_date=days(0)))
    assert ready(invoice(due_date=days(-45)))


def test_not_ready_without_email_due_date_or_balance() -> None:
    assert not ready(invoice(due_date=days(1), bill_email=None), SILENT)
    assert ready(invoice(due_date=days(1), bill_email="ap@quiet.example"), SILENT)
    assert not ready(invoice(due_date=days(1)), customer(email="x@y.example", deleted_at=UPDATED))
    assert not ready(invoice(due_date=None))
    assert not ready(invoice(due_date=days(1), balance=money(0)))
    assert not ready(invoice(due_date=days(1), deleted_at=UPDATED))


def test_contact_email_prefers_the_invoice() -> None:
    assert contact_email(invoice(bill_email=" ap@cafe.example "), CAFE) == "ap@cafe.example"
    assert contact_email(invoice(bill_email=None), CAFE) == "owner@bluecafe.example"
    assert contact_email(invoice(bill_email=""), None) is None


@pytest.mark.parametrize(
    ("days_overdue", "action"),
    [
        (0, CollectionAction.REMIND),
        (30, CollectionAction.REMIND),
        (31, CollectionAction.ESCALATE),
        (60, CollectionAction.ESCALATE),
        (61, CollectionAction.CALL),
        (400, CollectionAction.CALL),
    ],
)
def test_actions_escalate_after_30_and_call_after_60(
    days_overdue: int, action: CollectionAction
) -> None:
    assert collection_action(days_overdue, DEFAULTS) is action


@pytest.mark.parametrize(
    ("days_overdue", "amount", "cash", "expected"),
    [
        (0, "0", "100000", 0),
        (0, "15000", "100000", 50),
        (45, "1500", "100000", 30),  # 50 * 1500 / 15000 = 5, + 50 * 45 / 90 = 25
        (90, "30000", "100000", 100),
        (200, "1", "100000", 50),  # days cap at 90: 50 + 0.0033
        (10, "1", "0", 56),  # no cash: full amount weight; 50 * 10 / 90 = 5.56
    ],
)
def test_invoice_priority_by_hand(days_overdue: int, amount: str, cash: str, expected: int) -> None:
    priority = invoice_priority(
        days_overdue=days_overdue, amount=money(amount), cash=money(cash), thresholds=DEFAULTS
    )
    assert priority == expected


def test_priority_grows_with_amount_and_days_overdue() -> None:
    def p(days_overdue: int, amount: int) -> int:
        return invoice_priority(
            days_overdue=days_overdue,
            amount=Decimal(amount),
            cash=Decimal(100_000),
            thresholds=DEFAULTS,
        )

    by_days = [p(d, 3000) for d in range(0, 120, 5)]
    by_amount = [p(20, a) for a in range(0, 20_000, 500)]
    assert by_days == sorted(by_days) and by_days[0] < by_days[-1]
    assert by_amount == sorted(by_amount) and by_amount[0] < by_amount[-1]


def test_one_overdue_invoice_in_full() -> None:
    row = invoice(
        id=7,
        qbo_id="70",
        doc_number="2001",
        due_date=days(-45),
        balance=money("1500.00"),
        total_amt=money("1500.00"),
    )
    result = assess(row, lateness=10)
    assert (result.invoice_id, result.qbo_id, result.label) == (
        7,
        "70",
        "Invoice 2001 to Blue Cafe",
    )
    assert (result.days_until_due, result.days_overdue) == (-45, 45)
    assert result.urgency is Urgency.OVERDUE
    assert result.aging_bucket is AgingBucket.DAYS_31_60
    assert result.action is CollectionAction.ESCALATE
    assert result.priority == 30
    assert result.contact_email == "owner@bluecafe.example"
    # due + 10 days of lateness is long past: expected today
    assert result.expected_collection_date == AS_OF
    assert result.runway_impact_days == Decimal("10.5")
    assert result.reasons == ("Overdue by 45 days, more than 30: escalate",)
    assert result.duplicate_of is None
    assert_no_float(result)


def test_every_collection_says_why() -> None:
    assert assess(invoice(due_date=days(-1))).reasons == ("Overdue by 1 day: send a reminder",)
    assert assess(invoice(due_date=days(-61))).reasons == (
        "Overdue by 61 days, more than 60: call them",
    )
    assert assess(invoice(due_date=days(0))).reasons == ("Due today: send a reminder",)
    assert assess(invoice(due_date=days(5))).reasons == (
        "Due in 5 days: send a reminder before it is due",
    )


def test_a_possible_duplicate_is_still_listed_but_says_so() -> None:
    twin = invoice(qbo_id="twin", doc_number="2001", due_date=days(-10))
    original = invoice(qbo_id="orig", doc_number="2001", due_date=days(-12))
    report = assess_hygiene(
        bills=[],
        bill_lines=[],
        invoices=[twin, original],
        vendors=[],
        customers=[CAFE],
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    result = assess_invoices(
        [twin, original],
        customers=[CAFE],
        lateness={},
        as_of=AS_OF,
        runway=RICH,
        thresholds=DEFAULTS,
        duplicates=report.issues_by_qbo_id(EntityType.INVOICE, IssueCode.POSSIBLE_DUPLICATE),
    )
    by_id = {a.qbo_id: a for a in result}
    assert by_id["twin"].duplicate_of is not None
    assert by_id["twin"].duplicate_of.qbo_id == "orig"
    assert by_id["twin"].reasons == (
        "Overdue by 10 days: send a reminder",
        "May be a duplicate of Invoice 2001 to Blue Cafe (QBO id orig): check before chasing",
    )


def test_due_soon_invoice_is_current() -> None:
    result = assess(invoice(due_date=days(7)), lateness=4)
    assert (result.days_overdue, result.urgency) == (0, Urgency.DUE_SOON)
    assert result.aging_bucket is AgingBucket.CURRENT
    assert result.action is CollectionAction.REMIND
    assert result.expected_collection_date == days(11)


def test_assess_invoices_filters_and_sorts() -> None:
    big_old = invoice(qbo_id="big_old", due_date=days(-80), balance=money(20000))
    small_old = invoice(qbo_id="small_old", due_date=days(-80), balance=money(10))
    soon = invoice(qbo_id="soon", due_date=days(3), balance=money(10))
    later = invoice(qbo_id="later", due_date=days(8))
    silent = invoice(qbo_id="silent", customer_qbo_id="C2", due_date=days(-5), bill_email=None)
    result = assess_invoices(
        [soon, later, silent, small_old, big_old],
        customers=[CAFE, SILENT],
        lateness={"C1": 3},
        as_of=AS_OF,
        runway=RICH,
        thresholds=DEFAULTS,
    )
    assert [a.qbo_id for a in result] == ["big_old", "small_old", "soon"]
    assert result[2].expected_collection_date == days(6)
    everything = assess_invoices(
        [later, silent],
        customers=[CAFE, SILENT],
        lateness={},
        as_of=AS_OF,
        runway=RICH,
        thresholds=DEFAULTS,
        ready_only=False,
    )
    assert {(a.qbo_id, a.ready) for a in everything} == {("later", False), ("silent", False)}


def test_assessing_an_invoice_without_due_date_is_refused() -> None:
    with pytest.raises(ValueError, match="no due date"):
        assess(invoice(due_date=None))
