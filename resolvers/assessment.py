"""One business assessed on one day: everything the three views show, from one computation.

The hygiene tray, the decision console, the digest and the advisor overview all read this, so
their figures can't disagree: one runway (``rules.runway``), one set of bill and invoice
assessments, one pay plan, one aging. The rules stay pure functions over the loaded rows; this
module loads the rows through the request's (or batch's) loaders and calls them in order.
"""

import asyncio
from dataclasses import dataclass
from datetime import date

from domains.core.models import Business
from resolvers.cash import CashPosition, cash_position
from resolvers.loaders import Loaders
from resolvers.rules import actions, alerts, console_summary
from resolvers.rules import bills as bill_rules
from resolvers.rules import collections as collection_rules
from resolvers.rules.actions import RunwayAction
from resolvers.rules.aging import AgingReport, PayablesSummary, aging_report, payables_summary
from resolvers.rules.alerts import Alert
from resolvers.rules.bills import BillAssessment
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.console_summary import DecisionSummary
from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode, Severity
from resolvers.rules.hygiene.report import HygieneReport, assess_hygiene
from resolvers.rules.pay_plan import PayPlan, pay_plan
from resolvers.thresholds import Thresholds


@dataclass(frozen=True)
class BusinessAssessment:
    """What the views show of one business as of one day (the mirror's freshness aside)."""

    business_id: int
    as_of: date
    currency: str
    hygiene: HygieneReport
    """Every flagged record, in the tray's order, and the score."""
    cash: CashPosition
    """Balances, burn, the forecast and the one runway (status included)."""
    bills: tuple[BillAssessment, ...]
    """Every open bill with a due date, ready for a decision or not, in the console's order."""
    invoices: tuple[InvoiceAssessment, ...]
    """Every open invoice with a due date, ready for collection or not, in priority order."""
    pay_plan: PayPlan
    """The ready MUST_PAY bills against the cash, in the console's order."""
    decisions: DecisionSummary
    """The console at a glance: ready bills per group, ready invoices to collect."""
    payables: PayablesSummary
    receivables: AgingReport
    alerts: tuple[Alert, ...]
    """What the books say; the mirror's freshness alerts are added when a digest is read."""
    top_actions: tuple[RunwayAction, ...]

    @property
    def ready_bills(self) -> list[BillAssessment]:
        return [bill for bill in self.bills if bill.ready]

    @property
    def ready_invoices(self) -> list[InvoiceAssessment]:
        return [invoice for invoice in self.invoices if invoice.ready]


async def assess_business(
    loaders: Loaders, business: Business, *, as_of: date, thresholds: Thresholds
) -> BusinessAssessment:
    """The assessment of ``business`` on ``as_of`` (memoised per loader set)."""
    assert business.id is not None
    return await loaders.memo(
        ("assessment", business.id, as_of, thresholds),
        lambda: _assess(loaders, business, as_of=as_of, thresholds=thresholds),
    )


async def _assess(
    loaders: Loaders, business: Business, *, as_of: date, thresholds: Thresholds
) -> BusinessAssessment:
    assert business.id is not None
    business_id, currency = business.id, business.home_currency
    # Every load is asked for before any is awaited, so each lands in its loader's batch with
    # the other businesses' (one statement per table for a whole request or digest batch).
    rows = asyncio.gather(
        loaders.bills.load(business_id),
        loaders.bill_lines.load(business_id),
        loaders.invoices.load(business_id),
        loaders.vendors.load(business_id),
        loaders.customers.load(business_id),
        loaders.terms.load(business_id),
    )
    decided = loaders.bill_decisions.load(business_id)
    cash = await cash_position(
        loaders, business_id, as_of=as_of, thresholds=thresholds, currency=currency
    )
    bills, lines, invoices, vendors, customers, terms = await rows
    decisions = await decided
    hygiene = assess_hygiene(
        bills=bills,
        bill_lines=lines,
        invoices=invoices,
        vendors=vendors,
        customers=customers,
        as_of=as_of,
        thresholds=thresholds,
        currency=currency,
    )
    assessed_bills = bill_rules.assess_bills(
        bills,
        as_of=as_of,
        runway=cash.runway,
        vendors=vendors,
        terms=terms,
        decisions=decisions,
        blocked_qbo_ids=hygiene.flagged_qbo_ids(EntityType.BILL, Severity.HIGH),
        thresholds=thresholds,
        currency=currency,
        ready_only=False,
        lines=lines,
    )
    assessed_invoices = collection_rules.assess_invoices(
        invoices,
        customers=customers,
        lateness=cash.lateness,
        as_of=as_of,
        runway=cash.runway,
        thresholds=thresholds,
        ready_only=False,
        duplicates=hygiene.issues_by_qbo_id(EntityType.INVOICE, IssueCode.POSSIBLE_DUPLICATE),
    )
    ready_bills = [bill for bill in assessed_bills if bill.ready]
    ready_invoices = [invoice for invoice in assessed_invoices if invoice.ready]
    return BusinessAssessment(
        business_id=business_id,
        as_of=as_of,
        currency=currency,
        hygiene=hygiene,
        cash=cash,
        bills=tuple(assessed_bills),
        invoices=tuple(assessed_invoices),
        pay_plan=pay_plan(ready_bills, cash=cash.runway.cash),
        decisions=console_summary.decision_summary(ready_bills, ready_invoices),
        payables=payables_summary(bills, as_of=as_of),
        receivables=aging_report(invoices, as_of=as_of),
        alerts=alerts.book_alerts(
            runway=cash.runway,
            forecast=cash.forecast,
            bills=assessed_bills,
            as_of=as_of,
            thresholds=thresholds,
            currency=currency,
        ),
        top_actions=actions.top_runway_actions(
            bills=ready_bills,  # only what the console would let the owner delay
            invoices=assessed_invoices,
            runway=cash.runway,
            thresholds=thresholds,
            currency=currency,
        ),
    )
