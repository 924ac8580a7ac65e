"""The digest's totals: payables, receivables and the decision console in a few numbers."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domains.ap.models import Bill
from domains.ar.models import Invoice
from resolvers.rules.bills import BillAssessment
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.dates import week_end
from resolvers.rules.enums import BillGroup, Signal
from resolvers.rules.money import ZERO


@dataclass(frozen=True)
class PayablesSummary:
    """Open bills: all, due this week (today through Sunday), and overdue (due before today)."""

    open_count: int
    open_amount: Decimal
    due_this_week_count: int
    due_this_week_amount: Decimal
    overdue_count: int
    overdue_amount: Decimal


@dataclass(frozen=True)
class ReceivablesSummary:
    """Open invoices: all, and overdue (due before today)."""

    open_count: int
    open_amount: Decimal
    overdue_count: int
    overdue_amount: Decimal


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


def payables_summary(bills: Iterable[Bill], *, as_of: date) -> PayablesSummary:
    """Totals of open (balance > 0, not deleted) bills; "this week" ends on ``as_of``'s Sunday."""
    sunday = week_end(as_of)
    counts = [0, 0, 0]
    amounts = [ZERO, ZERO, ZERO]
    for bill in bills:
        if bill.deleted_at is not None or bill.balance <= 0:
            continue
        counts[0] += 1
        amounts[0] += bill.balance
        if bill.due_date is None:
            continue
        slot = 2 if bill.due_date < as_of else 1 if bill.due_date <= sunday else None
        if slot is not None:
            counts[slot] += 1
            amounts[slot] += bill.balance
    return PayablesSummary(counts[0], amounts[0], counts[1], amounts[1], counts[2], amounts[2])


def receivables_summary(invoices: Iterable[Invoice], *, as_of: date) -> ReceivablesSummary:
    """Totals of open (balance > 0, not deleted) invoices."""
    open_count = overdue_count = 0
    open_amount = overdue_amount = ZERO
    for invoice in invoices:
        if invoice.deleted_at is not None or invoice.balance <= 0:
            continue
        open_count += 1
        open_amount += invoice.balance
        if invoice.due_date is not None and invoice.due_date < as_of:
            overdue_count += 1
            overdue_amount += invoice.balance
    return ReceivablesSummary(open_count, open_amount, overdue_count, overdue_amount)


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
