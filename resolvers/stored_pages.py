"""Pages of a stored assessment's records, cut in SQL, as the views' connections show them.

A cursor carries the sort key of the record it points at (the rules' order as one string, see
``resolvers.assessment_records.sort_key``), so the next page is ``sort_key > cursor`` on an
index: a record added before it between two requests doesn't shift what comes next.
"""

import asyncio
from collections.abc import Callable
from typing import TypeVar

from domains.assessments.loaders import CountKey, Criteria, PageKey
from domains.assessments.pages import PageRow
from resolvers.errors import InvalidPageRequest
from resolvers.loaders import Loaders
from resolvers.pagination import Page, decode_cursor, encode_cursor, page_size

Item = TypeVar("Item")


def after_key(kind: str, after: str | None) -> str | None:
    """The sort key inside a cursor of connection ``kind`` (``InvalidPageRequest`` otherwise)."""
    if not after:
        return None
    key = decode_cursor(kind, after)
    if len(key) != 1 or not isinstance(key[0], str):
        raise InvalidPageRequest(f"'after' is not a cursor of this connection: {after!r}")
    return key[0]


async def stored_page(
    loaders: Loaders,
    *,
    kind: str,
    assessment_id: int,
    criteria: Criteria,
    first: int | None,
    after: str | None,
    decode: Callable[[PageRow], Item],
    group: str | None = None,
) -> Page[Item]:
    """A page of ``kind`` records of one assessment, and how many the criteria select."""
    size = page_size(first)
    boundary = after_key(kind, after)
    rows, total = await asyncio.gather(
        loaders.assessment_pages.load(
            PageKey(kind, criteria, group, boundary, size + 1, assessment_id)
        ),
        loaders.assessment_counts.load(CountKey(kind, criteria, group, assessment_id)),
    )
    chosen = rows[:size]
    return Page(
        items=[decode(row) for row in chosen],
        cursors=[encode_cursor(kind, (row.sort_key,)) for row in chosen],
        total_count=total,
        has_next_page=len(rows) > size,
        has_previous_page=boundary is not None,
    )
