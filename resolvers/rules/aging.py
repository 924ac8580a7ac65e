"""What is owed and owing: open payables and receivables by age, every total a sum of buckets.

One rule for every total and bucket (interpretation, said in the README): a document is *open*
when it is not deleted and its balance is above zero; its *effective due date* is its due date,
else its transaction date (QBO's own default when a due date is left empty), else it is current.
It is *overdue* when the effective due date is before ``as_of``. So "16 invoices overdue" is
always the sum of the past-due buckets beside it, and "open" the sum of all five.

Buckets by days past the effective due date: CURRENT 0 or less, 1-30, 31-60, 61-90, 90+ meaning
91 and more (the same boundary as STALE_OPEN).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from resolvers.rules.dates import week_end
from resolvers.rules.enums import AgingBucket
from resolvers.rules.money import ZERO, cents


class OpenDocument(Protocol):
    """What aging reads of a bill or an invoice."""

    @property
    def due_date(self) -> date | None: ...
    @property
    def txn_date(self) -> date | None: ...
    @property
    def balance(self) -> Decimal: ...
    @property
    def deleted_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class AgingTotal:
    """Open documents in one aging bucket."""

    bucket: AgingBucket
    count: int
    amount: Decimal


@dataclass(frozen=True)
class AgingReport:
    """Open documents in all five buckets, in order; the totals are sums of the buckets."""

    buckets: tuple[AgingTotal, ...]

    @property
    def open_count(self) -> int:
        return sum(total.count for total in self.buckets)

    @property
    def open_amount(self) -> Decimal:
        return sum((total.amount for total in self.buckets), ZERO)

    @property
    def overdue_count(self) -> int:
        return sum(t.count for t in self.buckets if t.bucket is not AgingBucket.CURRENT)

    @property
    def overdue_amount(self) -> Decimal:
        return sum((t.amount for t in self.buckets if t.bucket is not AgingBucket.CURRENT), ZERO)


@dataclass(frozen=True)
class PayablesSummary:
    """Open bills by age, and those due this week (effective due date from today to Sunday)."""

    aging: AgingReport
    due_this_week_count: int
    due_this_week_amount: Decimal


def effective_due_date(due_date: date | None, txn_date: date | None) -> date | None:
    """The due date, else the transaction date (QBO's default for an empty due date)."""
    return due_date if due_date is not None else txn_date


def is_open(document: OpenDocument) -> bool:
    """Not deleted, with a balance above zero."""
    return document.deleted_at is None and document.balance > 0


def days_past_due(document: OpenDocument, as_of: date) -> int:
    """Days past the effective due date (negative before it; 0 without any date)."""
    due = effective_due_date(document.due_date, document.txn_date)
    return (as_of - due).days if due is not None else 0


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


def aging_report(documents: Iterable[OpenDocument], *, as_of: date) -> AgingReport:
    """Open documents per bucket, all five in order (empty ones with zeros), to the cent."""
    counts = dict.fromkeys(AgingBucket, 0)
    amounts = dict.fromkeys(AgingBucket, ZERO)
    for document in documents:
        if not is_open(document):
            continue
        bucket = aging_bucket(days_past_due(document, as_of))
        counts[bucket] += 1
        amounts[bucket] += document.balance
    return AgingReport(
        tuple(AgingTotal(bucket, counts[bucket], cents(amounts[bucket])) for bucket in AgingBucket)
    )


def payables_summary(bills: Iterable[OpenDocument], *, as_of: date) -> PayablesSummary:
    """Open bills by age, and due this week: effective due date from ``as_of`` to its Sunday."""
    chosen = [bill for bill in bills if is_open(bill)]
    sunday = week_end(as_of)
    this_week = [
        bill
        for bill in chosen
        if (due := effective_due_date(bill.due_date, bill.txn_date)) is not None
        and as_of <= due <= sunday
    ]
    return PayablesSummary(
        aging=aging_report(chosen, as_of=as_of),
        due_this_week_count=len(this_week),
        due_this_week_amount=cents(sum((bill.balance for bill in this_week), ZERO)),
    )
