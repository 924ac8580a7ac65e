"""Why a bill is where it is: one sentence per signal that holds, then the verdict.

The console shows these as a bill's ``reasons``, in this order, so every recommendation says why
(``rules.bills`` decides the signals' effect: group, action, pay date and priority).
"""

from datetime import date

from domains.ap.models import Bill
from domains.decisions.models import BillDecision
from resolvers.rules.discounts import DiscountOpportunity
from resolvers.rules.enums import (
    BillAction,
    BillGroup,
    DigestStatus,
    Signal,
)
from resolvers.rules.labels import plural
from resolvers.rules.money import format_money, format_percent
from resolvers.rules.runway import RunwayFigures
from resolvers.thresholds import Thresholds


def bill_signals(
    bill: Bill,
    *,
    days: int,
    vendor_name: str | None,
    critical: str | None,
    late_fee: str | None,
    discount: DiscountOpportunity | None,
    runway: RunwayFigures,
    thresholds: Thresholds,
    currency: str,
) -> list[tuple[Signal, str]]:
    """Every signal whose condition holds, each with its sentence, in the console's order of
    signals (must-pay, then can-delay, then the discount): all of them, not the first."""
    found: list[tuple[Signal, str]] = []
    if days < 0:
        found.append((Signal.OVERDUE, f"Overdue by {plural(-days, 'day')}"))
    elif days <= thresholds.must_pay_within_days:
        when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
        found.append((Signal.DUE_SOON, f"Due {when}"))
    if critical is not None:
        who = vendor_name or "The vendor"
        found.append((Signal.CRITICAL_VENDOR, f"{who} is a critical vendor ({critical})"))
    if late_fee is not None:
        found.append(
            (Signal.LATE_FEE, f'Paying late may cost a late fee (the bill mentions "{late_fee}")')
        )
    amount = format_money(bill.balance, currency)
    if runway.cash <= 0:
        found.append((Signal.LARGE_VS_CASH, f"{amount} with no cash on hand"))
    elif bill.balance > thresholds.large_bill_cash_share * runway.cash:
        limit = format_percent(thresholds.large_bill_cash_share)
        cash = format_money(runway.cash, currency)
        found.append((Signal.LARGE_VS_CASH, f"{amount} is more than {limit} of cash ({cash})"))
    if days > thresholds.can_delay_after_days and runway.status is DigestStatus.HEALTHY:
        state = "not burning cash" if not runway.burning else f"{runway.runway_weeks} weeks"
        found.append(
            (Signal.DUE_LATER_HEALTHY_RUNWAY, f"Due in {days} days; runway is healthy ({state})")
        )
    if runway.burning and bill.balance <= thresholds.small_bill_burn_share * runway.weekly_net_burn:
        burn = format_money(runway.weekly_net_burn, currency)
        limit = format_percent(thresholds.small_bill_burn_share)
        found.append(
            (Signal.SMALL_VS_BURN, f"{amount} is at most {limit} of a week's net burn ({burn})")
        )
    if discount is not None and discount.runway_allows:
        found.append(
            (
                Signal.TAKE_DISCOUNT,
                f"Pay by {discount.pay_by} to take the {discount.percent.normalize():f}% "
                f"discount: saves {format_money(discount.savings, currency)}, "
                f"{discount.annualised_return}% a year",
            )
        )
    return found


def bill_verdict(
    *,
    group: BillGroup,
    action: BillAction,
    pay_date: date,
    safe: date,
    as_of: date,
    critical: bool,
    take_discount: bool,
    decision: BillDecision | None,
    thresholds: Thresholds,
) -> str:
    """The sentence that says why the bill is in its group with its action (the last reason)."""
    if decision is not None:
        verb = "delay it to" if action is BillAction.DELAY else "pay it on"
        return f"{decision.decided_by} decided to {verb} {decision.decided_for}"
    latest = (
        f"the latest safe pay date ({plural(thresholds.payment_lead_days, 'day')} before it is due)"
    )
    on_time = "today" if pay_date <= as_of else f"on {pay_date}, {latest}"
    early = "today" if pay_date <= as_of else f"on {pay_date}"
    if group is BillGroup.MUST_PAY:
        never = ", and a critical vendor is never delayed" if critical else ""
        if take_discount and pay_date < safe:
            return f"Must be paid{never}: pay {early} to take the discount"
        return f"Must be paid{never}: pay {on_time}"
    if take_discount:
        return f"Worth paying early: pay {early} to take the discount"
    if group is BillGroup.CAN_DELAY:
        return f"Can wait: pay by {safe}, {latest}"
    return f"Nothing urgent and nothing to gain by waiting: pay {on_time}"
