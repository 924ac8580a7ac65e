"""The businesses page (``resolvers.businesses.business_page``) without GraphQL.

Cut in SQL by an opaque keyset cursor (name, id), with the page-size rules of every connection,
scoped to the caller's businesses.
"""

import pytest

from domains.core.models import Business
from resolvers.businesses import business_page
from resolvers.errors import InvalidPageRequest, InvalidRequest
from resolvers.pagination import Page, encode_cursor
from tests.conftest import Database
from tests.factories import land_companies, make_business
from tests.handbuilt.company import NOW, harborview, other_company

NAMES = ["Cedar Cafe", "Alder Dental", "Birch Books", "Alder Dental", "Dogwood Gym"]


async def make_businesses(database: Database) -> list[int]:
    """The businesses of ``NAMES``, in that order (two share a name); their ids."""
    ids = []
    for name in NAMES:
        business = await make_business(database.sessions, name=name)
        assert business.id is not None
        ids.append(business.id)
    return ids


def names(page: Page[Business]) -> list[str]:
    return [business.name for business in page.items]


async def test_businesses_page_by_name_then_id_and_continue_from_a_cursor(
    database: Database,
) -> None:
    ids = await make_businesses(database)

    first = await business_page(
        database.sessions, allowed_ids=None, first=2, after=None, search=None
    )
    # A business added before the cursor doesn't shift the next page (an offset would).
    await make_business(database.sessions, name="Aardvark Tools")
    second = await business_page(
        database.sessions, allowed_ids=None, first=2, after=first.cursors[-1], search=None
    )
    third = await business_page(
        database.sessions, allowed_ids=None, first=2, after=second.cursors[-1], search=None
    )

    assert names(first) == ["Alder Dental", "Alder Dental"]
    assert [b.id for b in first.items] == [ids[1], ids[3]]  # a tie on the name: by id
    assert (first.total_count, first.has_next_page, first.has_previous_page) == (5, True, False)
    assert names(second) == ["Birch Books", "Cedar Cafe"]
    assert (second.total_count, second.has_next_page, second.has_previous_page) == (6, True, True)
    assert names(third) == ["Dogwood Gym"]
    assert third.has_next_page is False


async def test_a_page_holds_only_the_callers_businesses(database: Database) -> None:
    [harbor, zenith] = await land_companies(
        database.sessions, [harborview(), other_company()], synced_at=NOW
    )
    await make_businesses(database)

    mine = await business_page(
        database.sessions, allowed_ids=[zenith, harbor], first=50, after=None, search=None
    )
    nothing = await business_page(
        database.sessions, allowed_ids=[], first=50, after=None, search=None
    )

    assert names(mine) == ["Harborview Bakery", "Zenith Workshop"]
    assert mine.total_count == 2
    assert (names(nothing), nothing.total_count) == ([], 0)


async def test_search_matches_name_or_realm_and_counts_the_matches(database: Database) -> None:
    await make_businesses(database)
    [harbor] = await land_companies(database.sessions, [harborview()], synced_at=NOW)

    alder = await business_page(
        database.sessions, allowed_ids=None, first=1, after=None, search="ALDER"
    )
    realm = await business_page(
        database.sessions, allowed_ids=None, first=50, after=None, search="0000007001"
    )
    hidden = await business_page(
        database.sessions, allowed_ids=[harbor], first=50, after=None, search="alder"
    )

    assert (names(alder), alder.total_count, alder.has_next_page) == (["Alder Dental"], 2, True)
    assert names(realm) == ["Harborview Bakery"]  # its realm is 9130000000007001
    assert (names(hidden), hidden.total_count) == ([], 0)


async def test_first_zero_answers_the_count_alone(database: Database) -> None:
    await make_businesses(database)

    page = await business_page(
        database.sessions, allowed_ids=None, first=0, after=None, search=None
    )

    assert (page.items, page.cursors, page.total_count, page.has_next_page) == ([], [], 5, True)


@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor("hygiene", ("Alder Dental", 1)),  # another connection's cursor
        encode_cursor("businesses", (1, "Alder Dental")),  # this connection's kind, wrong shape
        encode_cursor("businesses", ("Alder Dental",)),
        "not a cursor",
    ],
)
async def test_a_foreign_cursor_is_refused(database: Database, cursor: str) -> None:
    with pytest.raises(InvalidPageRequest, match="not a cursor of this connection"):
        await business_page(database.sessions, allowed_ids=None, first=2, after=cursor, search=None)


@pytest.mark.parametrize(
    ("first", "search", "error", "message"),
    [
        (501, None, InvalidPageRequest, "'first' must be between 0 and 500, got 501"),
        (-1, None, InvalidPageRequest, "'first' must be between 0 and 500, got -1"),
        (2, "x" * 201, InvalidRequest, "'search' must be at most 200 characters"),
        (2, "nul\x00", InvalidRequest, "'search' contains a NUL character."),
        (2, "\ud800", InvalidRequest, "'search' contains an unpaired surrogate"),
    ],
)
async def test_requests_the_page_cannot_answer_are_refused(
    database: Database, first: int, search: str | None, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        await business_page(
            database.sessions, allowed_ids=None, first=first, after=None, search=search
        )
