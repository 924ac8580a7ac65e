"""The console's pay plan: what to pay with the cash there is (``resolvers.rules.pay_plan``)."""

from decimal import Decimal
from typing import Annotated, Self

import strawberry

from resolvers import console as console_views
from resolvers.pagination import Page
from resolvers.rules.pay_plan import PayPlan as PayPlanResult
from resolvers.rules.pay_plan import PayPlanStep as StepResult
from schema.pagination import AFTER, FIRST
from schema.recommendations import BillRecommendation
from schema.relay import PageInfo

field = strawberry.field


@strawberry.type(description="One must-pay bill in the plan, and the cash left once it is paid.")
class PayPlanStep:
    bill: BillRecommendation = field(description="The bill.")
    cash_after: Decimal = field(
        description="Cash left after paying this bill and every one before it; below zero: the "
        "cash can't fund it."
    )
    funded: bool = field(description="Whether the cash covers it (cashAfter is zero or more).")

    @classmethod
    def from_result(cls, step: StepResult, app_url: str) -> Self:
        return cls(
            bill=BillRecommendation.from_result(step.bill, app_url),
            cash_after=step.cash_after,
            funded=step.funded,
        )


@strawberry.type(description="A pay-plan step and its cursor.")
class PayPlanStepEdge:
    cursor: str = field(description="Pass as `after` for the steps after this one.")
    node: PayPlanStep = field(description="The step.")


@strawberry.type(description="A page of the pay plan's steps, in the console's order.")
class PayPlanStepConnection:
    edges: list[PayPlanStepEdge] = field(description="The steps of this page.")
    page_info: PageInfo = field(description="Where this page stands.")
    total_count: int = field(description="Must-pay bills in the plan.")


@strawberry.type(
    description="What to pay with the cash there is: the ready MUST_PAY bills in the console's "
    "order (priority, then soonest due, then largest), each funded while the running balance "
    "stays at or above zero. The plan never skips a more urgent bill to pay a smaller one."
)
class PayPlan:
    cash: Decimal = field(description="The cash the plan spends (overdrawn counts as none).")
    must_pay_amount: Decimal = field(description="The must-pay bills' total.")
    funded_count: int = field(description="Bills the cash covers, in order.")
    funded_amount: Decimal = field(description="Their total.")
    shortfall: Decimal = field(
        description="What the must-pay bills need beyond the cash: max(0, mustPayAmount - cash)."
    )
    in_crunch: bool = field(description="Must-pay bills exceed the cash (shortfall above zero).")
    first_unfunded: BillRecommendation | None = field(
        description="The first bill the cash cannot fund; null when it funds them all."
    )
    result: strawberry.Private[PayPlanResult]
    app_url: strawberry.Private[str]

    @strawberry.field(description="The plan's bills in order, with the cash left after each.")
    def steps(
        self,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> "PayPlanStepConnection":
        page = console_views.pay_plan_page(self.result, first=first, after=after)
        return step_connection(page, self.app_url)

    @classmethod
    def from_result(cls, plan: PayPlanResult, app_url: str) -> Self:
        first = plan.first_unfunded
        return cls(
            cash=max(Decimal("0.00"), plan.cash),
            must_pay_amount=plan.must_pay_amount,
            funded_count=plan.funded_count,
            funded_amount=plan.funded_amount,
            shortfall=plan.shortfall,
            in_crunch=plan.shortfall > 0,
            first_unfunded=BillRecommendation.from_result(first, app_url) if first else None,
            result=plan,
            app_url=app_url,
        )


def step_connection(page: Page[StepResult], app_url: str) -> PayPlanStepConnection:
    """A GraphQL page of the plan's steps."""
    return PayPlanStepConnection(
        edges=[
            PayPlanStepEdge(cursor=cursor, node=PayPlanStep.from_result(step, app_url))
            for step, cursor in zip(page.items, page.cursors, strict=True)
        ],
        page_info=PageInfo.from_page(page),
        total_count=page.total_count,
    )
