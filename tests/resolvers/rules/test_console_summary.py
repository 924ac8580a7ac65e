from decimal import Decimal

from domains.ap.models import Bill
from domains.core.models import Term
from domains.decisions.models import BillDecision
from resolvers.rules.bills import BillAssessment, assess_bill
from resolvers.rules.collections import assess_invoice
from resolvers.rules.console_summary import DecisionSummary, decision_summary
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    bill,
    customer,
    days,
    decision,
    invoice,
    money,
    runway,
    term,
    vendor,
)


def test_decision_summary_counts_groups_and_discount_savings() -> None:
    figures = runway("100000.00", "0")
    acme = vendor(qbo_id="V1", term_qbo_id=None)
    two_ten = term(due_days=30, discount_percent=money(2), discount_days=10)
    must = bill(due_date=days(1), balance=money("100.00"))
    wait = bill(due_date=days(20), balance=money("200.00"))
    discounted = bill(txn_date=days(-1), due_date=days(29), balance=money("500.00"))
    decided = bill(due_date=days(20), balance=money("50.00"))

    def assess(
        row: Bill, governing: Term | None = None, decided_row: BillDecision | None = None
    ) -> BillAssessment:
        return assess_bill(
            row,
            vendor=acme,
            term=governing,
            decision=decided_row,
            blocked=False,
            as_of=AS_OF,
            runway=figures,
            thresholds=DEFAULTS,
        )

    bills = [
        assess(must),
        assess(wait),
        assess(discounted, two_ten),
        assess(decided, None, decision(decided, "PAY_ON", days(3))),
    ]
    invoices = [
        assess_invoice(
            invoice(due_date=days(-3), balance=money("70.00")),
            customer=customer(),
            lateness_days=0,
            as_of=AS_OF,
            runway=figures,
            thresholds=DEFAULTS,
        )
    ]
    assert decision_summary(bills, invoices) == DecisionSummary(
        must_pay_count=1,
        must_pay_amount=Decimal("100.00"),
        can_delay_count=1,
        can_delay_amount=Decimal("200.00"),
        scheduled_count=2,
        scheduled_amount=Decimal("550.00"),
        to_collect_count=1,
        to_collect_amount=Decimal("70.00"),
        discount_savings=Decimal("10.00"),
    )
