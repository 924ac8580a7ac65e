"""Relay plumbing: global ids ("Type:pk" in base64), the ``Node`` interface and ``PageInfo``."""

from typing import Any

import strawberry
from strawberry.relay import from_base64, to_base64

from resolvers.pagination import Page


def global_id(type_name: str, pk: int | None) -> strawberry.ID:
    """The opaque global id of row ``pk`` of ``type_name``."""
    return strawberry.ID(to_base64(type_name, str(pk)))


def parse_global_id(value: str, expected: str | None = None) -> tuple[str, int] | None:
    """(type, pk) inside a global id; ``None`` if malformed or not of the ``expected`` type.

    Malformed ids answer like unknown ones: the client learns nothing about what exists.
    """
    try:
        type_name, pk = from_base64(value)
    except ValueError:  # bad base64, bad UTF-8 or no "Type:" prefix
        return None
    if (expected is not None and type_name != expected) or not pk.isdigit() or len(pk) > 18:
        return None
    return type_name, int(pk)


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def from_page(cls, page: Page[Any]) -> "PageInfo":
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        )
