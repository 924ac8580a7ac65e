import dataclasses
from decimal import Decimal

from resolvers.rules.actions import RunwayAction, top_runway_actions
from resolvers.rules.bills import BillAssessment, assess_bill
from resolvers.rules.collections import InvoiceAssessment, assess_invoice
from resolvers.rules.enums import (
    BillAction,
    DecisionAction,
    EntityType,
    RunwayActionKind,
    Signal,
)
from resolvers.rules.enums import DigestStatus as Status
from resolvers.rules.runway import RunwayFigures
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    assert_no_float,
    bill,
    customer,
    days,
    invoice,
    money,
    runway,
    term,
    vendor,
)

BURN_100_A_DAY = runway("100000.00", "700.00")
ACME = vendor(qbo_id="V1", display_name="Acme Supply", term_qbo_id=None)
CAFE = customer(qbo_id="C1", display_name="Blue Cafe")


def assessed_bill(figures: RunwayFigures = BURN_100_A_DAY, **values: object) -> BillAssessment:
    two_ten = term(due_days=30, discount_percent=money(2), discount_days=10)
    row = bill(**values)
    return assess_bill(
        row,
        vendor=ACME,
        term=two_ten if row.txn_date == days(-1) else None,
        decision=None,
        blocked=False,
        as_of=AS_OF,
        runway=figures,
        thresholds=DEFAULTS,
    )


def assessed_invoice(
    figures: RunwayFigures = BURN_100_A_DAY, **values: object
) -> InvoiceAssessment:
    return assess_invoice(
        invoice(**values),
        customer=CAFE,
        lateness_days=0,
        as_of=AS_OF,
        runway=figures,
        thresholds=DEFAULTS,
    )


def test_the_three_actions_adding_most_days() -> None:
    assert BURN_100_A_DAY.status is Status.HEALTHY
    delay_small = assessed_bill(
        qbo_id="b1", doc_number="1043", due_date=days(20), balance=money(1000)
    )
    delay_big = assessed_bill(
        qbo_id="b2", doc_number="1044", due_date=days(25), balance=money(2549)
    )
    decided = dataclasses.replace(
        assessed_bill(qbo_id="b3", due_date=days(25), balance=money(9000)),
        decided_action=DecisionAction.DELAY_TO,
        decided_for=days(40),
    )
    crumbs = assessed_bill(qbo_id="b4", due_date=days(20), balance=money(40))  # 0.4 days
    discount = assessed_bill(
        qbo_id="b5", doc_number="77", txn_date=days(-1), due_date=days(29), balance=money(10000)
    )
    overdue = assessed_invoice(
        qbo_id="i1", id=9, doc_number="2001", due_date=days(-45), balance=money("1850.00")
    )
    not_yet_due = assessed_invoice(qbo_id="i2", due_date=days(2), balance=money(50000))
    assert delay_small.action is BillAction.DELAY and delay_big.action is BillAction.DELAY
    assert Signal.TAKE_DISCOUNT in discount.signals

    actions = top_runway_actions(
        bills=[delay_small, delay_big, decided, crumbs, discount],
        invoices=[overdue, not_yet_due],
        runway=BURN_100_A_DAY,
        thresholds=DEFAULTS,
    )
    assert actions == (
        RunwayAction(
            RunwayActionKind.DELAY_BILL,
            "Delay Bill 1044 from Acme Supply ($2,549.00, due 2027-01-01): +26 days",
            26,  # its shown runway impact: 2549 / 100 = 25.49 -> 25.5 days -> 26
            Decimal(2549),
            EntityType.BILL,
            delay_big.bill_id,
            "b2",
            "Bill 1044 from Acme Supply",
        ),
        RunwayAction(
            RunwayActionKind.COLLECT_INVOICE,
            "Collect Invoice 2001 to Blue Cafe ($1,850.00, 45 days overdue): +19 days",
            19,  # 18.5 half up
            Decimal("1850.00"),
            EntityType.INVOICE,
            9,
            "i1",
            "Invoice 2001 to Blue Cafe",
        ),
        RunwayAction(
            RunwayActionKind.DELAY_BILL,
            "Delay Bill 1043 from Acme Supply ($1,000.00, due 2026-12-27): +10 days",
            10,
            Decimal(1000),
            EntityType.BILL,
            delay_small.bill_id,
            "b1",
            "Bill 1043 from Acme Supply",
        ),
    )
    assert_no_float(actions)

    # With more room the discount comes fourth: 2% of 10000 saves 200 = 2 days; its deadline is
    # day -1 + 10 = 2026-12-16, so pay by 3 days earlier.
    more = top_runway_actions(
        bills=[delay_small, delay_big, discount],
        invoices=[overdue],
        runway=BURN_100_A_DAY,
        thresholds=DEFAULTS.model_copy(update={"top_runway_actions": 5}),
    )
    assert [a.kind for a in more][-1] is RunwayActionKind.TAKE_DISCOUNT
    assert more[-1].description == (
        "Take the 2% discount on Bill 77 from Acme Supply by 2026-12-13: saves $200.00, +2 days"
    )
    assert more[-1].amount == Decimal("200.00")


def test_no_actions_when_not_burning() -> None:
    figures = runway("100000.00", "0")
    wait = assessed_bill(figures, due_date=days(20), balance=money(1000))
    overdue = assessed_invoice(figures, due_date=days(-45), balance=money(1850))
    assert wait.action is BillAction.DELAY
    assert (
        top_runway_actions(bills=[wait], invoices=[overdue], runway=figures, thresholds=DEFAULTS)
        == ()
    )
