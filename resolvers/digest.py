"""The weekly digest of one business: cash, runway, a 13-week outlook, what is due and owed.

It aggregates the hygiene and decision orchestrators (memoised per request) and adds only what is
the digest's own: the forecast, status and alerts, the top lists and the week's frame.
"""

import asyncio
from dataclasses import dataclass
from datetime import date, datetime

from domains.banking.models import Account
from domains.core.models import Business
from resolvers.cash import CashPosition
from resolvers.console import assessments
from resolvers.hygiene import hygiene_report
from resolvers.loaders import Loaders
from resolvers.rules import actions, aging, alerts, console_summary, forecast, status
from resolvers.rules.actions import RunwayAction
from resolvers.rules.aging import AgingTotal, PayablesSummary, ReceivablesSummary, aging_summary
from resolvers.rules.alerts import Alert
from resolvers.rules.bills import BillAssessment, bill_order
from resolvers.rules.collections import InvoiceAssessment, invoice_order
from resolvers.rules.console_summary import DecisionSummary
from resolvers.rules.dates import week_end, week_start
from resolvers.rules.enums import DigestStatus
from resolvers.rules.forecast import Forecast
from resolvers.rules.freshness import MirrorFreshness, mirror_freshness
from resolvers.rules.hygiene.report import HygieneReport
from resolvers.thresholds import Thresholds

TOP_ITEMS = 5
"""How many bills due this week and overdue invoices the digest lists."""


@dataclass(frozen=True)
class Digest:
    """One business's week, Monday to Sunday, as of a day in it."""

    business: Business
    week_start: date
    week_end: date
    as_of: date
    generated_at: datetime
    bank_accounts: list[Account]
    cash: CashPosition
    status: DigestStatus
    alerts: tuple[Alert, ...]
    forecast: Forecast
    payables: PayablesSummary
    receivables: ReceivablesSummary
    aging: tuple[AgingTotal, ...]
    bills_due_this_week: list[BillAssessment]
    overdue_invoices: list[InvoiceAssessment]
    top_actions: tuple[RunwayAction, ...]
    hygiene: HygieneReport
    decisions: DecisionSummary
    freshness: MirrorFreshness
    recipients: list[str]


def digest_as_of(week_of: date | None, today: date) -> date:
    """The day a digest is computed as of: today in the current week, else its week's Monday."""
    if week_of is None or week_start(week_of) == week_start(today):
        return today
    return week_start(week_of)


async def digest(
    loaders: Loaders,
    business: Business,
    *,
    today: date,
    week_of: date | None,
    now: datetime,
    thresholds: Thresholds,
) -> Digest:
    """The digest for the week containing ``week_of`` (default: this week)."""
    assert business.id is not None
    as_of = digest_as_of(week_of, today)
    currency = business.home_currency
    (report, _), assessed, invoices, bills, decisions = await asyncio.gather(
        hygiene_report(loaders, business.id, as_of=as_of, thresholds=thresholds, currency=currency),
        assessments(loaders, business, as_of=as_of, thresholds=thresholds),
        loaders.invoices.load(business.id),
        loaders.bills.load(business.id),
        loaders.bill_decisions.load(business.id),
    )
    cash = assessed.cash
    open_bills = [bill for bill in bills if bill.balance > 0]
    open_invoices = [invoice for invoice in invoices if invoice.balance > 0]
    outlook = forecast.forecast_cash(
        cash=cash.runway.cash,
        as_of=as_of,
        invoices=open_invoices,
        bills=open_bills,
        decisions=decisions,
        lateness=cash.lateness,
        baseline_weekly_spend=cash.baseline_weekly_spend,
        thresholds=thresholds,
    )
    freshness = mirror_freshness(business.last_synced_at, now=now, thresholds=thresholds)
    sunday = week_end(as_of)
    due_this_week = [b for b in assessed.bills if as_of <= b.due_date <= sunday]
    overdue = [i for i in assessed.invoices if i.days_overdue > 0]
    ready_bills = [b for b in assessed.bills if b.ready]
    ready_invoices = [i for i in assessed.invoices if i.ready]
    return Digest(
        business=business,
        week_start=week_start(as_of),
        week_end=sunday,
        as_of=as_of,
        generated_at=now,
        bank_accounts=[a for a in cash.accounts if a.account_type == "Bank" and a.active],
        cash=cash,
        status=status.digest_status(
            cash.runway.status, outlook, as_of=as_of, thresholds=thresholds
        ),
        alerts=alerts.digest_alerts(
            runway=cash.runway,
            forecast=outlook,
            bills=assessed.bills,
            freshness=freshness,
            as_of=as_of,
            thresholds=thresholds,
            currency=currency,
        ),
        forecast=outlook,
        payables=aging.payables_summary(open_bills, as_of=as_of),
        receivables=aging.receivables_summary(open_invoices, as_of=as_of),
        aging=aging_summary(open_invoices, as_of=as_of),
        bills_due_this_week=sorted(due_this_week, key=bill_order)[:TOP_ITEMS],
        overdue_invoices=sorted(overdue, key=invoice_order)[:TOP_ITEMS],
        top_actions=actions.top_runway_actions(
            bills=ready_bills,  # only what the console would let the owner delay
            invoices=assessed.invoices,
            runway=cash.runway,
            thresholds=thresholds,
            currency=currency,
        ),
        hygiene=report,
        decisions=console_summary.decision_summary(ready_bills, ready_invoices),
        freshness=freshness,
        recipients=[business.company_email] if business.company_email else [],
    )
