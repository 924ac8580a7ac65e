"""Fit mapped values to their columns, so neither database ever refuses a row for a length.

PostgreSQL enforces ``VARCHAR(n)``; SQLite does not, so without this a row would land on one and
fail on the other. The limits are read from the tables themselves, so a new column is covered
the day it is added. What happens to an over-long value depends on what it is:

- display text (names, doc numbers) is truncated: the whole value stays in ``raw``, and a long
  vendor name must not hide a payable;
- an email is dropped (NULL): a cut address is a wrong address;
- ids and codes (``*_qbo_id``, currency, types) are refused: a cut id joins the wrong row, so the
  object is reported instead.
"""

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Table
from sqlmodel import SQLModel

from sync.errors import MalformedValue

Row = dict[str, Any]

_TRUNCATED = frozenset(
    {
        "name",
        "legal_name",
        "display_name",
        "company_name",
        "fully_qualified_name",
        "vendor_name",
        "customer_name",
        "account_name",
        "item_name",
        "doc_number",
        "country",
    }
)
_DROPPED = frozenset({"email", "bill_email", "company_email"})
Overflow = Literal["truncate", "drop", "refuse"]


@dataclass(frozen=True)
class ColumnLimit:
    """One bounded string column, and what becomes of a value longer than it."""

    column: str
    length: int
    overflow: Overflow


def limits_of(model: type[SQLModel]) -> tuple[ColumnLimit, ...]:
    """Every bounded string column of ``model``, read from the table so new columns are covered."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    limits = []
    for column in table.columns:
        # SQLModel's AutoString is a TypeDecorator, not a String: ask for the length itself.
        length = getattr(column.type, "length", None)
        if type(length) is int and length > 0:
            overflow: Overflow = (
                "truncate"
                if column.name in _TRUNCATED
                else "drop"
                if column.name in _DROPPED
                else "refuse"
            )
            limits.append(ColumnLimit(column.name, length, overflow))
    return tuple(limits)


def fit(row: Row, limits: tuple[ColumnLimit, ...], where: str = "") -> Row:
    """Make ``row``'s strings fit their columns (in place), so the database never refuses one."""
    for limit in limits:
        value = row.get(limit.column)
        if value is None or len(value) <= limit.length:
            continue
        if limit.overflow == "truncate":
            row[limit.column] = value[: limit.length]
        elif limit.overflow == "drop":
            row[limit.column] = None
        else:
            raise MalformedValue(
                where + limit.column, f"longer than {limit.length} characters: {value[:20]!r}..."
            )
    return row
