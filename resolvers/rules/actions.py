"""The moves that would add the most runway, each with its "+N days".

Interpretation (the product brief: "the three actions that would add most runway"): an action adds
the days of net burn its money covers, ``amount / average daily net burn`` rounded half up to whole
days, the same measure as a bill's runway impact:

- DELAY_BILL: a bill the console recommends to DELAY, with no decision recorded yet; adds its
  runway impact (``RunwayFigures.impact_days``: its balance's days, at most the whole runway).
- COLLECT_INVOICE: an overdue invoice; adds its balance's days.
- TAKE_DISCOUNT: a bill with a TAKE_DISCOUNT signal; adds the savings' days.

When the business is not burning, runway is unbounded and no action is listed. Actions adding
less than one day are left out. Ties go to the larger amount, then the record's ``qbo_id``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from resolvers.rules.bills import BillAssessment
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.enums import BillAction, EntityType, RunwayActionKind, Signal
from resolvers.rules.labels import plural
from resolvers.rules.money import ZERO, format_money, round_int
from resolvers.rules.runway import RunwayFigures
from resolvers.thresholds import Thresholds


@dataclass(frozen=True)
class RunwayAction:
    """One move, what it would add, and the record it is about."""

    kind: RunwayActionKind
    description: str
    days_added: int
    amount: Decimal
    """The money moved: the bill's or invoice's balance, or the discount's savings."""
    entity_type: EntityType
    entity_id: int | None
    qbo_id: str
    label: str


def top_runway_actions(
    *,
    bills: Iterable[BillAssessment],
    invoices: Iterable[InvoiceAssessment],
    runway: RunwayFigures,
    thresholds: Thresholds,
    currency: str = "USD",
) -> tuple[RunwayAction, ...]:
    """The ``top_runway_actions`` (3) actions adding the most days, most first.

    Args:
        bills: assessed bills (``bills.assess_bills``).
        invoices: assessed open invoices (``collections.assess_invoices``, ``ready_only=False``
            to include overdue invoices without an email).
    """
    if not runway.burning:
        return ()

    def days(amount: Decimal) -> int:
        return round_int(amount * 7 / runway.weekly_net_burn)

    candidates: list[RunwayAction] = []
    for bill in bills:
        if bill.decided_action is not None:
            continue
        if bill.action is BillAction.DELAY:
            added = round_int(bill.runway_impact_days or ZERO)
            description = (
                f"Delay {bill.label} ({format_money(bill.amount, currency)}, "
                f"due {bill.due_date}): +{plural(added, 'day')}"
            )
            candidates.append(_action(RunwayActionKind.DELAY_BILL, description, added, bill))
        elif Signal.TAKE_DISCOUNT in bill.signals and bill.discount is not None:
            saved = bill.discount.savings
            added = days(saved)
            description = (
                f"Take the {bill.discount.percent.normalize():f}% discount on {bill.label} by "
                f"{bill.discount.pay_by}: saves {format_money(saved, currency)}, "
                f"+{plural(added, 'day')}"
            )
            candidates.append(
                _action(RunwayActionKind.TAKE_DISCOUNT, description, added, bill, amount=saved)
            )
    for invoice in invoices:
        if invoice.days_overdue <= 0:
            continue
        added = days(invoice.amount)
        description = (
            f"Collect {invoice.label} ({format_money(invoice.amount, currency)}, "
            f"{plural(invoice.days_overdue, 'day')} overdue): +{plural(added, 'day')}"
        )
        candidates.append(
            RunwayAction(
                RunwayActionKind.COLLECT_INVOICE,
                description,
                added,
                invoice.amount,
                EntityType.INVOICE,
                invoice.invoice_id,
                invoice.qbo_id,
                invoice.label,
            )
        )
    chosen = [action for action in candidates if action.days_added >= 1]
    chosen.sort(key=lambda a: (-a.days_added, -a.amount, a.kind.value, a.qbo_id))
    return tuple(chosen[: thresholds.top_runway_actions])


def _action(
    kind: RunwayActionKind,
    description: str,
    days_added: int,
    bill: BillAssessment,
    amount: Decimal | None = None,
) -> RunwayAction:
    return RunwayAction(
        kind,
        description,
        days_added,
        bill.amount if amount is None else amount,
        EntityType.BILL,
        bill.bill_id,
        bill.qbo_id,
        bill.label,
    )
