"""The hygiene tray orchestrator (``resolvers.hygiene``) without GraphQL, over the hand-built books.

The same figures as the GraphQL tests (``tests.handbuilt.figures``), read from the orchestrator's
own results: a page of ``HygieneItem``s and the whole business's ``HygieneReport``.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from domains.core.models import Business
from resolvers.assessment_records import HygieneHeadline
from resolvers.errors import InvalidPageRequest, NotFound
from resolvers.hygiene import HygieneFilter, HygieneTray, hygiene_tray
from resolvers.loaders import Loaders
from resolvers.pagination import Page, encode_cursor
from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode, Severity
from resolvers.rules.hygiene.items import HygieneItem
from resolvers.thresholds import Thresholds
from tests.conftest import Database
from tests.factories import land_companies
from tests.handbuilt.company import (
    LATE_BILL,
    NOW,
    TODAY,
    harborview_update,
    other_company,
)
from tests.handbuilt.figures import FLAGGED, TRAY_ORDER
from tests.statements import counting_statements, tables_read


@dataclass(frozen=True)
class Shown:
    """A tray and its page, read."""

    view: HygieneTray
    page: Page[HygieneItem]

    @property
    def report(self) -> HygieneHeadline:
        return self.view.headline


async def tray(
    loaders: Loaders,
    business: Business,
    wanted: HygieneFilter | None = None,
    *,
    first: int | None = 500,
    after: str | None = None,
) -> Shown:
    view = await hygiene_tray(
        loaders,
        business,
        as_of=TODAY,
        thresholds=Thresholds(),
        wanted=wanted or HygieneFilter(),
        first=first,
        after=after,
    )
    return Shown(view, await view.page())


def keys(result: Shown) -> list[tuple[str, str]]:
    return [(entry.entity_type, entry.qbo_id) for entry in result.page.items]


def flagged(entry: HygieneItem) -> tuple[Any, ...]:
    """An item as ``FLAGGED`` spells it (enums compare equal to their names)."""
    item = entry
    return (
        item.entity_type,
        item.qbo_id,
        item.severity,
        [issue.code for issue in item.issues],
        str(item.amount),
    )


async def test_the_tray_lists_every_planted_problem_worst_first(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await tray(loaders, harborview_business)

    assert [flagged(entry) for entry in result.page.items] == FLAGGED
    assert keys(result) == TRAY_ORDER
    assert (result.view.as_of, result.view.business.id) == (TODAY, harborview_business.id)
    assert result.page.total_count == 12
    assert (result.page.has_next_page, result.page.has_previous_page) == (False, False)


async def test_the_report_scores_the_whole_business(
    loaders: Loaders, harborview_business: Business
) -> None:
    report = (await tray(loaders, harborview_business, first=1)).report

    # examined: 14 bills + 5 open invoices + 7 vendors + 3 customers = 29; penalty = 4 HIGH x 3
    # + 6 MEDIUM x 2 + 2 LOW x 1 = 26; score = round(100 * (1 - 26 / (3 * 29))) = 70.
    assert report.examined_count == 29
    assert report.score == 70
    counts = report.counts
    assert (counts.high_count, counts.medium_count, counts.low_count) == (4, 6, 2)
    assert counts.issue_count == 13
    assert counts.amount_at_stake == Decimal("6700.00")


async def test_items_carry_their_counterparty(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await tray(loaders, harborview_business)
    parties = {
        (e.entity_type, e.qbo_id): (e.counterparty_qbo_id, e.counterparty_name)
        for e in result.page.items
    }

    assert parties[(EntityType.BILL, "108")] == ("54", "Old Printing")  # inactive, still named
    assert parties[(EntityType.BILL, "109")] == ("53", "Bright Office")
    assert parties[(EntityType.INVOICE, "204")] == ("72", "Harbor Gym")
    assert parties[(EntityType.VENDOR, "55")] == ("55", "Coastal Paper Co")
    assert parties[(EntityType.CUSTOMER, "72")] == ("72", "Harbor Gym")


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        pytest.param(
            HygieneFilter(entity_types=frozenset({EntityType.VENDOR, EntityType.CUSTOMER})),
            [("CUSTOMER", "72"), ("VENDOR", "55"), ("VENDOR", "56"), ("VENDOR", "53")],
            id="entity-types",
        ),
        pytest.param(  # bill 108's second issue is enough to match
            HygieneFilter(codes=frozenset({IssueCode.UNCATEGORIZED})),
            [("BILL", "108"), ("BILL", "103")],
            id="codes",
        ),
        pytest.param(HygieneFilter(min_severity=Severity.HIGH), TRAY_ORDER[:4], id="high"),
        pytest.param(HygieneFilter(min_severity=Severity.MEDIUM), TRAY_ORDER[:10], id="medium"),
        pytest.param(  # amounts >= 900.00: 1200, 1200, 900, 900 (113's 700 is not)
            HygieneFilter(min_amount=Decimal("900")),
            [("CUSTOMER", "72"), ("INVOICE", "204"), ("BILL", "103"), ("VENDOR", "53")],
            id="min-amount",
        ),
        pytest.param(  # case-insensitive, on the party's name or the item's label
            HygieneFilter(counterparty="HARBOR"),
            [("CUSTOMER", "72"), ("INVOICE", "204")],
            id="counterparty",
        ),
        pytest.param(  # Bright Office's bills and the vendor record itself
            HygieneFilter(counterparty_qbo_ids=frozenset({"53"})),
            [("BILL", "109"), ("BILL", "110"), ("VENDOR", "53")],
            id="counterparty-id",
        ),
        pytest.param(HygieneFilter(counterparty_qbo_ids=frozenset()), [], id="nobody"),
        pytest.param(
            HygieneFilter(
                entity_types=frozenset({EntityType.BILL}),
                min_severity=Severity.MEDIUM,
                min_amount=Decimal("300"),
            ),
            [("BILL", "113"), ("BILL", "108"), ("BILL", "109"), ("BILL", "110"), ("BILL", "111")],
            id="combined",
        ),
    ],
)
async def test_filters_narrow_the_page_but_not_the_report(
    loaders: Loaders,
    harborview_business: Business,
    wanted: HygieneFilter,
    expected: list[tuple[str, str]],
) -> None:
    result = await tray(loaders, harborview_business, wanted)

    assert keys(result) == expected
    assert result.page.total_count == len(expected)
    report = result.report
    assert (report.score, report.counts.high_count, report.counts.issue_count) == (70, 4, 13)
    # The filtered set's own counts, beside the whole business's.
    matching = await result.view.matching()
    assert matching.item_count == len(expected)


async def test_pages_continue_from_their_cursor(
    loaders: Loaders, harborview_business: Business
) -> None:
    first = await tray(loaders, harborview_business, first=5)
    second = await tray(loaders, harborview_business, first=5, after=first.page.cursors[-1])
    third = await tray(loaders, harborview_business, first=5, after=second.page.cursors[-1])
    empty = await tray(loaders, harborview_business, first=0)

    assert [keys(page) for page in (first, second, third)] == [
        TRAY_ORDER[:5],
        TRAY_ORDER[5:10],
        TRAY_ORDER[10:],
    ]
    assert [(p.page.has_previous_page, p.page.has_next_page) for p in (first, second, third)] == [
        (False, True),
        (True, True),
        (True, False),
    ]
    assert len(first.page.cursors) == 5
    assert (keys(empty), empty.page.total_count, empty.page.has_next_page) == ([], 12, True)


async def test_a_cursor_holds_when_a_record_is_flagged_before_it(
    database: Database, harborview_business: Business
) -> None:
    first = await tray(Loaders(database.sessions, None), harborview_business, first=4)
    # Bill 115 (800.00 from the inactive vendor: HIGH) sorts before everything seen so far.
    await land_companies(
        database.sessions, [harborview_update({"Bill": [LATE_BILL]})], synced_at=NOW
    )
    fresh = Loaders(database.sessions, None)  # the next request's loaders, and business row
    business = await fresh.business_by_id.load(harborview_business.id or 0)
    assert business is not None

    second = await tray(fresh, business, first=4, after=first.page.cursors[-1])
    restart = await tray(fresh, business, first=4)

    assert keys(second) == TRAY_ORDER[4:8]  # not 110 again, as an offset would give
    assert second.page.total_count == 13
    assert keys(restart) == [("BILL", "115"), *TRAY_ORDER[:3]]


@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor("bills", (0, "x")),  # another connection's cursor
        encode_cursor("hygiene", ("not", "a", "tray", "key", "at", "all")),
        "not a cursor",
    ],
)
async def test_a_foreign_cursor_is_refused(
    loaders: Loaders, harborview_business: Business, cursor: str
) -> None:
    with pytest.raises(InvalidPageRequest, match="not a cursor of this connection"):
        await tray(loaders, harborview_business, after=cursor)


@pytest.mark.parametrize("first", [-1, 501])
async def test_a_page_size_out_of_range_is_refused(
    loaders: Loaders, harborview_business: Business, first: int
) -> None:
    with pytest.raises(InvalidPageRequest, match="'first' must be between 0 and 500"):
        await tray(loaders, harborview_business, first=first)


async def test_loaders_scoped_to_another_business_see_none_of_its_rows(
    database: Database, harborview_business: Business
) -> None:
    [other] = await land_companies(database.sessions, [other_company()], synced_at=NOW)
    elsewhere = Loaders(database.sessions, [other])

    # Harborview's row in hand, through loaders of another business: as if it didn't exist.
    with pytest.raises(NotFound):
        await tray(elsewhere, harborview_business)
    assert await elsewhere.business_by_id.load(harborview_business.id or 0) is None


async def test_the_tray_is_assessed_once_then_read(
    database: Database, loaders: Loaders, harborview_business: Business
) -> None:
    with counting_statements(database.url) as first_request:
        await tray(loaders, harborview_business)
    next_loaders = Loaders(database.sessions, [harborview_business.id or 0])
    with counting_statements(database.url) as next_request:
        await tray(next_loaders, harborview_business, HygieneFilter(min_severity=Severity.HIGH))

    # The first request assessed the business and stored it; the next reads what is stored:
    # the assessment, then its page of flagged records and their count. Nothing recomputed.
    assert any(statement.startswith("INSERT") for statement in first_request)
    assert tables_read(next_request) == sorted(
        ["assessment", "assessed_hygiene_item", "assessed_hygiene_item"]
    )
