"""The list of businesses a caller follows, paginated by an opaque keyset cursor."""

import base64
import binascii
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.core import queries as core_queries
from domains.core.models import Business

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
_CURSOR_PREFIX = "business:"


class InvalidPageRequest(ValueError):
    """A page request the client must fix: a bad cursor or a page size out of range."""


@dataclass(frozen=True)
class BusinessPage:
    """One page of businesses, with what a Relay connection needs to render it."""

    businesses: list[Business]
    cursors: list[str]
    total_count: int
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(business: Business) -> str:
    """An opaque cursor holding the (name, id) keyset, so pages don't shift when rows are added."""
    raw = f"{_CURSOR_PREFIX}{business.id}:{business.name}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, int]:
    """The (name, id) keyset inside ``cursor``; anything else is an ``InvalidPageRequest``."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not raw.startswith(_CURSOR_PREFIX):
            raise ValueError(raw)
        business_id, name = raw.removeprefix(_CURSOR_PREFIX).split(":", 1)
        return name, int(business_id)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidPageRequest(
            f"'after' is not a cursor from this connection: {cursor!r}"
        ) from error


async def business_page(
    sessions: async_sessionmaker[AsyncSession],
    *,
    allowed_ids: Collection[int] | None,
    first: int | None,
    after: str | None,
    search: str | None,
) -> BusinessPage:
    """The page of visible businesses after ``after`` whose name or realm matches ``search``."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise InvalidPageRequest(f"'first' must be between 0 and {MAX_PAGE_SIZE}, got {size}")
    keyset = decode_cursor(after) if after else None
    async with sessions() as session:
        rows = list(
            await core_queries.list_businesses(
                session, allowed_ids=allowed_ids, search=search, after=keyset, limit=size + 1
            )
        )
        total = await core_queries.count_businesses(session, allowed_ids=allowed_ids, search=search)
    page = rows[:size]
    return BusinessPage(
        businesses=page,
        cursors=[encode_cursor(row) for row in page],
        total_count=total,
        has_next_page=len(rows) > size,
        has_previous_page=keyset is not None,
    )
