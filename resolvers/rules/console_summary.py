"""The decision console at a glance: bills per group, invoices to collect, discount savings."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from resolvers.rules.bills import BillAssessment
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.enums import BillGroup, Signal
from resolvers.rules.money import ZERO


@dataclass(frozen=True)
class DecisionSummary:
    """The console at a glance: bills per group, invoices to collect, discounts worth taking."""

    must_pay_count: int
    must_pay_amount: Decimal
    can_delay_count: int
    can_delay_amount: Decimal
    scheduled_count: int
    scheduled_amount: Decimal
    to_collect_count: int
    to_collect_amount: Decimal
    discount_savings: Decimal
    """Savings of the bills carrying a TAKE_DISCOUNT signal."""


def decision_summary(
    bills: Sequence[BillAssessment], invoices: Sequence[InvoiceAssessment]
) -> DecisionSummary:
    """Counts and amounts of the console's groups (pass the ready bills and invoices)."""

    def total(group: BillGroup) -> tuple[int, Decimal]:
        chosen = [bill.amount for bill in bills if bill.group is group]
        return len(chosen), sum(chosen, ZERO)

    must = total(BillGroup.MUST_PAY)
    delay = total(BillGroup.CAN_DELAY)
    scheduled = total(BillGroup.SCHEDULED)
    savings = sum(
        (
            bill.discount.savings
            for bill in bills
            if bill.discount is not None and Signal.TAKE_DISCOUNT in bill.signals
        ),
        ZERO,
    )
    return DecisionSummary(
        *must,
        *delay,
        *scheduled,
        len(invoices),
        sum((invoice.amount for invoice in invoices), ZERO),
        savings,
    )
