"""Early-payment discounts (QBO Term ``DiscountPercent`` / ``DiscountDays``) and their return."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domains.ap.models import Bill
from domains.core.models import Term
from resolvers.rules.money import cents
from resolvers.rules.runway import RunwayFigures
from resolvers.thresholds import Thresholds

DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class DiscountOpportunity:
    """A discount still available on an open bill."""

    percent: Decimal
    discount_days: int
    net_days: int
    deadline: date
    """The last day the discount applies: transaction date + discount days."""
    pay_by: date
    """When to send the payment to arrive by the deadline: deadline - lead, never before today."""
    savings: Decimal
    """``balance * percent / 100`` to the cent."""
    annualised_return: Decimal
    """Percent a year, to 0.01 (see :func:`annualised_return`)."""
    runway_allows: bool


def annualised_return(percent: Decimal, discount_days: int, net_days: int) -> Decimal | None:
    """Simple annual rate of taking the discount: ``percent * 365 / (net_days - discount_days)``.

    2/10 net 30 is 2 * 365 / 20 = 36.50 (% a year), the product brief's "about 36.5%". We chose the
    simple rate over the compound ``pct / (100 - pct) * 365 / days`` (37.24% for 2/10 net 30)
    because it is the figure the product brief and most bookkeeping guides quote; both rank
    discounts in the same order. ``None`` when the net period does not outlast the discount period.
    """
    if net_days <= discount_days or percent <= 0:
        return None
    return cents(percent * DAYS_PER_YEAR / (net_days - discount_days))


def discount_opportunity(
    bill: Bill,
    term: Term | None,
    *,
    as_of: date,
    runway: RunwayFigures,
    thresholds: Thresholds,
) -> DiscountOpportunity | None:
    """The discount still available on ``bill`` under ``term``, or ``None``.

    Available when the term has a positive percent and discount days, the bill has a transaction
    date, and the deadline (transaction date + discount days) is today or later. Net days are the
    term's ``due_days``, else the bill's due date - transaction date.

    "Runway allows paying early" (interpretation): after paying the discounted amount today, cash
    still covers ``discount_min_runway_weeks`` (13) weeks of net burn; when not burning, cash
    simply covers the discounted amount.
    """
    if term is None or bill.txn_date is None or bill.balance <= 0:
        return None
    percent = term.discount_percent or Decimal(0)
    days = term.discount_days or 0
    if percent <= 0 or days <= 0:
        return None
    deadline = bill.txn_date + timedelta(days=days)
    if deadline < as_of:
        return None
    if term.due_days is not None:
        net_days = term.due_days
    elif bill.due_date is not None:
        net_days = (bill.due_date - bill.txn_date).days
    else:
        return None
    rate = annualised_return(percent, days, net_days)
    if rate is None:
        return None
    savings = cents(bill.balance * percent / 100)
    remaining = runway.cash - (bill.balance - savings)
    if runway.burning:
        allows = remaining >= thresholds.discount_min_runway_weeks * runway.weekly_net_burn
    else:
        allows = remaining >= 0
    pay_by = max(deadline - timedelta(days=thresholds.payment_lead_days), as_of)
    return DiscountOpportunity(percent, days, net_days, deadline, pay_by, savings, rate, allows)
