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
from resolvers.rules.aging import AgingReport
from schema.console import DecisionSummary
from schema.context import Info
from schema.enums import AgingBucket, AlertCode, DigestStatus, EntityType, RunwayActionKind
from schema.recommendations import BillRecommendation, CollectionRecommendation
from schema.relay import global_id
from schema.runway import CashRunway, runway_fields

field = strawberry.field


@strawberry.type(description="An active bank account and its balance (their sum is the cash).")
class AccountBalance:
    name: str = field(description="The account's name in QBO.")
    balance: Decimal = field(description="Its current balance, to the cent.")
    qbo_id: str = field(description="Its id in QBO.")


@strawberry.type(
    description="One week (Monday to Sunday) of the 13-week outlook: closing = opening + "
    "collections - bills - baselineSpend."
)
class ForecastWeek:
    week_start: date = field(description="The Monday.")
    week_end: date = field(description="The Sunday.")
    opening: Decimal = field(description="Cash at the start (the previous week's closing).")
    collections: Decimal = field(
        description="Open invoices expected in: due date shifted by the customer's lateness."
    )
    bills: Decimal = field(description="Open bills expected out: decided date, else due date.")
    baseline_spend: Decimal = field(
        description="Spending not seen in bills: the trailing weekly average of purchases "
        "(week 1 only from asOf to Sunday)."
    )
    closing: Decimal = field(description="Cash at the end.")


@strawberry.type(description="Something the owner should know this week, naming its cause.")
class Alert:
    code: AlertCode = field(description="Why the alert is raised.")
    level: DigestStatus = field(description="WARNING or CRITICAL.")
    message: str = field(description="What is wrong, in figures.")


@strawberry.type(description="Open documents in one aging bucket.")
class AgingTotal:
    bucket: AgingBucket = field(description="Days past the effective due date.")
    count: int = field(description="Documents in the bucket.")
    amount: Decimal = field(description="Their open balances.")


@strawberry.type(description="A move that adds runway, e.g. delaying a bill: '+N days'.")
class RunwayAction:
    kind: RunwayActionKind = field(description="Delay a bill, collect an invoice, take a discount.")
    description: str = field(description="The move and what it adds, in words.")
    days_added: int = field(description="Days of net burn the money covers, half up.")
    amount: Decimal = field(description="The money moved (the balance, or the discount saved).")
    entity_type: EntityType = field(description="BILL or INVOICE.")
    entity_id: strawberry.ID = field(description="The record's global id.")
    label: str = field(description="The record, as a bookkeeper names it.")
    qbo_url: str = field(description="The record in QBO.")

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
            qbo_url=qbo_url(app_url, action.entity_type, action.qbo_id),
        )


def _aging(report: AgingReport) -> list[AgingTotal]:
    return [AgingTotal(bucket=t.bucket, count=t.count, amount=t.amount) for t in report.buckets]


@strawberry.type(
    description="What the business owes: open bills. A bill without a due date is due on its "
    "date (QBO's default); open = every bucket, overdue = the buckets past due."
)
class Payables:
    open_count: int = field(description="Open bills: the sum of every aging bucket.")
    open_amount: Decimal = field(description="Their open balances.")
    due_this_week_count: int = field(description="Bills due from asOf to Sunday.")
    due_this_week_amount: Decimal = field(description="Their open balances.")
    overdue_count: int = field(description="Bills past due: the sum of the past-due buckets.")
    overdue_amount: Decimal = field(description="Their open balances.")
    aging: list[AgingTotal] = field(description="Open bills by days past due, all five buckets.")


@strawberry.type(
    description="What the business is owed: open invoices. An invoice without a due date is "
    "due on its date (QBO's default); open = every bucket, overdue = the buckets past due."
)
class Receivables:
    open_count: int = field(description="Open invoices: the sum of every aging bucket.")
    open_amount: Decimal = field(description="Their open balances.")
    overdue_count: int = field(description="Invoices past due: the sum of the past-due buckets.")
    overdue_amount: Decimal = field(description="Their open balances.")
    aging: list[AgingTotal] = field(description="Open invoices by days past due, all five buckets.")


@strawberry.type(description="The hygiene tray in a few numbers (the whole business).")
class HygieneSummary:
    score: int = field(description="100 when nothing is wrong, down to 0.")
    issue_count: int = field(description="Issues across flagged records.")
    high_count: int = field(description="Records whose worst issue is HIGH.")
    medium_count: int = field(description="Records whose worst issue is MEDIUM.")
    low_count: int = field(description="Records whose worst issue is LOW.")
    amount_at_stake: Decimal = field(description="Flagged amounts' total.")


@strawberry.type(description="How fresh the mirror is when the digest is read.")
class DataFreshness:
    synced_at: datetime | None = field(description="When it last synced with QBO.")
    stale: bool = field(description="Never synced, or more than 24 hours ago.")


@strawberry.type(
    description="One business's week: cash and runway, a 13-week outlook, what is due and owed, "
    "what needs fixing."
)
class Digest(CashRunway):
    business_id: strawberry.ID = field(description="The business's global id.")
    business_name: str = field(description="The company's name.")
    currency: str = field(description="Its home currency (ISO code).")
    timezone: str = field(
        description="Its IANA timezone (e.g. America/Los_Angeles): the week, asOf and the "
        "e-mail's times are the business's local ones."
    )
    week_start: date = field(description="The week's Monday.")
    week_end: date = field(description="The week's Sunday.")
    as_of: date = field(
        description="The day the figures are as of: the business's today in the current week, "
        "else the week's Monday."
    )
    generated_at: datetime = field(description="When this digest was put together.")
    assessed_at: datetime = field(
        description="When its figures were computed from the books (they are recomputed when "
        "the books change, a decision is recorded, or the business's day turns)."
    )
    data_synced_at: datetime | None = field(description="When the mirror last synced with QBO.")
    headline: str = field(
        description="The status and the figure behind it, as the e-mail's subject says it."
    )
    bank_accounts: list[AccountBalance] = field(description="The accounts summed into cash.")
    forecast: list[ForecastWeek] = field(description="The 13 weeks ahead.")
    alerts: list[Alert] = field(description="What to know this week, CRITICAL first.")
    payables: Payables = field(description="What the business owes.")
    receivables: Receivables = field(description="What it is owed.")
    bills_due_this_week: list[BillRecommendation] = field(
        description="The top 5 bills due from asOf to Sunday, in the console's order."
    )
    overdue_invoices: list[CollectionRecommendation] = field(
        description="The top 5 overdue invoices, by priority."
    )
    top_actions: list[RunwayAction] = field(
        description="The moves that would add the most runway, most first."
    )
    hygiene: HygieneSummary = field(description="The hygiene tray in numbers.")
    decisions: DecisionSummary = field(description="The decision console in numbers.")
    freshness: DataFreshness = field(description="How fresh the mirror is.")
    recipients: list[str] = field(description="Who the e-mail goes to.")

    @classmethod
    def from_result(cls, result: DigestResult, app_url: str) -> Self:
        business, summary, detail = result.business, result.summary, result.detail
        hygiene, payables, receivables = summary.hygiene, detail.payables, detail.receivables
        return cls(
            **runway_fields(summary.runway),
            business_id=global_id("Business", business.id),
            business_name=business.name,
            currency=business.home_currency,
            timezone=business.timezone,
            week_start=result.week_start,
            week_end=result.week_end,
            as_of=result.as_of,
            generated_at=result.generated_at,
            assessed_at=result.assessed_at,
            data_synced_at=business.last_synced_at,
            headline=result.headline,
            bank_accounts=[
                AccountBalance(name=a.name, balance=a.balance, qbo_id=a.qbo_id)
                for a in detail.bank_accounts
            ],
            forecast=[ForecastWeek(**vars(week)) for week in detail.forecast.weeks],
            alerts=[Alert(code=a.code, level=a.level, message=a.message) for a in result.alerts],
            payables=Payables(
                open_count=payables.aging.open_count,
                open_amount=payables.aging.open_amount,
                due_this_week_count=payables.due_this_week_count,
                due_this_week_amount=payables.due_this_week_amount,
                overdue_count=payables.aging.overdue_count,
                overdue_amount=payables.aging.overdue_amount,
                aging=_aging(payables.aging),
            ),
            receivables=Receivables(
                open_count=receivables.open_count,
                open_amount=receivables.open_amount,
                overdue_count=receivables.overdue_count,
                overdue_amount=receivables.overdue_amount,
                aging=_aging(receivables),
            ),
            bills_due_this_week=[
                BillRecommendation.from_result(b, app_url) for b in detail.bills_due_this_week
            ],
            overdue_invoices=[
                CollectionRecommendation.from_result(i, app_url) for i in detail.overdue_invoices
            ],
            top_actions=[RunwayAction.from_result(a, app_url) for a in detail.top_actions],
            hygiene=HygieneSummary(
                score=hygiene.score,
                issue_count=hygiene.counts.issue_count,
                high_count=hygiene.counts.high_count,
                medium_count=hygiene.counts.medium_count,
                low_count=hygiene.counts.low_count,
                amount_at_stake=hygiene.counts.amount_at_stake,
            ),
            decisions=DecisionSummary.from_result(summary.decisions),
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
