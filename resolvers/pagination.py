"""Opaque keyset cursors over an ordered list of view rows.

A cursor holds the sort key of the row it points at, not an offset, so a row inserted before it
between two requests doesn't shift the next page. Keys are tuples of ints and strings so they
survive JSON exactly.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from resolvers.errors import InvalidPageRequest

Item = TypeVar("Item")
SortKey = tuple[int | str, ...]

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
MAX_CURSOR_LENGTH = 1024
"""Characters of a cursor: ours are well under it (a sort key and a kind, in base64)."""
MAX_KEY_INT = 2**31
"""Integers in our keys are row ids and date ordinals, all PostgreSQL ``INTEGER`` (int4): a larger
one is no key of ours, and binding it there fails the statement (an uncoded error, not a 400)."""
MAX_KEY_TEXT = 256


@dataclass(frozen=True)
class Page(Generic[Item]):
    """One page of rows with what a Relay connection needs."""

    items: list[Item]
    cursors: list[str]
    total_count: int
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(kind: str, key: SortKey) -> str:
    """An opaque cursor for ``key`` in a connection of ``kind`` (cursors don't cross kinds)."""
    return base64.urlsafe_b64encode(json.dumps([kind, *key]).encode()).decode()


def decode_cursor(kind: str, cursor: str) -> SortKey:
    """The key inside ``cursor``, or ``InvalidPageRequest`` if it isn't one of ``kind``'s.

    A cursor comes back from clients, so it is checked before anything reads it: its length
    (an opaque cursor of ours is short), then that it is a flat list of the connection's kind
    and parts that are strings or integers of bounded size (``True`` is not an integer here, and
    neither a 23-digit number nor one past int4 is a key of ours).
    """
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidPageRequest("'after' is not a cursor of this connection (too long)")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, UnicodeError, ValueError, RecursionError) as error:
        raise InvalidPageRequest(
            f"'after' is not a cursor of this connection: {cursor!r}"
        ) from error
    if (
        not isinstance(decoded, list)
        or not decoded
        or decoded[0] != kind
        or not all(_key_part(part) for part in decoded[1:])
    ):
        raise InvalidPageRequest(f"'after' is not a cursor of this connection: {cursor!r}")
    return tuple(decoded[1:])


def _key_part(part: object) -> bool:
    if type(part) is int:
        return abs(part) < MAX_KEY_INT
    return type(part) is str and len(part) <= MAX_KEY_TEXT


def page_size(first: int | None) -> int:
    """``first`` checked against the contract: 0 to 500, 50 when absent."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise InvalidPageRequest(f"'first' must be between 0 and {MAX_PAGE_SIZE}, got {size}")
    return size


def paginate(
    items: Sequence[Item],
    *,
    kind: str,
    key: Callable[[Item], SortKey],
    first: int | None,
    after: str | None,
) -> Page[Item]:
    """The page of ``items`` (already sorted by ``key``) after the cursor ``after``."""
    size = page_size(first)
    start = 0
    if after:
        boundary = decode_cursor(kind, after)
        start = next(
            (i for i, item in enumerate(items) if _compare(key(item), boundary) > 0), len(items)
        )
    chosen = list(items[start : start + size])
    return Page(
        items=chosen,
        cursors=[encode_cursor(kind, key(item)) for item in chosen],
        total_count=len(items),
        has_next_page=start + size < len(items),
        has_previous_page=start > 0,
    )


def _compare(left: SortKey, right: SortKey) -> int:
    """Compare keys part by part; a cursor from an older key shape sorts by what it has."""
    for a, b in zip(left, right, strict=False):
        if a == b:
            continue
        if type(a) is not type(b):
            raise InvalidPageRequest("'after' is not a cursor of this connection")
        return -1 if a < b else 1  # type: ignore[operator]
    return 0
