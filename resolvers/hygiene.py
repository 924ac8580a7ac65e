"""The hygiene tray: every broken or incomplete record of a business, filtered and paginated.

It reads the business's stored assessment (``resolvers.stored_assessments``): the score and
counts from its summary, a page of flagged records from its rows, cut in SQL.
"""

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domains.assessments.loaders import TotalsKey
from domains.assessments.pages import ItemCriteria, ItemTotals, PageRow
from domains.core.models import Business
from resolvers.assessment_records import HYGIENE_ITEM, HygieneHeadline, code_mask
from resolvers.errors import InvalidRequest
from resolvers.inputs import check_storable
from resolvers.loaders import Loaders
from resolvers.pagination import Page, page_size
from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode, Severity
from resolvers.rules.hygiene.items import HygieneItem
from resolvers.rules.hygiene.report import HygieneCounts
from resolvers.stored_assessments import current_assessment
from resolvers.stored_pages import after_key, stored_page
from resolvers.thresholds import Thresholds

MAX_COUNTERPARTY_LENGTH = 200
"""Characters of the ``counterparty`` filter (a name to find, not a document)."""


@dataclass(frozen=True)
class HygieneFilter:
    """What the bookkeeper asked to see; every set criterion must hold."""

    entity_types: frozenset[EntityType] | None = None
    codes: frozenset[IssueCode] | None = None
    min_severity: Severity | None = None
    min_amount: Decimal | None = None
    counterparty: str | None = None
    """Part of the counterparty's name or the record's label (any case)."""
    counterparty_qbo_ids: frozenset[str] | None = None

    def criteria(self) -> ItemCriteria:
        """The filter as the stored rows' criteria."""
        return ItemCriteria(
            entity_types=None
            if self.entity_types is None
            else frozenset(t.value for t in self.entity_types),
            code_mask=None if self.codes is None else code_mask(self.codes),
            min_severity_rank=None if self.min_severity is None else self.min_severity.rank,
            min_amount=self.min_amount,
            counterparty_qbo_ids=self.counterparty_qbo_ids,
            search=self.counterparty.casefold() if self.counterparty else None,
        )


class HygieneTray:
    """The tray of one business: its headline now, its page and filtered counts when asked."""

    def __init__(
        self,
        loaders: Loaders,
        business: Business,
        *,
        assessment_id: int,
        as_of: date,
        assessed_at: datetime,
        headline: HygieneHeadline,
        wanted: HygieneFilter,
        first: int | None,
        after: str | None,
    ) -> None:
        self.business = business
        self.as_of = as_of
        self.assessed_at = assessed_at
        self.headline = headline
        """The whole business: score and counts whatever the filter."""
        self._loaders = loaders
        self._assessment_id = assessment_id
        self._criteria = wanted.criteria()
        self._filtered = wanted != HygieneFilter()
        self._first = first
        self._after = after
        self._page: asyncio.Future[Page[HygieneItem]] | None = None

    async def page(self) -> Page[HygieneItem]:
        """The page of flagged records the filter selects (read once, however often asked)."""
        if self._page is None:
            self._page = asyncio.ensure_future(
                stored_page(
                    self._loaders,
                    kind="hygiene",
                    assessment_id=self._assessment_id,
                    criteria=self._criteria,
                    first=self._first,
                    after=self._after,
                    decode=_item,
                )
            )
        return await self._page

    async def matching(self) -> HygieneCounts:
        """The counts of every record the filter selects (the whole tray without one)."""
        if not self._filtered:
            return self.headline.counts
        totals: ItemTotals = await self._loaders.item_totals.load(
            TotalsKey(self._criteria, self._assessment_id)
        )
        return HygieneCounts(
            item_count=totals.item_count,
            issue_count=totals.issue_count,
            high_count=totals.high_count,
            medium_count=totals.medium_count,
            low_count=totals.low_count,
            amount_at_stake=totals.amount_at_stake,
        )


def _item(row: PageRow) -> HygieneItem:
    return HYGIENE_ITEM.validate_python(row.payload)


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
    """The tray of ``business`` on ``as_of``: its page of records matching ``wanted`` after the
    cursor ``after`` is read when asked for (the overview reads only the headline)."""
    page_size(first)  # a bad page request is refused whatever fields were asked for
    after_key("hygiene", after)
    if wanted.counterparty is not None:
        if len(wanted.counterparty) > MAX_COUNTERPARTY_LENGTH:
            raise InvalidRequest(
                f"'counterparty' must be at most {MAX_COUNTERPARTY_LENGTH} characters"
            )
        check_storable("counterparty", wanted.counterparty)
    stored = await current_assessment(loaders, business, as_of=as_of, thresholds=thresholds)
    return HygieneTray(
        loaders,
        business,
        assessment_id=stored.id,
        as_of=as_of,
        assessed_at=stored.computed_at,
        headline=stored.summary.hygiene,
        wanted=wanted,
        first=first,
        after=after,
    )
