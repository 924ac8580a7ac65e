"""The decision console: bills to pay, schedule or delay, and invoices to chase, ranked."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domains.core.models import Business
from resolvers.assessment import assess_business
from resolvers.cash import CashPosition
from resolvers.loaders import Loaders
from resolvers.pagination import Page, paginate
from resolvers.rules import bills as bill_rules
from resolvers.rules import collections as collection_rules
from resolvers.rules import console_summary
from resolvers.rules.bills import BillAssessment
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.console_summary import DecisionSummary
from resolvers.rules.enums import BillAction, BillGroup, Urgency
from resolvers.rules.pay_plan import PayPlan, PayPlanStep
from resolvers.thresholds import Thresholds


@dataclass(frozen=True)
class DecisionFilter:
    """Narrowing of the console; every set criterion must hold."""

    horizon_days: int | None = None
    min_amount: Decimal | None = None
    vendor_qbo_ids: frozenset[str] | None = None
    actions: frozenset[BillAction] | None = None
    urgencies: frozenset[Urgency] | None = None
    groups: frozenset[BillGroup] | None = None


@dataclass(frozen=True)
class DecisionConsole:
    """The console of one business: every ready bill and invoice, ranked, and their totals."""

    business: Business
    as_of: date
    cash: CashPosition
    bills: list[BillAssessment]
    """The bills in view (filtered), in the console's order."""
    invoices: list[InvoiceAssessment]
    summary: DecisionSummary
    """Totals of the bills and invoices in view."""
    pay_plan: PayPlan
    """The business's whole pay plan (ready MUST_PAY bills against the cash), whatever the
    filter: what to pay first doesn't change with what the screen shows."""


def _bill_matches(bill: BillAssessment, wanted: DecisionFilter) -> bool:
    if wanted.min_amount is not None and bill.amount < wanted.min_amount:
        return False
    if wanted.vendor_qbo_ids is not None and bill.vendor_qbo_id not in wanted.vendor_qbo_ids:
        return False
    if wanted.actions is not None and bill.action not in wanted.actions:
        return False
    if wanted.urgencies is not None and bill.urgency not in wanted.urgencies:
        return False
    return wanted.groups is None or bill.group in wanted.groups


def _invoice_matches(invoice: InvoiceAssessment, wanted: DecisionFilter) -> bool:
    if wanted.min_amount is not None and invoice.amount < wanted.min_amount:
        return False
    if wanted.vendor_qbo_ids is not None:  # a vendor filter is about bills only
        return False
    return wanted.urgencies is None or invoice.urgency in wanted.urgencies


async def decision_console(
    loaders: Loaders,
    business: Business,
    *,
    as_of: date,
    thresholds: Thresholds,
    wanted: DecisionFilter,
) -> DecisionConsole:
    """The bills ready for a decision and invoices ready for collection, filtered and ranked."""
    assessed = await assess_business(loaders, business, as_of=as_of, thresholds=thresholds)
    if wanted.horizon_days is None:
        in_view = [b for b in assessed.bills if b.ready]
    else:  # a different horizon narrows or widens the list; it doesn't re-score the bills
        in_view = [
            b for b in assessed.bills if b.decidable and b.days_until_due <= wanted.horizon_days
        ]
    bills = sorted((b for b in in_view if _bill_matches(b, wanted)), key=bill_rules.bill_order)
    invoices = sorted(
        (i for i in assessed.invoices if i.ready and _invoice_matches(i, wanted)),
        key=collection_rules.invoice_order,
    )
    return DecisionConsole(
        business=business,
        as_of=as_of,
        cash=assessed.cash,
        bills=bills,
        invoices=invoices,
        summary=console_summary.decision_summary(bills, invoices),
        pay_plan=assessed.pay_plan,
    )


def bills_page(
    console: DecisionConsole, *, group: BillGroup | None, first: int | None, after: str | None
) -> Page[BillAssessment]:
    """A page of the console's bills, all of them or one group's, in the console's order."""
    chosen = [bill for bill in console.bills if group is None or bill.group is group]
    return paginate(chosen, kind="bills", key=bill_rules.bill_order, first=first, after=after)


def pay_plan_page(plan: PayPlan, *, first: int | None, after: str | None) -> Page[PayPlanStep]:
    """A page of the pay plan's steps, in the console's order."""
    return paginate(
        plan.steps,
        kind="pay_plan",
        key=lambda step: bill_rules.bill_order(step.bill),
        first=first,
        after=after,
    )


def collections_page(
    console: DecisionConsole, *, first: int | None, after: str | None
) -> Page[InvoiceAssessment]:
    """A page of the invoices ready for collection, in priority order."""
    return paginate(
        console.invoices,
        kind="collections",
        key=collection_rules.invoice_order,
        first=first,
        after=after,
    )
