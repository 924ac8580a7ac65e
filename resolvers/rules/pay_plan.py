"""What to pay with the cash there is, when must-pay bills exceed it (a cash crunch).

The plan walks the console's MUST_PAY bills in the console's order (priority, then soonest due,
then largest) and keeps a running balance: ``cash_after`` is the cash left once that bill and
every one before it are paid. A bill is *funded* while that balance stays at or above zero; the
first bill that takes it below zero is the first the cash cannot fund, and every later one is
unfunded too (the plan never skips a more urgent bill to pay a smaller, less urgent one). The
shortfall is what the must-pay bills need beyond the cash: ``max(0, total - cash)``, with
overdrawn cash counting as none.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from resolvers.rules.bills import BillAssessment
from resolvers.rules.enums import BillGroup
from resolvers.rules.money import ZERO


@dataclass(frozen=True)
class PayPlanStep:
    """One must-pay bill in the plan."""

    bill: BillAssessment
    cash_after: Decimal
    """Cash left after paying this bill and every one before it (below zero: not funded)."""

    @property
    def funded(self) -> bool:
        return self.cash_after >= 0


@dataclass(frozen=True)
class PayPlan:
    """The must-pay bills against the cash on hand."""

    cash: Decimal
    steps: tuple[PayPlanStep, ...]

    @property
    def must_pay_amount(self) -> Decimal:
        return sum((step.bill.amount for step in self.steps), ZERO)

    @property
    def funded_count(self) -> int:
        return sum(1 for step in self.steps if step.funded)

    @property
    def funded_amount(self) -> Decimal:
        return sum((step.bill.amount for step in self.steps if step.funded), ZERO)

    @property
    def first_unfunded(self) -> BillAssessment | None:
        return next((step.bill for step in self.steps if not step.funded), None)

    @property
    def shortfall(self) -> Decimal:
        """What the must-pay bills need beyond the cash (0 when the cash covers them all)."""
        return max(ZERO, self.must_pay_amount - max(ZERO, self.cash))


def pay_plan(bills: Iterable[BillAssessment], *, cash: Decimal) -> PayPlan:
    """The plan over ``bills`` already in the console's order (only MUST_PAY ones count)."""
    left = max(ZERO, cash)
    steps = []
    for bill in bills:
        if bill.group is not BillGroup.MUST_PAY:
            continue
        left -= bill.amount
        steps.append(PayPlanStep(bill, left))
    return PayPlan(cash, tuple(steps))
