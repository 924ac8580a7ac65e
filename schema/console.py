"""The decision console's types, and the resolver `decisionConsole` and `Business.decisions` use."""

from datetime import date, datetime
from decimal import Decimal
from typing import Self

import strawberry

from domains.core.models import Business as BusinessRow
from resolvers import console as console_views
from resolvers.clock import business_today
from resolvers.console import DecisionConsole as ConsoleResult
from resolvers.console import DecisionFilter as DecisionCriteria
from resolvers.errors import InvalidRequest
from resolvers.links import qbo_url
from resolvers.rules.bills import BillAssessment
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.console_summary import DecisionSummary as SummaryResult
from resolvers.rules.discounts import DiscountOpportunity
from resolvers.rules.enums import EntityType
from schema.context import Info
from schema.enums import (
    AgingBucket,
    BillAction,
    BillGroup,
    CollectionAction,
    DecisionAction,
    DigestStatus,
    Signal,
    Urgency,
)
from schema.relay import PageInfo, global_id, parse_global_id


@strawberry.type(description="An early-payment discount worth taking (2/10 net 30 and the like).")
class Discount:
    percent: Decimal
    deadline: date
    pay_by: date
    savings: Decimal
    annualised_return: Decimal = strawberry.field(description="Percent a year, simple rate.")
    runway_allows: bool

    @classmethod
    def from_result(cls, found: DiscountOpportunity) -> Self:
        return cls(
            percent=found.percent,
            deadline=found.deadline,
            pay_by=found.pay_by,
            savings=found.savings,
            annualised_return=found.annualised_return,
            runway_allows=found.runway_allows,
        )


@strawberry.type(description="A bill ready for a pay-or-delay decision, with the why.")
class BillRecommendation:
    id: strawberry.ID = strawberry.field(description="The bill's global id.")
    qbo_id: str
    label: str
    doc_number: str | None
    vendor_name: str | None
    vendor_id: strawberry.ID | None
    due_date: date
    amount: Decimal
    days_until_due: int
    urgency: Urgency
    latest_safe_pay_date: date
    recommended_pay_date: date
    action: BillAction
    group: BillGroup
    signals: list[Signal]
    reasons: list[str]
    priority: int = strawberry.field(description="0 to 100; higher is more urgent.")
    runway_impact_days: Decimal | None = strawberry.field(
        description="Days of runway this bill costs; null when not burning."
    )
    critical_vendor: bool
    discount: Discount | None
    decided_action: DecisionAction | None
    decided_for: date | None
    qbo_url: str

    @classmethod
    def from_result(cls, bill: BillAssessment, app_url: str) -> Self:
        vendor_pk = bill.vendor_id
        return cls(
            id=global_id("Bill", bill.bill_id),
            qbo_id=bill.qbo_id,
            label=bill.label,
            doc_number=bill.doc_number,
            vendor_name=bill.vendor_name,
            vendor_id=global_id("Vendor", vendor_pk) if vendor_pk is not None else None,
            due_date=bill.due_date,
            amount=bill.amount,
            days_until_due=bill.days_until_due,
            urgency=bill.urgency,
            latest_safe_pay_date=bill.latest_safe_pay_date,
            recommended_pay_date=bill.recommended_pay_date,
            action=bill.action,
            group=bill.group,
            signals=list(bill.signals),
            reasons=list(bill.reasons),
            priority=bill.priority,
            runway_impact_days=bill.runway_impact_days,
            critical_vendor=bill.critical_vendor,
            discount=Discount.from_result(bill.discount) if bill.discount else None,
            decided_action=bill.decided_action,
            decided_for=bill.decided_for,
            qbo_url=qbo_url(app_url, EntityType.BILL, bill.qbo_id),
        )


@strawberry.type(description="An invoice ready for collection.")
class CollectionRecommendation:
    id: strawberry.ID = strawberry.field(description="The invoice's global id.")
    qbo_id: str
    label: str
    doc_number: str | None
    customer_name: str | None
    contact_email: str | None
    due_date: date | None
    amount: Decimal
    days_overdue: int
    urgency: Urgency
    aging_bucket: AgingBucket
    action: CollectionAction
    priority: int
    expected_collection_date: date | None
    runway_impact_days: Decimal | None
    qbo_url: str

    @classmethod
    def from_result(cls, invoice: InvoiceAssessment, app_url: str) -> Self:
        return cls(
            id=global_id("Invoice", invoice.invoice_id),
            qbo_id=invoice.qbo_id,
            label=invoice.label,
            doc_number=invoice.doc_number,
            customer_name=invoice.customer_name,
            contact_email=invoice.contact_email,
            due_date=invoice.due_date,
            amount=invoice.amount,
            days_overdue=invoice.days_overdue,
            urgency=invoice.urgency,
            aging_bucket=invoice.aging_bucket,
            action=invoice.action,
            priority=invoice.priority,
            expected_collection_date=invoice.expected_collection_date,
            runway_impact_days=invoice.runway_impact_days,
            qbo_url=qbo_url(app_url, EntityType.INVOICE, invoice.qbo_id),
        )


@strawberry.type
class DecisionSummary:
    must_pay_count: int
    must_pay_amount: Decimal
    can_delay_count: int
    can_delay_amount: Decimal
    scheduled_count: int
    scheduled_amount: Decimal
    to_collect_count: int
    to_collect_amount: Decimal
    discount_savings: Decimal

    @classmethod
    def from_result(cls, summary: SummaryResult) -> Self:
        return cls(**{name: getattr(summary, name) for name in cls.__annotations__})


@strawberry.type
class BillRecommendationEdge:
    cursor: str
    node: BillRecommendation


@strawberry.type
class BillRecommendationConnection:
    edges: list[BillRecommendationEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class CollectionRecommendationEdge:
    cursor: str
    node: CollectionRecommendation


@strawberry.type
class CollectionRecommendationConnection:
    edges: list[CollectionRecommendationEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="Bills to pay, schedule or delay and invoices to chase, ranked.")
class DecisionConsole:
    business_id: strawberry.ID
    as_of: date
    data_synced_at: datetime | None
    cash: Decimal
    weekly_net_burn: Decimal
    runway_weeks: Decimal | None = strawberry.field(description="Null when not burning cash.")
    status: DigestStatus
    covered_until: date | None
    summary: DecisionSummary
    result: strawberry.Private[ConsoleResult]
    app_url: strawberry.Private[str]

    @strawberry.field(description="Ready bills by priority; `group` picks MUST_PAY, CAN_DELAY…")
    def bills(
        self, first: int | None = None, after: str | None = None, group: BillGroup | None = None
    ) -> BillRecommendationConnection:
        page = console_views.bills_page(self.result, group=group, first=first, after=after)
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
    def collections(
        self, first: int | None = None, after: str | None = None
    ) -> CollectionRecommendationConnection:
        page = console_views.collections_page(self.result, first=first, after=after)
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


@strawberry.input(description="Every criterion given must hold.")
class DecisionFilter:
    horizon_days: int | None = strawberry.field(
        default=None, description="Bills due within this many days (default 30), or overdue."
    )
    min_amount: Decimal | None = None
    vendor_id: strawberry.ID | None = strawberry.field(default=None, description="A Vendor id.")
    actions: list[BillAction] | None = None
    urgency: list[Urgency] | None = None
    groups: list[BillGroup] | None = None


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
    runway = console.cash.runway
    return DecisionConsole(
        business_id=global_id("Business", business.id),
        as_of=day,
        data_synced_at=business.last_synced_at,
        cash=runway.cash,
        weekly_net_burn=runway.weekly_net_burn,
        runway_weeks=runway.runway_weeks,
        status=runway.status,
        covered_until=runway.covered_until,
        summary=DecisionSummary.from_result(console.summary),
        result=console,
        app_url=context.qbo_app_url,
    )
