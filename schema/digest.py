"""The digest's GraphQL types and the resolver `digest` and `Business.digest` share."""

from datetime import date, datetime
from decimal import Decimal
from typing import Self

import strawberry

from domains.core.models import Business as BusinessRow
from resolvers import digest as digest_views
from resolvers.clock import business_today
from resolvers.digest import Digest as DigestResult
from resolvers.links import qbo_url
from resolvers.rules.actions import RunwayAction as ActionResult
from resolvers.rules.enums import EntityType as EntityTypeValue
from schema.console import BillRecommendation, CollectionRecommendation, DecisionSummary
from schema.context import Info
from schema.enums import AgingBucket, AlertCode, DigestStatus, EntityType, RunwayActionKind
from schema.relay import global_id


@strawberry.type
class AccountBalance:
    name: str
    balance: Decimal
    qbo_id: str


@strawberry.type(description="One week of the 13-week outlook.")
class ForecastWeek:
    week_start: date
    week_end: date
    opening: Decimal
    collections: Decimal
    bills: Decimal
    baseline_spend: Decimal
    closing: Decimal


@strawberry.type
class Alert:
    code: AlertCode
    level: DigestStatus
    message: str


@strawberry.type
class AgingTotal:
    bucket: AgingBucket
    count: int
    amount: Decimal


@strawberry.type(description="A move that adds runway, e.g. delaying a bill: '+N days'.")
class RunwayAction:
    kind: RunwayActionKind
    description: str
    days_added: int
    amount: Decimal
    entity_type: EntityType
    entity_id: strawberry.ID
    label: str
    qbo_url: str

    @classmethod
    def from_result(cls, action: ActionResult, app_url: str) -> Self:
        return cls(
            kind=action.kind,
            description=action.description,
            days_added=action.days_added,
            amount=action.amount,
            entity_type=action.entity_type,
            entity_id=global_id(action.entity_type.value.capitalize(), action.entity_id),
            label=action.label,
            qbo_url=qbo_url(app_url, EntityTypeValue(action.entity_type), action.qbo_id),
        )


@strawberry.type
class Payables:
    open_count: int
    open_amount: Decimal
    due_this_week_count: int
    due_this_week_amount: Decimal
    overdue_count: int
    overdue_amount: Decimal


@strawberry.type
class Receivables:
    open_count: int
    open_amount: Decimal
    overdue_count: int
    overdue_amount: Decimal
    aging: list[AgingTotal]


@strawberry.type
class HygieneSummary:
    score: int
    issue_count: int
    high_count: int
    medium_count: int
    low_count: int
    amount_at_stake: Decimal


@strawberry.type
class DataFreshness:
    synced_at: datetime | None
    stale: bool = strawberry.field(description="Never synced, or more than 24 hours ago.")


@strawberry.type(description="One business's week: cash, runway, outlook, what is due and owed.")
class Digest:
    business_id: strawberry.ID
    business_name: str
    currency: str
    week_start: date
    week_end: date
    as_of: date
    generated_at: datetime
    data_synced_at: datetime | None
    status: DigestStatus
    cash: Decimal
    bank_accounts: list[AccountBalance]
    weekly_net_burn: Decimal
    runway_weeks: Decimal | None = strawberry.field(description="Null when not burning cash.")
    not_burning: bool
    covered_until: date | None
    cash_zero_date: date | None
    forecast: list[ForecastWeek]
    alerts: list[Alert]
    payables: Payables
    receivables: Receivables
    bills_due_this_week: list[BillRecommendation]
    overdue_invoices: list[CollectionRecommendation]
    top_actions: list[RunwayAction]
    hygiene: HygieneSummary
    decisions: DecisionSummary
    freshness: DataFreshness
    recipients: list[str]

    @classmethod
    def from_result(cls, result: DigestResult, app_url: str) -> Self:
        business, runway = result.business, result.cash.runway
        report = result.hygiene
        return cls(
            business_id=global_id("Business", business.id),
            business_name=business.name,
            currency=business.home_currency,
            week_start=result.week_start,
            week_end=result.week_end,
            as_of=result.as_of,
            generated_at=result.generated_at,
            data_synced_at=business.last_synced_at,
            status=result.status,
            cash=runway.cash,
            bank_accounts=[
                AccountBalance(
                    name=a.name, balance=a.current_balance or Decimal(0), qbo_id=a.qbo_id
                )
                for a in result.bank_accounts
            ],
            weekly_net_burn=runway.weekly_net_burn,
            runway_weeks=runway.runway_weeks,
            not_burning=runway.runway_weeks is None,
            covered_until=runway.covered_until,
            cash_zero_date=result.forecast.cash_zero_date,
            forecast=[ForecastWeek(**vars(week)) for week in result.forecast.weeks],
            alerts=[Alert(code=a.code, level=a.level, message=a.message) for a in result.alerts],
            payables=Payables(**vars(result.payables)),
            receivables=Receivables(
                **vars(result.receivables),
                aging=[
                    AgingTotal(bucket=a.bucket, count=a.count, amount=a.amount)
                    for a in result.aging
                ],
            ),
            bills_due_this_week=[
                BillRecommendation.from_result(b, app_url) for b in result.bills_due_this_week
            ],
            overdue_invoices=[
                CollectionRecommendation.from_result(i, app_url) for i in result.overdue_invoices
            ],
            top_actions=[RunwayAction.from_result(a, app_url) for a in result.top_actions],
            hygiene=HygieneSummary(
                score=report.score,
                issue_count=report.issue_count,
                high_count=report.high_count,
                medium_count=report.medium_count,
                low_count=report.low_count,
                amount_at_stake=report.amount_at_stake,
            ),
            decisions=DecisionSummary.from_result(result.decisions),
            freshness=DataFreshness(
                synced_at=result.freshness.last_synced_at, stale=result.freshness.stale
            ),
            recipients=result.recipients,
        )


async def resolve_digest(info: Info, business: BusinessRow, *, week_of: date | None) -> Digest:
    """The live digest of ``business`` (which the caller was already allowed to see)."""
    context = info.context
    now = context.clock()
    result = await digest_views.digest(
        context.loaders,
        business,
        today=business_today(business.timezone, now),
        week_of=week_of,
        now=now,
        thresholds=context.thresholds,
    )
    return Digest.from_result(result, context.qbo_app_url)
