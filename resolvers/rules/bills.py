"""The decision console's bills: readiness, signals, action, group, priority, runway impact.

How a bill's recommendation is built (interpretations of docs/design.md#the-rules spelled out):

- Signals. Must-pay (any one): OVERDUE (due date before today); DUE_SOON (due within 3 days,
  inclusive: due today is due soon, not overdue); CRITICAL_VENDOR (a payroll, tax, rent,
  utilities, insurance or loan vendor, by keyword, see ``vendors.critical_keyword``); LATE_FEE
  (the bill's memo, a line or its term mentions a late fee or interest, see
  ``vendors.late_fee_keyword``); LARGE_VS_CASH (open balance strictly over 15% of cash; with no
  cash, every bill is large).
  Can-delay: DUE_LATER_HEALTHY_RUNWAY (due in more than 14 days and the runway status is HEALTHY,
  which includes not burning); SMALL_VS_BURN (burning, and the balance is at most 10% of one
  week's net burn). Opportunity: TAKE_DISCOUNT (a discount is still available and runway allows,
  see ``discounts``).
- ``signals`` lists every signal whose condition holds (a bill due in 28 days with a healthy
  runway carries DUE_LATER_HEALTHY_RUNWAY whether or not a discount is also worth taking), and
  ``reasons`` has one sentence per signal in the same order, then one last sentence, the verdict,
  saying why the group and action follow: every recommendation says why, a bill without any
  signal included.
- Group, by precedence: SCHEDULED when a decision is in effect (a person decided; it supersedes
  the rules); else MUST_PAY with any must-pay signal; else SCHEDULED when taking a discount; else
  CAN_DELAY with any can-delay signal; else SCHEDULED (nothing urgent, nothing to gain by waiting:
  pay on schedule). A critical vendor is a must-pay signal, so a critical vendor's bill is never
  CAN_DELAY and never DELAY: it is SCHEDULEd for its latest safe pay date, which the verdict says.
- Recommended pay date: the latest safe pay date (due - lead time, never before today), or the
  discount's pay-by date when earlier and TAKE_DISCOUNT applies; with a decision in effect, the
  decided date (never before today).
- Action: DELAY for CAN_DELAY bills and for a DELAY_TO decision; otherwise PAY_NOW when the
  recommended pay date is today, else SCHEDULE.
- Runway impact: the days of runway paying the bill uses up (``RunwayFigures.impact_days``): its
  balance in days of net burn, never more than the whole runway.
- Priority (0-100 integer, half up, deterministic): urgency up to 50 (overdue 50; due soon 40;
  otherwise ``30 * (horizon - days) / (horizon - 3)``: just under 30 the day after "due soon", 0
  at the horizon) + size up to 30 (``30 * balance / (15% of cash)``, capped; 30 when cash <= 0)
  + criticality 20 for a critical vendor. Overdue + at least 15% of cash + critical = 100.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domains.ap.models import Bill, BillLine, Vendor
from domains.core.models import Term
from domains.decisions.models import BillDecision
from resolvers.rules.bill_reasons import bill_signals, bill_verdict
from resolvers.rules.dates import urgency
from resolvers.rules.decisions import decision_action, decisions_in_effect
from resolvers.rules.discounts import DiscountOpportunity, discount_opportunity
from resolvers.rules.enums import (
    CAN_DELAY_SIGNALS,
    MUST_PAY_SIGNALS,
    BillAction,
    BillGroup,
    DecisionAction,
    Signal,
    Urgency,
)
from resolvers.rules.labels import bill_label
from resolvers.rules.money import round_int
from resolvers.rules.runway import RunwayFigures
from resolvers.rules.vendors import bill_term, critical_keyword, late_fee_keyword
from resolvers.thresholds import Thresholds

URGENCY_WEIGHT = Decimal(50)
DUE_SOON_WEIGHT = Decimal(40)
UPCOMING_WEIGHT = Decimal(30)
SIZE_WEIGHT = Decimal(30)
CRITICAL_WEIGHT = Decimal(20)


@dataclass(frozen=True)
class BillAssessment:
    """One open bill as the console shows it."""

    bill_id: int | None
    qbo_id: str
    label: str
    doc_number: str | None
    vendor_qbo_id: str | None
    vendor_id: int | None
    """Our key of the vendor row (for its global id); ``None`` when the vendor is not mirrored."""
    vendor_name: str | None
    txn_date: date | None
    due_date: date
    amount: Decimal
    """The open balance."""
    ready: bool
    decidable: bool
    """Ready but for the horizon: a wider ``horizonDays`` filter may bring it in."""
    days_until_due: int
    """Negative when overdue; 0 when due today."""
    urgency: Urgency
    latest_safe_pay_date: date
    recommended_pay_date: date
    action: BillAction
    group: BillGroup
    signals: tuple[Signal, ...]
    reasons: tuple[str, ...]
    """One sentence per signal, in the same order."""
    priority: int
    runway_impact_days: Decimal | None
    """Days of net burn this bill pays for; ``None`` when not burning."""
    critical_vendor: bool
    discount: DiscountOpportunity | None
    """Present whenever a discount is still available, even when runway does not allow it."""
    decided_action: DecisionAction | None
    decided_for: date | None


def is_decidable(bill: Bill, *, vendor: Vendor | None, blocked: bool) -> bool:
    """Open, with an active vendor, a due date and a non-zero total, and no high-severity issue
    (``blocked``): everything readiness asks except the horizon, which a filter may widen."""
    return (
        bill.deleted_at is None
        and bill.balance > 0
        and bill.total_amt != 0
        and vendor is not None
        and vendor.active
        and vendor.deleted_at is None
        and bill.due_date is not None
        and not blocked
    )


def is_ready_for_decision(
    bill: Bill, *, vendor: Vendor | None, blocked: bool, as_of: date, thresholds: Thresholds
) -> bool:
    """Decidable, and due within the horizon (inclusive) or overdue."""
    return (
        is_decidable(bill, vendor=vendor, blocked=blocked)
        and bill.due_date is not None
        and (bill.due_date - as_of).days <= thresholds.decision_horizon_days
    )


def latest_safe_pay_date(due_date: date, *, as_of: date, thresholds: Thresholds) -> date:
    """Due date minus the payment lead time, never before today."""
    return max(due_date - timedelta(days=thresholds.payment_lead_days), as_of)


def bill_priority(
    *,
    days_until_due: int,
    amount: Decimal,
    cash: Decimal,
    critical: bool,
    thresholds: Thresholds,
) -> int:
    """0-100 from urgency (50), size relative to cash (30) and vendor criticality (20)."""
    soon = thresholds.must_pay_within_days
    horizon = thresholds.decision_horizon_days
    if days_until_due < 0:
        urgent = URGENCY_WEIGHT
    elif days_until_due <= soon:
        urgent = DUE_SOON_WEIGHT
    elif days_until_due >= horizon:
        urgent = Decimal(0)
    else:  # soon < days < horizon: from just under 30 down towards 0
        urgent = UPCOMING_WEIGHT * (horizon - days_until_due) / (horizon - soon)
    large = thresholds.large_bill_cash_share * cash
    size = SIZE_WEIGHT if large <= 0 else SIZE_WEIGHT * min(Decimal(1), amount / large)
    return round_int(urgent + size + (CRITICAL_WEIGHT if critical else Decimal(0)))


def assess_bill(
    bill: Bill,
    *,
    vendor: Vendor | None,
    term: Term | None,
    decision: BillDecision | None,
    blocked: bool,
    as_of: date,
    runway: RunwayFigures,
    thresholds: Thresholds,
    currency: str = "USD",
    line_descriptions: Sequence[str] = (),
) -> BillAssessment:
    """The console's view of one bill with a due date (``ValueError`` without one).

    Args:
        term: the governing term (``vendors.bill_term``), for discounts and late-fee wording.
        decision: the decision in effect for this bill, if any (``decisions.decisions_in_effect``).
        blocked: whether the bill has a high-severity hygiene issue.
        line_descriptions: the descriptions on the bill's lines (late-fee wording).
    """
    if bill.due_date is None:
        raise ValueError(f"bill {bill.qbo_id} has no due date to assess")
    money = bill.currency or currency
    name = vendor.display_name if vendor is not None else bill.vendor_name
    days = (bill.due_date - as_of).days
    safe = latest_safe_pay_date(bill.due_date, as_of=as_of, thresholds=thresholds)
    critical = critical_keyword(vendor, bill, thresholds)
    discount = discount_opportunity(bill, term, as_of=as_of, runway=runway, thresholds=thresholds)
    found = bill_signals(
        bill,
        days=days,
        vendor_name=name,
        critical=critical,
        late_fee=late_fee_keyword(bill, term, thresholds, line_descriptions),
        discount=discount,
        runway=runway,
        thresholds=thresholds,
        currency=money,
    )
    signals = tuple(signal for signal, _ in found)
    must = any(signal in MUST_PAY_SIGNALS for signal in signals)
    take_discount = Signal.TAKE_DISCOUNT in signals
    delay = any(signal in CAN_DELAY_SIGNALS for signal in signals)
    pay_date = min(safe, discount.pay_by) if take_discount and discount is not None else safe
    decided = decision_action(decision) if decision is not None else None
    if decision is not None and decided is not None:
        group = BillGroup.SCHEDULED
        pay_date = max(decision.decided_for, as_of)
        if decided is DecisionAction.DELAY_TO:
            action = BillAction.DELAY
        else:
            action = BillAction.PAY_NOW if pay_date <= as_of else BillAction.SCHEDULE
    else:
        if must:
            group = BillGroup.MUST_PAY
        elif take_discount:
            group = BillGroup.SCHEDULED
        elif delay:
            group = BillGroup.CAN_DELAY
        else:
            group = BillGroup.SCHEDULED
        if group is BillGroup.CAN_DELAY:
            action = BillAction.DELAY
        else:
            action = BillAction.PAY_NOW if pay_date <= as_of else BillAction.SCHEDULE
    verdict = bill_verdict(
        group=group,
        action=action,
        pay_date=pay_date,
        safe=safe,
        as_of=as_of,
        critical=critical is not None,
        take_discount=take_discount,
        decision=decision,
        thresholds=thresholds,
    )

    return BillAssessment(
        bill_id=bill.id,
        qbo_id=bill.qbo_id,
        label=bill_label(bill, name),
        doc_number=bill.doc_number,
        vendor_qbo_id=bill.vendor_qbo_id,
        vendor_id=vendor.id if vendor is not None else None,
        vendor_name=name,
        txn_date=bill.txn_date,
        due_date=bill.due_date,
        amount=bill.balance,
        ready=is_ready_for_decision(
            bill, vendor=vendor, blocked=blocked, as_of=as_of, thresholds=thresholds
        ),
        decidable=is_decidable(bill, vendor=vendor, blocked=blocked),
        days_until_due=days,
        urgency=urgency(days, thresholds.must_pay_within_days),
        latest_safe_pay_date=safe,
        recommended_pay_date=pay_date,
        action=action,
        group=group,
        signals=signals,
        reasons=(*(reason for _, reason in found), verdict),
        priority=bill_priority(
            days_until_due=days,
            amount=bill.balance,
            cash=runway.cash,
            critical=critical is not None,
            thresholds=thresholds,
        ),
        runway_impact_days=runway.impact_days(bill.balance),
        critical_vendor=critical is not None,
        discount=discount,
        decided_action=decided,
        decided_for=decision.decided_for if decision is not None else None,
    )


def assess_bills(
    bills: Iterable[Bill],
    *,
    as_of: date,
    runway: RunwayFigures,
    vendors: Iterable[Vendor],
    terms: Iterable[Term],
    decisions: Iterable[BillDecision],
    blocked_qbo_ids: Collection[str],
    thresholds: Thresholds,
    currency: str = "USD",
    ready_only: bool = True,
    lines: Iterable[BillLine] = (),
) -> list[BillAssessment]:
    """The console's bills, highest priority first (then earliest due, largest, ``qbo_id``).

    Args:
        decisions: all of the business's recorded decisions; the one in effect per bill is chosen
            here (``decisions.decisions_in_effect``).
        blocked_qbo_ids: bills with a high-severity hygiene issue
            (``HygieneReport.flagged_qbo_ids(EntityType.BILL, Severity.HIGH)``).
        ready_only: only bills ready for a decision (the console); ``False`` assesses every open
            bill with a due date (the digest's "top bills due this week").
        lines: the bills' lines (any superset), whose descriptions may mention a late fee.
    """
    descriptions: dict[int, list[str]] = defaultdict(list)
    for line in lines:
        if line.description:
            descriptions[line.bill_id].append(line.description)
    vendor_by_id = {vendor.qbo_id: vendor for vendor in vendors}
    term_by_id = {term.qbo_id: term for term in terms}
    in_effect = decisions_in_effect(decisions, as_of)
    blocked = frozenset(blocked_qbo_ids)
    assessed = []
    for bill in bills:
        if bill.deleted_at is not None or bill.balance <= 0 or bill.due_date is None:
            continue
        vendor = vendor_by_id.get(bill.vendor_qbo_id) if bill.vendor_qbo_id else None
        is_blocked = bill.qbo_id in blocked
        if ready_only and not is_ready_for_decision(
            bill, vendor=vendor, blocked=is_blocked, as_of=as_of, thresholds=thresholds
        ):
            continue
        assessed.append(
            assess_bill(
                bill,
                vendor=vendor,
                term=bill_term(bill, vendor, term_by_id),
                decision=in_effect.get(bill.id) if bill.id is not None else None,
                blocked=is_blocked,
                as_of=as_of,
                runway=runway,
                thresholds=thresholds,
                currency=currency,
                line_descriptions=descriptions.get(bill.id, ()) if bill.id is not None else (),
            )
        )
    assessed.sort(key=bill_order)
    return assessed


def bill_order(bill: BillAssessment) -> tuple[int | str, ...]:
    """The console's order: highest priority first, then soonest due, then largest, then
    ``qbo_id``; a tuple of ints and strings, so a page cursor can carry it exactly."""
    return (-bill.priority, bill.due_date.toordinal(), -int(bill.amount * 10_000), bill.qbo_id)
