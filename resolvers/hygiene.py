"""The hygiene tray: every broken or incomplete record of a business, filtered and paginated."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domains.core.models import Business
from resolvers.assessment import assess_business
from resolvers.loaders import Loaders
from resolvers.pagination import Page, paginate
from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode, Severity
from resolvers.rules.hygiene.items import HygieneItem
from resolvers.rules.hygiene.report import HygieneCounts, HygieneReport, counts_of, tray_order
from resolvers.thresholds import Thresholds


@dataclass(frozen=True)
class HygieneFilter:
    """What the bookkeeper asked to see; every set criterion must hold."""

    entity_types: frozenset[EntityType] | None = None
    codes: frozenset[IssueCode] | None = None
    min_severity: Severity | None = None
    min_amount: Decimal | None = None
    counterparty: str | None = None
    counterparty_qbo_ids: frozenset[str] | None = None


@dataclass(frozen=True)
class HygieneTray:
    """One page of the tray, with the whole business's score and counts and the filtered set's."""

    business: Business
    as_of: date
    report: HygieneReport
    """The whole business: score and counts whatever the filter."""
    matching: HygieneCounts
    """The records the filter matches (all of them, not only this page)."""
    page: Page[HygieneItem]


def matches(item: HygieneItem, wanted: HygieneFilter) -> bool:
    """Whether a flagged record passes every criterion of the filter."""
    if wanted.entity_types is not None and item.entity_type not in wanted.entity_types:
        return False
    if wanted.codes is not None and not any(i.code in wanted.codes for i in item.issues):
        return False
    if wanted.min_severity is not None and item.severity < wanted.min_severity:
        return False
    if wanted.min_amount is not None and item.amount < wanted.min_amount:
        return False
    if wanted.counterparty_qbo_ids is not None and (
        item.counterparty_qbo_id not in wanted.counterparty_qbo_ids
    ):
        return False
    if wanted.counterparty:
        needle = wanted.counterparty.casefold()
        haystack = f"{item.counterparty_name or ''} {item.label}".casefold()
        if needle not in haystack:
            return False
    return True


async def hygiene_tray(
    loaders: Loaders,
    business: Business,
    *,
    as_of: date,
    thresholds: Thresholds,
    wanted: HygieneFilter,
    first: int | None,
    after: str | None,
) -> HygieneTray:
    """The page of flagged records matching ``wanted`` after the cursor ``after``."""
    assessment = await assess_business(loaders, business, as_of=as_of, thresholds=thresholds)
    report = assessment.hygiene
    chosen = [item for item in report.items if matches(item, wanted)]
    page = paginate(chosen, kind="hygiene", key=tray_order, first=first, after=after)
    return HygieneTray(
        business=business, as_of=as_of, report=report, matching=counts_of(chosen), page=page
    )
