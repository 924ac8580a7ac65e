"""The decision console: bills to pay, schedule or delay, and invoices to chase, ranked."""

import asyncio
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domains.ap.models import Bill, Vendor
from domains.ar.models import Customer, Invoice
from domains.core.models import Business, Term
from domains.decisions.models import BillDecision
from resolvers.cash import CashPosition, cash_position
from resolvers.hygiene import hygiene_report
from resolvers.loaders import Loaders
from resolvers.pagination import Page, paginate
from resolvers.rules import bills as bill_rules
from resolvers.rules import collections as collection_rules
from resolvers.rules import console_summary
from resolvers.rules.bills import BillAssessment
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.console_summary import DecisionSummary
from resolvers.rules.enums import BillAction, BillGroup, EntityType, Urgency
from resolvers.rules.hygiene.codes import Severity
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
    invoices: list[InvoiceAssessment]
    summary: DecisionSummary


@dataclass(frozen=True)
class Assessments:
    """All open bills and invoices assessed, ready or not (the digest needs the others too)."""

    cash: CashPosition
    bills: list[BillAssessment]
    invoices: list[InvoiceAssessment]


async def assessments(
    loaders: Loaders, business: Business, *, as_of: date, thresholds: Thresholds
) -> Assessments:
    """Every open bill and invoice of ``business`` assessed (memoised per request)."""
    assert business.id is not None
    return await loaders.memo(
        ("assessments", business.id, as_of, thresholds),
        lambda: _assessments(loaders, business, as_of=as_of, thresholds=thresholds),
    )


async def _assessments(
    loaders: Loaders, business: Business, *, as_of: date, thresholds: Thresholds
) -> Assessments:
    assert business.id is not None
    currency = business.home_currency
    (report, _), cash, rows, lines = await asyncio.gather(
        hygiene_report(loaders, business.id, as_of=as_of, thresholds=thresholds, currency=currency),
        cash_position(loaders, business.id, as_of=as_of, thresholds=thresholds),
        _rows(loaders, business.id),
        loaders.bill_lines.load(business.id),  # hygiene's batch: no statement of its own
    )
    bills, invoices, vendors, customers, terms, decisions = rows
    open_bills = [bill for bill in bills if bill.balance > 0 and bill.due_date is not None]
    bill_rows = bill_rules.assess_bills(
        open_bills,
        as_of=as_of,
        runway=cash.runway,
        vendors=vendors,
        terms=terms,
        decisions=decisions,
        blocked_qbo_ids=report.flagged_qbo_ids(EntityType.BILL, Severity.HIGH),
        thresholds=thresholds,
        currency=currency,
        ready_only=False,
        lines=lines,
    )
    invoice_rows = collection_rules.assess_invoices(
        [invoice for invoice in invoices if invoice.balance > 0],
        customers=customers,
        lateness=cash.lateness,
        as_of=as_of,
        runway=cash.runway,
        thresholds=thresholds,
        ready_only=False,
    )
    return Assessments(
        cash=cash,
        bills=bill_rows,
        invoices=invoice_rows,
    )


async def _rows(
    loaders: Loaders, business_id: int
) -> tuple[list[Bill], list[Invoice], list[Vendor], list[Customer], list[Term], list[BillDecision]]:
    return await asyncio.gather(
        loaders.bills.load(business_id),
        loaders.invoices.load(business_id),
        loaders.vendors.load(business_id),
        loaders.customers.load(business_id),
        loaders.terms.load(business_id),
        loaders.bill_decisions.load(business_id),
    )


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
    assessed = await assessments(loaders, business, as_of=as_of, thresholds=thresholds)
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
    )


def bills_page(
    console: DecisionConsole, *, group: BillGroup | None, first: int | None, after: str | None
) -> Page[BillAssessment]:
    """A page of the console's bills, all of them or one group's, in the console's order."""
    chosen = [bill for bill in console.bills if group is None or bill.group is group]
    return paginate(chosen, kind="bills", key=bill_rules.bill_order, first=first, after=after)


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
