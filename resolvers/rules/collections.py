"""The decision console's invoices: readiness for collection, aging, action and priority.

Interpretations of docs/design.md#the-rules:

- Ready for collection: open, with a contact email (the invoice's ``bill_email``, else its
  customer's), a due date, and overdue or due within 7 days (inclusive: due in exactly 7 days is
  ready, 8 is not).
- Days overdue: ``as_of - due date``, 0 when not yet due or due today. Action: CALL when more than
  60 days overdue, ESCALATE when more than 30, else REMIND (30 days is REMIND, 31 ESCALATE, 61
  CALL).
- Aging buckets by days overdue: CURRENT 0, 1-30, 31-60, 61-90, 90+ meaning 91 and more (the same
  boundary as STALE_OPEN). A document without a due date ages from its transaction date, as QBO
  defaults a missing due date to it.
- Priority (0-100 integer, half up): amount up to 50 (50 * balance / (15% of cash), capped; 50
  when cash <= 0) + days overdue up to 50 (50 * days overdue / 90, capped). It never decreases as
  either grows.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domains.ar.models import Customer, Invoice
from resolvers.rules.aging import aging_bucket
from resolvers.rules.contacts import contact_email
from resolvers.rules.dates import urgency
from resolvers.rules.enums import AgingBucket, CollectionAction, Urgency
from resolvers.rules.forecast import expected_collection_date
from resolvers.rules.hygiene.items import HygieneIssue, RelatedRecord
from resolvers.rules.labels import invoice_label, plural
from resolvers.rules.money import round_int
from resolvers.rules.runway import RunwayFigures
from resolvers.thresholds import Thresholds

AMOUNT_WEIGHT = Decimal(50)
OVERDUE_WEIGHT = Decimal(50)


@dataclass(frozen=True)
class InvoiceAssessment:
    """One open invoice as the console and the digest show it."""

    invoice_id: int | None
    qbo_id: str
    label: str
    doc_number: str | None
    customer_qbo_id: str | None
    customer_name: str | None
    txn_date: date | None
    due_date: date
    amount: Decimal
    """The open balance."""
    contact_email: str | None
    ready: bool
    days_until_due: int
    days_overdue: int
    urgency: Urgency
    """DUE_SOON means due within the collection window (7 days)."""
    aging_bucket: AgingBucket
    action: CollectionAction
    priority: int
    expected_collection_date: date
    """Due date shifted by the customer's average lateness, never before today (as forecast)."""
    runway_impact_days: Decimal | None
    """Days of net burn collecting it pays for; ``None`` when not burning."""
    duplicate_of: RelatedRecord | None
    """The invoice it may duplicate (POSSIBLE_DUPLICATE in the hygiene tray), if any."""
    reasons: tuple[str, ...]
    """Why the action: where the invoice stands, then a warning when it may be a duplicate."""


def collection_action(days_overdue: int, thresholds: Thresholds) -> CollectionAction:
    """CALL after 60 days overdue, ESCALATE after 30, else REMIND."""
    if days_overdue > thresholds.call_after_days:
        return CollectionAction.CALL
    if days_overdue > thresholds.escalate_after_days:
        return CollectionAction.ESCALATE
    return CollectionAction.REMIND


def invoice_priority(
    *, days_overdue: int, amount: Decimal, cash: Decimal, thresholds: Thresholds
) -> int:
    """0-100 from the amount relative to cash (50) and days overdue (50, full at 90 days)."""
    large = thresholds.large_bill_cash_share * cash
    size = AMOUNT_WEIGHT if large <= 0 else AMOUNT_WEIGHT * min(Decimal(1), amount / large)
    full_after = thresholds.stale_days
    if days_overdue <= 0:
        late = Decimal(0)
    elif full_after <= 0:
        late = OVERDUE_WEIGHT
    else:
        late = OVERDUE_WEIGHT * min(Decimal(1), Decimal(days_overdue) / full_after)
    return round_int(size + late)


def is_ready_for_collection(
    invoice: Invoice, *, customer: Customer | None, as_of: date, thresholds: Thresholds
) -> bool:
    """Open, with a contact email and a due date, and overdue or due within the window."""
    return (
        invoice.deleted_at is None
        and invoice.balance > 0
        and invoice.due_date is not None
        and contact_email(invoice, customer) is not None
        and (invoice.due_date - as_of).days <= thresholds.collection_window_days
    )


def assess_invoice(
    invoice: Invoice,
    *,
    customer: Customer | None,
    lateness_days: int,
    as_of: date,
    runway: RunwayFigures,
    thresholds: Thresholds,
    duplicate: HygieneIssue | None = None,
) -> InvoiceAssessment:
    """The view of one invoice with a due date (``ValueError`` without one).

    Args:
        duplicate: its POSSIBLE_DUPLICATE issue from the hygiene tray, if any: the invoice stays
            in the list (it may well be owed), but its reasons say to check before chasing.
    """
    if invoice.due_date is None:
        raise ValueError(f"invoice {invoice.qbo_id} has no due date to assess")
    days = (invoice.due_date - as_of).days
    overdue = max(0, -days)
    name = customer.display_name if customer is not None else invoice.customer_name
    action = collection_action(overdue, thresholds)
    related = duplicate.related if duplicate is not None else None
    return InvoiceAssessment(
        invoice_id=invoice.id,
        qbo_id=invoice.qbo_id,
        label=invoice_label(invoice, name),
        doc_number=invoice.doc_number,
        customer_qbo_id=invoice.customer_qbo_id,
        customer_name=name,
        txn_date=invoice.txn_date,
        due_date=invoice.due_date,
        amount=invoice.balance,
        contact_email=contact_email(invoice, customer),
        ready=is_ready_for_collection(
            invoice, customer=customer, as_of=as_of, thresholds=thresholds
        ),
        days_until_due=days,
        days_overdue=overdue,
        urgency=urgency(days, thresholds.collection_window_days),
        aging_bucket=aging_bucket(overdue),
        action=action,
        priority=invoice_priority(
            days_overdue=overdue, amount=invoice.balance, cash=runway.cash, thresholds=thresholds
        ),
        expected_collection_date=expected_collection_date(
            invoice, lateness_days=lateness_days, as_of=as_of
        ),
        runway_impact_days=runway.days_of_burn(invoice.balance),
        duplicate_of=related,
        reasons=_reasons(days, action, related, thresholds),
    )


def _reasons(
    days_until_due: int,
    action: CollectionAction,
    duplicate_of: RelatedRecord | None,
    thresholds: Thresholds,
) -> tuple[str, ...]:
    if days_until_due < 0:
        overdue = f"Overdue by {plural(-days_until_due, 'day')}"
        if action is CollectionAction.CALL:
            stand = f"{overdue}, more than {thresholds.call_after_days}: call them"
        elif action is CollectionAction.ESCALATE:
            stand = f"{overdue}, more than {thresholds.escalate_after_days}: escalate"
        else:
            stand = f"{overdue}: send a reminder"
    elif days_until_due == 0:
        stand = "Due today: send a reminder"
    else:
        stand = f"Due in {plural(days_until_due, 'day')}: send a reminder before it is due"
    if duplicate_of is None:
        return (stand,)
    warning = (
        f"May be a duplicate of {duplicate_of.label} (QBO id {duplicate_of.qbo_id}): "
        "check before chasing"
    )
    return (stand, warning)


def assess_invoices(
    invoices: Iterable[Invoice],
    *,
    customers: Iterable[Customer],
    lateness: Mapping[str, int],
    as_of: date,
    runway: RunwayFigures,
    thresholds: Thresholds,
    ready_only: bool = True,
    duplicates: Mapping[str, HygieneIssue] | None = None,
) -> list[InvoiceAssessment]:
    """Invoices to collect, highest priority first (then most overdue, largest, ``qbo_id``).

    Args:
        lateness: average days late by customer ``qbo_id`` (``cashflow.customer_lateness_days``).
        ready_only: only invoices ready for collection (the console); ``False`` assesses every
            open invoice with a due date (the digest's "top overdue invoices", which include
            those without an email).
        duplicates: POSSIBLE_DUPLICATE issues by invoice ``qbo_id``
            (``HygieneReport.issues_by_qbo_id``).
    """
    customer_by_id = {customer.qbo_id: customer for customer in customers}
    assessed = []
    for invoice in invoices:
        if invoice.deleted_at is not None or invoice.balance <= 0 or invoice.due_date is None:
            continue
        customer = customer_by_id.get(invoice.customer_qbo_id or "")
        if ready_only and not is_ready_for_collection(
            invoice, customer=customer, as_of=as_of, thresholds=thresholds
        ):
            continue
        assessed.append(
            assess_invoice(
                invoice,
                customer=customer,
                lateness_days=lateness.get(invoice.customer_qbo_id or "", 0),
                as_of=as_of,
                runway=runway,
                thresholds=thresholds,
                duplicate=(duplicates or {}).get(invoice.qbo_id),
            )
        )
    assessed.sort(key=invoice_order)
    return assessed


def invoice_order(invoice: InvoiceAssessment) -> tuple[int | str, ...]:
    """The collection order: highest priority first, then most overdue, then largest, then
    ``qbo_id``; a tuple of ints and strings, so a page cursor can carry it exactly."""
    return (
        -invoice.priority,
        -invoice.days_overdue,
        -int(invoice.amount * 10_000),
        invoice.qbo_id,
    )
