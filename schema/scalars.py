"""The ``Date``, ``DateTime`` and ``Decimal`` scalars: described, and refusing inputs the views
cannot compute with.

strawberry's own ``Date`` takes any ISO date from 0001-01-01 to 9999-12-31, but the views count
weeks and days either side of the date they are given (a burn window before it, a forecast after
it), which overflows Python's ``date`` near both ends: an ``asOf`` of 0001-01-01 answered
"Unexpected error." Its ``Decimal`` takes "NaN", which no comparison accepts (a ``minAmount`` of
"NaN" raised ``InvalidOperation``). Both now refuse such values while the variables are read, so
the client gets a ``BAD_USER_INPUT`` naming the variable; parsing and output are strawberry's.
``DateTime`` is strawberry's own, with a description that says what the API's moments look like.
"""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from graphql import GraphQLError
from strawberry.schema.types.base_scalars import (
    DateDefinition,
    DateTimeDefinition,
    DecimalDefinition,
)
from strawberry.types.scalar import ScalarDefinition

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
"""The dates a view may be asked about: those the mirror holds books for (the QBO mapper refuses
dates outside them as typos), with centuries of margin for the arithmetic at either end."""


def _parse_date(value: object) -> date:
    day = DateDefinition.parse_value(value)  # type: ignore[misc]
    assert isinstance(day, date)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise GraphQLError(
            f"Value cannot represent a Date: {value!r}. Dates run from "
            f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}."
        )
    return day


def _parse_decimal(value: object) -> Decimal:
    amount = DecimalDefinition.parse_value(value)  # type: ignore[misc]
    assert isinstance(amount, Decimal)
    if not amount.is_finite():
        raise GraphQLError(f"Value cannot represent a Decimal: {value!r}. Expected a finite one.")
    return amount


SCALARS: dict[object, ScalarDefinition] = {
    date: ScalarDefinition(
        name=DateDefinition.name,
        description=f"A calendar day, ISO 8601 (e.g. 2026-11-20), from {EARLIEST_DATE} to "
        f"{LATEST_DATE}.",
        specified_by_url=DateDefinition.specified_by_url,
        serialize=DateDefinition.serialize,
        parse_value=_parse_date,
        parse_literal=None,
        origin=date,
    ),
    datetime: replace(
        DateTimeDefinition,
        description="A moment, ISO 8601 with its UTC offset (e.g. 2026-11-20T14:05:00+00:00).",
    ),
    Decimal: ScalarDefinition(
        name=DecimalDefinition.name,
        description="An exact number, sent as a string so nothing is lost to floating point "
        '(e.g. "1234.50"); inputs may also be numbers, and must be finite.',
        specified_by_url=DecimalDefinition.specified_by_url,
        serialize=DecimalDefinition.serialize,
        parse_value=_parse_decimal,
        parse_literal=None,
        origin=Decimal,
    ),
}
"""For ``StrawberryConfig.scalar_map``: strawberry's definitions with the checks above."""
