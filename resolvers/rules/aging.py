"""What is owed and owing: open payables and receivables, overdue totals and aging buckets."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domains.ap.models import Bill
from domains.ar.models import Invoice
from resolvers.rules.dates import week_end
from resolvers.rules.enums import AgingBucket
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


@dataclass(frozen=True)
class AgingTotal:
    """Open invoices in one aging bucket."""

    bucket: AgingBucket
    count: int
    amount: Decimal


def aging_bucket(days_overdue: int) -> AgingBucket:
    """The bucket of a document ``days_overdue`` days past due (0 or less is CURRENT)."""
    if days_overdue <= 0:
        return AgingBucket.CURRENT
    if days_overdue <= 30:
        return AgingBucket.DAYS_1_30
    if days_overdue <= 60:
        return AgingBucket.DAYS_31_60
    if days_overdue <= 90:
        return AgingBucket.DAYS_61_90
    return AgingBucket.DAYS_90_PLUS


def aging_summary(invoices: Iterable[Invoice], *, as_of: date) -> tuple[AgingTotal, ...]:
    """Open invoices per aging bucket, all five buckets in order (empty ones with zeros)."""
    counts = dict.fromkeys(AgingBucket, 0)
    amounts = dict.fromkeys(AgingBucket, ZERO)
    for invoice in invoices:
        if invoice.deleted_at is not None or invoice.balance <= 0:
            continue
        due = invoice.due_date or invoice.txn_date
        bucket = aging_bucket((as_of - due).days if due is not None else 0)
        counts[bucket] += 1
        amounts[bucket] += invoice.balance
    return tuple(AgingTotal(bucket, counts[bucket], amounts[bucket]) for bucket in AgingBucket)
