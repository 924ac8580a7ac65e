"""The list of businesses a caller follows, paginated by an opaque keyset cursor.

Unlike the views, this page is cut in SQL (an advisor firm may follow thousands of businesses), but
with the same cursor format and page-size rules as every other connection.
"""

from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.core import queries as core_queries
from domains.core.models import Business
from resolvers.errors import InvalidPageRequest, InvalidRequest
from resolvers.inputs import check_storable
from resolvers.pagination import Page, decode_cursor, encode_cursor, page_size

_KIND = "businesses"
MAX_SEARCH_LENGTH = 200


def _keyset(business: Business) -> tuple[str, int]:
    assert business.id is not None
    return business.name, business.id


async def business_page(
    sessions: async_sessionmaker[AsyncSession],
    *,
    allowed_ids: Collection[int] | None,
    first: int | None,
    after: str | None,
    search: str | None,
) -> Page[Business]:
    """The page of visible businesses after ``after`` whose name or realm matches ``search``."""
    if search is not None and len(search) > MAX_SEARCH_LENGTH:
        raise InvalidRequest(f"'search' must be at most {MAX_SEARCH_LENGTH} characters")
    if search is not None:
        check_storable("search", search)
    size = page_size(first)
    keyset = None
    if after:
        key = decode_cursor(_KIND, after)
        if len(key) != 2 or not isinstance(key[0], str) or not isinstance(key[1], int):
            raise InvalidPageRequest(f"'after' is not a cursor of this connection: {after!r}")
        keyset = (key[0], key[1])
    async with sessions() as session:
        rows = list(
            await core_queries.list_businesses(
                session, allowed_ids=allowed_ids, search=search, after=keyset, limit=size + 1
            )
        )
        total = await core_queries.count_businesses(session, allowed_ids=allowed_ids, search=search)
    chosen = rows[:size]
    return Page(
        items=chosen,
        cursors=[encode_cursor(_KIND, _keyset(row)) for row in chosen],
        total_count=total,
        has_next_page=len(rows) > size,
        has_previous_page=keyset is not None,
    )
