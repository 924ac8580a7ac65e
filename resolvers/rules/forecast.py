"""The 13-week cash forecast: weekly buckets, Monday to Sunday, from the week containing as_of.

For each week: opening + expected collections - bills - baseline spend = closing, and the next
week opens at that closing. Interpretations where the design is silent:

- Week 1 starts on the Monday of ``as_of``'s week, but the days before ``as_of`` are already in
  the cash balance: week 1's baseline spend covers only ``as_of`` through Sunday (prorated by days,
  to the cent), and nothing is placed before ``as_of``.
- Collections: every open invoice on ``due date + the customer's average lateness`` (0 days
  without history), or ``as_of`` if that has passed (an overdue invoice is expected in week 1, not
  in the past). No due date: its transaction date, else ``as_of``. Invoices more than
  ``stale_days`` past due are left out: STALE_OPEN says they are paid outside QBO or bad debt, and
  a forecast must not bank on them.
- Bills: every open bill on the date of the decision in effect (PAY_ON or DELAY_TO, see
  ``decisions.decisions_in_effect``), else its due date (no due date: its transaction date, else
  ``as_of``), never before ``as_of``: overdue bills land in week 1. Stale bills stay in: being
  prudent means assuming they are owed.
- Anything expected after the last week is outside the forecast.
- The cash-zero date is the start of the first week whose closing is below zero (``as_of`` when
  that is week 1, whose Monday may be in the past): weekly buckets don't know the exact day.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domains.ap.models import Bill
from domains.ar.models import Invoice
from domains.decisions.models import BillDecision
from resolvers.rules.dates import week_end, week_start
from resolvers.rules.decisions import decisions_in_effect
from resolvers.rules.money import ZERO, cents
from resolvers.thresholds import Thresholds


@dataclass(frozen=True)
class ForecastWeek:
    """One week of the forecast; ``closing = opening + collections - bills - baseline_spend``."""

    week_start: date
    week_end: date
    opening: Decimal
    collections: Decimal
    bills: Decimal
    baseline_spend: Decimal
    closing: Decimal


@dataclass(frozen=True)
class Forecast:
    """The weeks ahead and the first day cash is expected to be below zero, if any."""

    weeks: tuple[ForecastWeek, ...]
    cash_zero_date: date | None

    @property
    def cash_zero_week(self) -> ForecastWeek | None:
        """The first week that closes below zero."""
        return next((week for week in self.weeks if week.closing < 0), None)


def expected_collection_date(invoice: Invoice, *, lateness_days: int, as_of: date) -> date:
    """When an open invoice's money is expected: due date plus lateness, never before today."""
    anchor = invoice.due_date or invoice.txn_date or as_of
    return max(anchor + timedelta(days=lateness_days), as_of)


def expected_payment_date(bill: Bill, *, decision: BillDecision | None, as_of: date) -> date:
    """When an open bill's money goes out: decision date, else due date, never before today."""
    if decision is not None:
        return max(decision.decided_for, as_of)
    return max(bill.due_date or bill.txn_date or as_of, as_of)


def is_stale(due_date: date | None, as_of: date, thresholds: Thresholds) -> bool:
    """More than ``stale_days`` past due (91 days is stale with the default, 90 is not)."""
    return due_date is not None and (as_of - due_date).days > thresholds.stale_days


def forecast_cash(
    *,
    cash: Decimal,
    as_of: date,
    invoices: Iterable[Invoice],
    bills: Iterable[Bill],
    decisions: Iterable[BillDecision],
    lateness: Mapping[str, int],
    baseline_weekly_spend: Decimal,
    thresholds: Thresholds,
) -> Forecast:
    """The forecast of one business (see the module docstring for every placement rule).

    Args:
        decisions: the business's recorded decisions, all of them (the one in effect is chosen
            here, so the forecast and the console agree).
        lateness: average days late by customer ``qbo_id`` (``cashflow.customer_lateness_days``).
        baseline_weekly_spend: ``cashflow.baseline_weekly_spend``.
    """
    first_monday = week_start(as_of)
    count = thresholds.forecast_weeks
    collections = [ZERO] * count
    outflows = [ZERO] * count

    def bucket(day: date) -> int | None:
        index = (day - first_monday).days // 7
        return index if index < count else None

    for invoice in invoices:
        if invoice.deleted_at is not None or invoice.balance <= 0:
            continue
        if is_stale(invoice.due_date, as_of, thresholds):
            continue
        days = lateness.get(invoice.customer_qbo_id or "", 0)
        index = bucket(expected_collection_date(invoice, lateness_days=days, as_of=as_of))
        if index is not None:
            collections[index] += invoice.balance
    in_effect = decisions_in_effect(decisions, as_of)
    for bill in bills:
        if bill.deleted_at is not None or bill.balance <= 0:
            continue
        decision = in_effect.get(bill.id) if bill.id is not None else None
        index = bucket(expected_payment_date(bill, decision=decision, as_of=as_of))
        if index is not None:
            outflows[index] += bill.balance

    weeks: list[ForecastWeek] = []
    opening = cash
    for index in range(count):
        start = first_monday + timedelta(weeks=index)
        if index == 0:
            days_left = (week_end(as_of) - as_of).days + 1
            baseline = cents(baseline_weekly_spend * days_left / 7)
        else:
            baseline = baseline_weekly_spend
        closing = opening + collections[index] - outflows[index] - baseline
        weeks.append(
            ForecastWeek(
                start,
                start + timedelta(days=6),
                opening,
                collections[index],
                outflows[index],
                baseline,
                closing,
            )
        )
        opening = closing
    zero_week = next((week for week in weeks if week.closing < 0), None)
    zero_date = None if zero_week is None else max(zero_week.week_start, as_of)
    return Forecast(tuple(weeks), zero_date)
