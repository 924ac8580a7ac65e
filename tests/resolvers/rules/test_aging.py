from decimal import Decimal

import pytest

from resolvers.rules.aging import (
    AgingTotal,
    aging_bucket,
    aging_report,
    payables_summary,
)
from resolvers.rules.enums import AgingBucket
from tests.resolvers.rules.rows import (
    AS_OF,
    UPDATED,
    bill,
    days,
    invoice,
    money,
)


def test_payables_due_this_week_runs_from_today_to_sunday() -> None:
    rows = [
        bill(due_date=days(-1), balance=money("1.00")),  # overdue
        bill(due_date=days(0), balance=money("2.00")),  # due today: this week
        bill(due_date=days(6), balance=money("4.00")),  # Sunday: this week
        bill(due_date=days(7), balance=money("8.00")),  # next Monday
        bill(due_date=None, txn_date=days(-10), balance=money("16.00")),  # due on its date
        bill(due_date=None, txn_date=None, balance=money("32.00")),  # no date at all: current
        bill(due_date=days(1), balance=money(0)),  # paid
        bill(due_date=days(1), deleted_at=UPDATED),
    ]
    summary = payables_summary(rows, as_of=AS_OF)
    assert (summary.due_this_week_count, summary.due_this_week_amount) == (2, Decimal("6.00"))
    assert (summary.aging.open_count, summary.aging.open_amount) == (6, Decimal("63.00"))
    assert (summary.aging.overdue_count, summary.aging.overdue_amount) == (2, Decimal("17.00"))
    assert summary.aging.buckets == (
        AgingTotal(AgingBucket.CURRENT, 4, Decimal("46.00")),
        AgingTotal(AgingBucket.DAYS_1_30, 2, Decimal("17.00")),
        AgingTotal(AgingBucket.DAYS_31_60, 0, Decimal("0.00")),
        AgingTotal(AgingBucket.DAYS_61_90, 0, Decimal("0.00")),
        AgingTotal(AgingBucket.DAYS_90_PLUS, 0, Decimal("0.00")),
    )


def test_payables_this_week_from_a_wednesday() -> None:
    rows = [bill(due_date=days(1), balance=money(5)), bill(due_date=days(3), balance=money(7))]
    summary = payables_summary(rows, as_of=days(2))
    assert (summary.aging.overdue_count, summary.due_this_week_count) == (1, 1)


def test_receivables_totals_are_the_sums_of_their_buckets() -> None:
    rows = [
        invoice(due_date=days(-1), balance=money("0.10")),
        invoice(due_date=days(0), balance=money("0.20")),  # due today: not overdue yet
        invoice(due_date=None, txn_date=days(-3), balance=money("0.30")),  # overdue from its date
        invoice(due_date=days(-5), balance=money(0)),
    ]
    report = aging_report(rows, as_of=AS_OF)
    assert (report.open_count, report.open_amount) == (3, Decimal("0.60"))
    assert (report.overdue_count, report.overdue_amount) == (2, Decimal("0.40"))
    past_due = [t for t in report.buckets if t.bucket is not AgingBucket.CURRENT]
    assert report.overdue_count == sum(t.count for t in past_due)
    assert report.overdue_amount == sum(t.amount for t in past_due)


@pytest.mark.parametrize(
    ("days_overdue", "bucket"),
    [
        (-5, AgingBucket.CURRENT),
        (0, AgingBucket.CURRENT),
        (1, AgingBucket.DAYS_1_30),
        (30, AgingBucket.DAYS_1_30),
        (31, AgingBucket.DAYS_31_60),
        (60, AgingBucket.DAYS_31_60),
        (61, AgingBucket.DAYS_61_90),
        (90, AgingBucket.DAYS_61_90),
        (91, AgingBucket.DAYS_90_PLUS),
    ],
)
def test_aging_buckets(days_overdue: int, bucket: AgingBucket) -> None:
    assert aging_bucket(days_overdue) is bucket


def test_aging_summary_covers_every_bucket_in_order() -> None:
    rows = [
        invoice(due_date=days(3), balance=money("100.10")),
        invoice(due_date=None, txn_date=days(-40), balance=money("0.20")),  # ages from its date
        invoice(due_date=days(-1), balance=money("0.30")),
        invoice(due_date=days(-91), balance=money("5.00")),
        invoice(due_date=days(-91), balance=money(0)),  # paid
        invoice(due_date=days(-91), deleted_at=UPDATED),
    ]
    assert aging_report(rows, as_of=AS_OF).buckets == (
        AgingTotal(AgingBucket.CURRENT, 1, Decimal("100.10")),
        AgingTotal(AgingBucket.DAYS_1_30, 1, Decimal("0.30")),
        AgingTotal(AgingBucket.DAYS_31_60, 1, Decimal("0.20")),
        AgingTotal(AgingBucket.DAYS_61_90, 0, Decimal("0.00")),
        AgingTotal(AgingBucket.DAYS_90_PLUS, 1, Decimal("5.00")),
    )
