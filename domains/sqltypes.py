"""Column types that keep money exact and datetimes timezone-aware on both SQLite and PostgreSQL.

SQLite has neither a decimal nor a timezone-aware timestamp type: SQLAlchemy's ``Numeric`` stores a
binary float there, and ``DateTime`` drops the offset. These decorators choose a storage per dialect
so that the Python side always sees ``Decimal`` and aware UTC ``datetime`` values.
"""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Numeric
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

MONEY_SCALE = 4
"""Decimal places kept for every amount (QBO amounts have two; rates and percentages more)."""

_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)
_FACTOR: int = 10**MONEY_SCALE
_CENT = Decimal("0.01")


class Money(TypeDecorator[Decimal]):
    """An exact amount: ``NUMERIC(18, 4)`` on PostgreSQL, integer ten-thousandths on SQLite.

    Scaled integers on SQLite keep ``SUM`` and comparisons exact in SQL, not just in Python.
    """

    impl = Numeric(18, MONEY_SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, MONEY_SCALE, asdecimal=True))

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        amount = Decimal(value)
        if dialect.name == "sqlite":
            return int(amount.quantize(_QUANTUM) * _FACTOR)
        return amount.quantize(_QUANTUM)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return _presentable(Decimal(int(value)).scaleb(-MONEY_SCALE))
        return _presentable(Decimal(str(value)))


def _presentable(amount: Decimal) -> Decimal:
    """Two decimal places when that is exact (1162.50, not 1162.5000), else all four."""
    cents = amount.quantize(_CENT)
    return cents if cents == amount else amount.quantize(_QUANTUM)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; naive values are refused rather than guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store aware datetimes only")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


RawJson = JSON().with_variant(JSONB(), "postgresql")
"""The QBO object as received: JSONB on PostgreSQL for indexing later, JSON text on SQLite."""


def _exact_number(value: object) -> object:
    """Write a ``Decimal`` as a JSON number, refusing one that a float would not round-trip."""
    if isinstance(value, Decimal):
        as_float = float(value)
        if Decimal(repr(as_float)) == value:
            return as_float
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps_json(value: object) -> str:
    """Serialize JSON for the database, keeping ``Decimal`` amounts exact."""
    return json.dumps(value, default=_exact_number, separators=(",", ":"))


def loads_json(text: str | bytes) -> Any:
    """Parse JSON from the database with numbers that have a fraction as ``Decimal``."""
    return json.loads(text, parse_float=Decimal)
