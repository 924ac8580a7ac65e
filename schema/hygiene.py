"""The hygiene tray types, and the resolver `hygieneTray` and `Business.hygiene` share."""

from datetime import date, datetime
from decimal import Decimal
from typing import Self

import strawberry

from domains.core.models import Business as BusinessRow
from resolvers import hygiene as hygiene_views
from resolvers.clock import business_today
from resolvers.hygiene import HygieneFilter as HygieneCriteria
from resolvers.hygiene import HygieneTray as TrayResult
from resolvers.links import qbo_url
from resolvers.rules.hygiene.items import HygieneIssue as IssueResult
from resolvers.rules.hygiene.items import HygieneItem as ItemResult
from resolvers.rules.hygiene.report import HygieneCounts as CountsResult
from schema.context import Info
from schema.enums import EntityType, IssueCode, Severity
from schema.records import RelatedRecord
from schema.relay import PageInfo, global_id, parse_global_id


@strawberry.type(description="One problem with a record, in words a bookkeeper can act on.")
class HygieneIssue:
    code: IssueCode = strawberry.field(
        description="What is wrong: one of the hygiene codes, each with a fixed severity."
    )
    severity: Severity = strawberry.field(
        description="How bad: HIGH, MEDIUM or LOW, fixed per code."
    )
    message: str = strawberry.field(
        description="What is wrong and with what, naming the records involved."
    )
    field: str | None = strawberry.field(
        description="The field at fault (due_date, vendor, lines…)."
    )
    amount: Decimal = strawberry.field(description="The money at stake (0 when none).")
    related_record: RelatedRecord | None = strawberry.field(
        description="The other record involved: the document a POSSIBLE_DUPLICATE matches."
    )

    @classmethod
    def from_result(cls, issue: IssueResult, app_url: str) -> Self:
        related = issue.related
        return cls(
            code=issue.code,
            severity=issue.severity,
            message=issue.message,
            field=issue.field,
            amount=issue.amount,
            related_record=RelatedRecord.from_result(related, app_url) if related else None,
        )


@strawberry.type(description="A record with at least one issue, worst issue first.")
class HygieneItem:
    id: strawberry.ID = strawberry.field(description="The record's global id (a Bill, Vendor…).")
    entity_type: EntityType = strawberry.field(description="What kind of record it is.")
    qbo_id: str = strawberry.field(description="Its id in QBO.")
    label: str = strawberry.field(
        description='How a bookkeeper names it: "Bill 1043 from Acme Supply".'
    )
    amount: Decimal = strawberry.field(
        description="A document's open balance; a vendor's or customer's open documents' total."
    )
    due_date: date | None = strawberry.field(description="A document's due date.")
    severity: Severity = strawberry.field(description="Its worst issue's severity.")
    counterparty_name: str | None = strawberry.field(
        description="The party it concerns: a bill's vendor, an invoice's customer, the vendor "
        "or customer itself."
    )
    issues: list[HygieneIssue] = strawberry.field(
        description="Everything wrong with it, worst first."
    )
    qbo_url: str = strawberry.field(description="The record in QBO, to fix it there.")

    @classmethod
    def from_result(cls, item: ItemResult, app_url: str) -> Self:
        return cls(
            id=global_id(item.entity_type.value.capitalize(), item.entity_id),
            entity_type=item.entity_type,
            qbo_id=item.qbo_id,
            label=item.label,
            amount=item.amount,
            due_date=item.due_date,
            severity=item.severity,
            counterparty_name=item.counterparty_name,
            issues=[HygieneIssue.from_result(issue, app_url) for issue in item.issues],
            qbo_url=qbo_url(app_url, item.entity_type, item.qbo_id),
        )


@strawberry.type(description="A flagged record and its cursor.")
class HygieneEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the records after this one.")
    node: HygieneItem = strawberry.field(description="The record.")


@strawberry.type(description="Counts of a set of flagged records.")
class HygieneCounts:
    item_count: int = strawberry.field(description="Flagged records.")
    issue_count: int = strawberry.field(
        description="Issues across them (a record may have several)."
    )
    high_count: int = strawberry.field(description="Records whose worst issue is HIGH.")
    medium_count: int = strawberry.field(description="Records whose worst issue is MEDIUM.")
    low_count: int = strawberry.field(description="Records whose worst issue is LOW.")
    amount_at_stake: Decimal = strawberry.field(description="Their amounts' total.")

    @classmethod
    def from_result(cls, counts: CountsResult) -> Self:
        return cls(**{name: getattr(counts, name) for name in cls.__annotations__})


@strawberry.type(
    description="A business's broken or incomplete records, worst first, filtered and paged. "
    "score, examinedCount and the counts beside them are the whole business's, whatever the "
    "filter; `matching` counts what the filter selects."
)
class HygieneTray:
    business_id: strawberry.ID = strawberry.field(description="The business's global id.")
    as_of: date = strawberry.field(
        description="The day it is assessed as of (default: the business's today)."
    )
    data_synced_at: datetime | None = strawberry.field(
        description="When the mirror last synced with QBO."
    )
    score: int = strawberry.field(
        description="The whole business: 100 when nothing is wrong, down to 0 (each flagged "
        "record weighs its worst issue: high 3, medium 2, low 1, over the records examined)."
    )
    examined_count: int = strawberry.field(
        description="The whole business: open bills and invoices, and the vendors and customers "
        "with open documents or issues, that the checks looked at."
    )
    issue_count: int = strawberry.field(
        description="The whole business: issues across flagged records."
    )
    high_count: int = strawberry.field(
        description="The whole business: records whose worst issue is HIGH."
    )
    medium_count: int = strawberry.field(
        description="The whole business: records whose worst issue is MEDIUM."
    )
    low_count: int = strawberry.field(
        description="The whole business: records whose worst issue is LOW."
    )
    amount_at_stake: Decimal = strawberry.field(
        description="The whole business: flagged amounts' total."
    )
    assessed_at: datetime = strawberry.field(
        description="When the figures were computed from the books (they are recomputed when "
        "the books change, a decision is recorded, or the business's day turns)."
    )
    view: strawberry.Private[TrayResult]
    app_url: strawberry.Private[str]

    @strawberry.field(
        description="The records the filter selects (all pages); the whole tray without one."
    )
    async def matching(self) -> HygieneCounts:
        return HygieneCounts.from_result(await self.view.matching())

    @strawberry.field(description="Records the filter selects, on every page.")
    async def total_count(self) -> int:
        return (await self.view.page()).total_count

    @strawberry.field(description="The records of this page, worst first.")
    async def edges(self) -> list[HygieneEdge]:
        page = await self.view.page()
        return [
            HygieneEdge(cursor=cursor, node=HygieneItem.from_result(item, self.app_url))
            for item, cursor in zip(page.items, page.cursors, strict=True)
        ]

    @strawberry.field(description="Where this page stands.")
    async def page_info(self) -> PageInfo:
        return PageInfo.from_page(await self.view.page())


@strawberry.input(description="Which flagged records to show; every criterion given must hold.")
class HygieneFilter:
    entity_types: list[EntityType] | None = strawberry.field(
        default=None, description="Only these kinds of record."
    )
    codes: list[IssueCode] | None = strawberry.field(
        default=None, description="Records with at least one of these issues."
    )
    min_severity: Severity | None = strawberry.field(
        default=None, description="Records whose worst issue is at least this severe."
    )
    min_amount: Decimal | None = strawberry.field(
        default=None, description="Records with at least this much at stake."
    )
    counterparty: str | None = strawberry.field(
        default=None, description="Part of the vendor's or customer's name (or the label)."
    )
    counterparty_id: strawberry.ID | None = strawberry.field(
        default=None, description="Records of this Vendor or Customer (a global id)."
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
    headline = tray.headline
    return HygieneTray(
        business_id=global_id("Business", business.id),
        as_of=day,
        data_synced_at=business.last_synced_at,
        score=headline.score,
        examined_count=headline.examined_count,
        issue_count=headline.counts.issue_count,
        high_count=headline.counts.high_count,
        medium_count=headline.counts.medium_count,
        low_count=headline.counts.low_count,
        amount_at_stake=headline.counts.amount_at_stake,
        assessed_at=tray.assessed_at,
        view=tray,
        app_url=context.qbo_app_url,
    )
