"""Relay plumbing: global ids ("Type:pk" in base64), the ``Node`` interface and ``PageInfo``."""

from typing import Any

import strawberry
from strawberry.relay import from_base64, to_base64

from resolvers.errors import InvalidRequest
from resolvers.pagination import MAX_KEY_INT as MAX_PK
from resolvers.pagination import Page


def global_id(type_name: str, pk: int | None) -> strawberry.ID:
    """The opaque global id of row ``pk`` of ``type_name``."""
    return strawberry.ID(to_base64(type_name, str(pk)))


def parse_global_id(value: str, expected: str | None = None) -> tuple[str, int] | None:
    """(type, pk) inside a global id; ``None`` if malformed or not of the ``expected`` type.

    Malformed ids answer like unknown ones: the client learns nothing about what exists. A bare
    number is the one exception: it is a database id (the CLI shows both forms), so it is refused
    as BAD_USER_INPUT naming the global id to send instead, rather than answered as null; the API
    keeps one form per object, so client caches never hold one object under two ids.
    """
    if value.isascii() and value.isdigit():
        example = to_base64(expected or "Business", value)
        raise InvalidRequest(
            f"{value!r} is a database id; the API takes global ids: {expected or 'Business'} "
            f"{value} is {example!r} (every `id` field returns them; `runway business list` "
            "shows both)."
        )
    try:
        type_name, pk = from_base64(value)
    except ValueError:  # bad base64, bad UTF-8 or no "Type:" prefix
        return None
    # Primary keys are PostgreSQL INTEGER (int4): a larger pk names no row, and binding it fails.
    if (expected is not None and type_name != expected) or not pk.isdigit() or len(pk) > 10:
        return None
    if int(pk) >= MAX_PK:
        return None
    return type_name, int(pk)


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Its global id: opaque, stable, and the same wherever the object appears."
    )


@strawberry.type(description="Where a page stands in its list, and the cursors to page on from.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More come after this page: ask again with `after: endCursor`."
    )
    has_previous_page: bool = strawberry.field(
        description="Items come before this page (it was asked for with `after`)."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first item; null when the page is empty."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last item, to pass as `after` for the next page; "
        "null when the page is empty."
    )

    @classmethod
    def from_page(cls, page: Page[Any]) -> "PageInfo":
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        )
