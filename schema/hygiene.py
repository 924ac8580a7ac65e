"""The hygiene tray types, and the resolver `hygieneTray` and `Business.hygiene` share."""

from datetime import date, datetime
from decimal import Decimal
from typing import Self

import strawberry

from domains.core.models import Business as BusinessRow
from resolvers import hygiene as hygiene_views
from resolvers.clock import business_today
from resolvers.hygiene import HygieneFilter as HygieneCriteria
from resolvers.hygiene import TrayItem
from resolvers.links import qbo_url
from resolvers.rules.hygiene.items import HygieneIssue as IssueResult
from schema.context import Info
from schema.enums import EntityType, IssueCode, Severity
from schema.relay import PageInfo, global_id, parse_global_id


@strawberry.type(description="One problem with a record, in words a bookkeeper can act on.")
class HygieneIssue:
    code: IssueCode
    severity: Severity
    message: str
    field: str | None
    amount: Decimal

    @classmethod
    def from_result(cls, issue: IssueResult) -> Self:
        return cls(
            code=issue.code,
            severity=issue.severity,
            message=issue.message,
            field=issue.field,
            amount=issue.amount,
        )


@strawberry.type(description="A record with at least one issue, worst issue first.")
class HygieneItem:
    id: strawberry.ID = strawberry.field(description="The record's global id (a Bill, Vendor…).")
    entity_type: EntityType
    qbo_id: str
    label: str
    amount: Decimal
    due_date: date | None
    severity: Severity
    counterparty_name: str | None
    issues: list[HygieneIssue]
    qbo_url: str

    @classmethod
    def from_item(cls, entry: TrayItem, app_url: str) -> Self:
        item = entry.item
        return cls(
            id=global_id(item.entity_type.value.capitalize(), item.entity_id),
            entity_type=item.entity_type,
            qbo_id=item.qbo_id,
            label=item.label,
            amount=item.amount,
            due_date=item.due_date,
            severity=item.severity,
            counterparty_name=entry.counterparty_name,
            issues=[HygieneIssue.from_result(issue) for issue in item.issues],
            qbo_url=qbo_url(app_url, item.entity_type, item.qbo_id),
        )


@strawberry.type
class HygieneEdge:
    cursor: str
    node: HygieneItem


@strawberry.type(description="A business's broken or incomplete records, filtered and paginated.")
class HygieneTray:
    business_id: strawberry.ID
    as_of: date
    data_synced_at: datetime | None
    score: int = strawberry.field(description="100 when nothing is wrong, down to 0.")
    examined_count: int
    issue_count: int
    high_count: int
    medium_count: int
    low_count: int
    amount_at_stake: Decimal
    total_count: int = strawberry.field(description="Records matching the filter.")
    edges: list[HygieneEdge]
    page_info: PageInfo


@strawberry.input(description="Every criterion given must hold.")
class HygieneFilter:
    entity_types: list[EntityType] | None = None
    codes: list[IssueCode] | None = None
    min_severity: Severity | None = None
    min_amount: Decimal | None = None
    counterparty: str | None = strawberry.field(
        default=None, description="Part of the vendor's or customer's name."
    )
    counterparty_id: strawberry.ID | None = strawberry.field(
        default=None, description="A Vendor or Customer global id."
    )


async def _criteria(
    info: Info, wanted: HygieneFilter | None, business: BusinessRow
) -> HygieneCriteria:
    if wanted is None:
        return HygieneCriteria()
    party_ids: frozenset[str] | None = None
    if wanted.counterparty_id is not None:
        party_ids = frozenset()  # unknown, or another business's party: matches nothing
        parsed = parse_global_id(wanted.counterparty_id)
        loaders = info.context.loaders
        if parsed is not None and parsed[0] in ("Vendor", "Customer"):
            loader = loaders.vendor_by_id if parsed[0] == "Vendor" else loaders.customer_by_id
            row = await loader.load(parsed[1])
            # QBO ids repeat across businesses: only a party of this business may select.
            if row is not None and row.business_id == business.id:
                party_ids = frozenset({row.qbo_id})
    return HygieneCriteria(
        entity_types=frozenset(wanted.entity_types) if wanted.entity_types is not None else None,
        codes=frozenset(wanted.codes) if wanted.codes is not None else None,
        min_severity=wanted.min_severity,
        min_amount=wanted.min_amount,
        counterparty=wanted.counterparty,
        counterparty_qbo_ids=party_ids,
    )


async def resolve_hygiene_tray(
    info: Info,
    business: BusinessRow,
    *,
    wanted: HygieneFilter | None,
    first: int | None,
    after: str | None,
    as_of: date | None,
) -> HygieneTray:
    """The tray of ``business`` for the caller (who was already allowed to see the business)."""
    context = info.context
    day = as_of or business_today(business.timezone, context.clock())
    tray = await hygiene_views.hygiene_tray(
        context.loaders,
        business,
        as_of=day,
        thresholds=context.thresholds,
        wanted=await _criteria(info, wanted, business),
        first=first,
        after=after,
    )
    report, page = tray.report, tray.page
    return HygieneTray(
        business_id=global_id("Business", business.id),
        as_of=day,
        data_synced_at=business.last_synced_at,
        score=report.score,
        examined_count=report.examined_count,
        issue_count=report.issue_count,
        high_count=report.high_count,
        medium_count=report.medium_count,
        low_count=report.low_count,
        amount_at_stake=report.amount_at_stake,
        total_count=page.total_count,
        edges=[
            HygieneEdge(cursor=cursor, node=HygieneItem.from_item(entry, context.qbo_app_url))
            for entry, cursor in zip(page.items, page.cursors, strict=True)
        ],
        page_info=PageInfo.from_page(page),
    )
