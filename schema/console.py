"""The decision console's type, and the resolver `decisionConsole` and `Business.decisions` use."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self

import strawberry

from domains.core.models import Business as BusinessRow
from resolvers import console as console_views
from resolvers.clock import business_today
from resolvers.console import DecisionConsole as ConsoleResult
from resolvers.console import DecisionFilter as DecisionCriteria
from resolvers.errors import InvalidRequest
from resolvers.rules.console_summary import DecisionSummary as SummaryResult
from schema.context import Info
from schema.enums import BillAction, BillGroup, Urgency
from schema.pagination import AFTER, FIRST
from schema.pay_plan import PayPlan
from schema.recommendations import (
    BillRecommendation,
    BillRecommendationConnection,
    BillRecommendationEdge,
    CollectionRecommendation,
    CollectionRecommendationConnection,
    CollectionRecommendationEdge,
)
from schema.relay import PageInfo, global_id, parse_global_id
from schema.runway import CashRunway, runway_fields

field = strawberry.field


@strawberry.type(description="The console at a glance: the bills and invoices in view, totalled.")
class DecisionSummary:
    must_pay_count: int = field(description="Bills in MUST_PAY.")
    must_pay_amount: Decimal = field(description="Their open balances.")
    can_delay_count: int = field(description="Bills in CAN_DELAY.")
    can_delay_amount: Decimal = field(description="Their open balances.")
    scheduled_count: int = field(description="Bills in SCHEDULED.")
    scheduled_amount: Decimal = field(description="Their open balances.")
    to_collect_count: int = field(description="Invoices ready for collection.")
    to_collect_amount: Decimal = field(description="Their open balances.")
    discount_savings: Decimal = field(
        description="Savings of the bills carrying a TAKE_DISCOUNT signal."
    )

    @classmethod
    def from_result(cls, summary: SummaryResult) -> Self:
        return cls(**{name: getattr(summary, name) for name in cls.__annotations__})


@strawberry.type(
    description="Bills ready for a pay-or-delay decision and invoices ready for collection, "
    "ranked, with the business's runway and, in a cash crunch, what to pay first."
)
class DecisionConsole(CashRunway):
    business_id: strawberry.ID = field(description="The business's global id.")
    as_of: date = field(
        description="The day the console is computed as of (the business's today by default)."
    )
    data_synced_at: datetime | None = field(description="When the mirror last synced with QBO.")
    assessed_at: datetime = field(
        description="When the figures were computed from the books (they are recomputed when "
        "the books change, a decision is recorded, or the business's day turns)."
    )
    pay_plan: PayPlan = field(
        description="What to pay with the cash there is: the business's whole plan, whatever "
        "the filter."
    )
    result: strawberry.Private[ConsoleResult]
    app_url: strawberry.Private[str]

    @strawberry.field(description="Totals of the bills and invoices in view.")
    async def summary(self) -> DecisionSummary:
        return DecisionSummary.from_result(await self.result.summary())

    @strawberry.field(
        description="Bills in view, in the console's order (priority, then soonest due, then "
        "largest)."
    )
    async def bills(
        self,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        group: Annotated[
            BillGroup | None, strawberry.argument(description="Only this group's bills.")
        ] = None,
    ) -> BillRecommendationConnection:
        page = await self.result.bills_page(group=group, first=first, after=after)
        return BillRecommendationConnection(
            edges=[
                BillRecommendationEdge(
                    cursor=cursor,
                    node=BillRecommendation.from_result(bill, self.app_url),
                )
                for bill, cursor in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.from_page(page),
            total_count=page.total_count,
        )

    @strawberry.field(description="Invoices ready for collection, by priority.")
    async def collections(
        self,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> CollectionRecommendationConnection:
        page = await self.result.collections_page(first=first, after=after)
        return CollectionRecommendationConnection(
            edges=[
                CollectionRecommendationEdge(
                    cursor=cursor, node=CollectionRecommendation.from_result(item, self.app_url)
                )
                for item, cursor in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.from_page(page),
            total_count=page.total_count,
        )


@strawberry.input(description="What the console shows; every criterion given must hold.")
class DecisionFilter:
    horizon_days: int | None = field(
        default=None,
        description="Bills due within this many days (0 to 366; default 30), or overdue.",
    )
    min_amount: Decimal | None = field(
        default=None, description="Bills and invoices of at least this open balance."
    )
    vendor_id: strawberry.ID | None = field(
        default=None, description="Only this vendor's bills (a Vendor id); hides invoices."
    )
    actions: list[BillAction] | None = field(default=None, description="Bills with these actions.")
    urgency: list[Urgency] | None = field(
        default=None, description="Bills and invoices of these urgencies."
    )
    groups: list[BillGroup] | None = field(default=None, description="Bills in these groups.")


async def _criteria(
    info: Info, wanted: DecisionFilter | None, business: BusinessRow
) -> DecisionCriteria:
    if wanted is None:
        return DecisionCriteria()
    if wanted.horizon_days is not None and not 0 <= wanted.horizon_days <= 366:
        raise InvalidRequest("'horizonDays' must be between 0 and 366")
    vendor_ids: frozenset[str] | None = None
    if wanted.vendor_id is not None:
        vendor_ids = frozenset()  # unknown, or another business's vendor: matches nothing
        parsed = parse_global_id(wanted.vendor_id, "Vendor")
        if parsed is not None:
            vendor = await info.context.loaders.vendor_by_id.load(parsed[1])
            # QBO ids repeat across businesses: only a vendor of this business may select.
            if vendor is not None and vendor.business_id == business.id:
                vendor_ids = frozenset({vendor.qbo_id})
    return DecisionCriteria(
        horizon_days=wanted.horizon_days,
        min_amount=wanted.min_amount,
        vendor_qbo_ids=vendor_ids,
        actions=frozenset(wanted.actions) if wanted.actions is not None else None,
        urgencies=frozenset(wanted.urgency) if wanted.urgency is not None else None,
        groups=frozenset(wanted.groups) if wanted.groups is not None else None,
    )


async def resolve_decision_console(
    info: Info, business: BusinessRow, *, wanted: DecisionFilter | None, as_of: date | None
) -> DecisionConsole:
    """The console of ``business`` (which the caller was already allowed to see)."""
    context = info.context
    day = as_of or business_today(business.timezone, context.clock())
    console = await console_views.decision_console(
        context.loaders,
        business,
        as_of=day,
        thresholds=context.thresholds,
        wanted=await _criteria(info, wanted, business),
    )
    return DecisionConsole(
        **runway_fields(console.runway),
        business_id=global_id("Business", business.id),
        as_of=day,
        data_synced_at=business.last_synced_at,
        assessed_at=console.assessed_at,
        pay_plan=PayPlan.from_result(console, context.qbo_app_url),
        result=console,
        app_url=context.qbo_app_url,
    )
