"""Generic loaders under each domain's loaders.py: rows for many businesses in one query.

Resolvers for 200 businesses each ask for "open bills of business N"; the loader collects those
keys within one tick of the event loop and answers them all with one ``WHERE business_id IN (…)``
statement. Keys outside the caller's businesses answer as empty, without touching the database,
so no path through the schema reaches another tenant's rows.
"""

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar, cast

from aiodataloader import DataLoader
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import defer
from sqlmodel import col

Row = TypeVar("Row")
StatementFor = Callable[[list[int]], Select[*tuple[Any, ...]]]
"""Builds the statement for a batch of (already allowed) business ids."""


class RowsByBusiness(DataLoader[int, list[Row]], Generic[Row]):
    """Rows of one statement grouped by their ``business_id``; one query per batch of businesses."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        allowed_ids: Collection[int] | None,
        statement_for: StatementFor,
        *,
        entities: bool = True,
    ) -> None:
        """``entities``: rows are one ORM entity each (else Core rows with a ``business_id``)."""
        super().__init__()
        self._sessions = sessions
        self._allowed_ids = None if allowed_ids is None else frozenset(allowed_ids)
        self._statement_for = statement_for
        self._entities = entities

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[Row]]:
        wanted = sorted({k for k in keys if self._allowed_ids is None or k in self._allowed_ids})
        grouped: dict[int, list[Row]] = defaultdict(list)
        if wanted:
            statement = self._statement_for(wanted)
            if self._entities:
                statement = statement.options(*_raw_deferred(statement))
            async with self._sessions() as session:
                result = await session.execute(statement)
                rows = result.scalars().all() if self._entities else result.all()
            for row in rows:
                grouped[row.business_id].append(cast(Row, row))
        return [grouped.get(key, []) for key in keys]


def _raw_deferred(statement: Select[*tuple[Any, ...]]) -> list[Any]:
    """Leave each entity's ``raw`` JSON unread: decoding it cost a quarter of a digest's time
    (``bench digest``), and no rule reads it (what they need has a column). ``raiseload`` makes
    a new reader fail loudly in tests rather than lazy-load once per row."""
    return [
        defer(entity.raw, raiseload=True)
        for description in statement.column_descriptions
        if (entity := description.get("entity")) is not None and hasattr(entity, "raw")
    ]


class DatedRow(Protocol):
    """A mirrored transaction with a date (payments, purchases): what ``rows_since`` selects."""

    business_id: int
    txn_date: date | None
    deleted_at: datetime | None


DatedModel = TypeVar("DatedModel", bound=DatedRow)


def rows_since(
    model: type[DatedModel],
    sessions: async_sessionmaker[AsyncSession],
    allowed_ids: Collection[int] | None,
    since: date,
) -> RowsByBusiness[DatedModel]:
    """Live transactions of ``model`` dated on or after ``since``: the money-moved windows."""
    return RowsByBusiness(
        sessions,
        allowed_ids,
        lambda ids: select(model).where(
            col(model.business_id).in_(ids),
            col(model.deleted_at).is_(None),
            col(model.txn_date) >= since,
        ),
    )


class MirroredRow(Protocol):
    """Any table row with our key and its business: what ``RowsById`` looks up."""

    id: int | None
    business_id: int


Model = TypeVar("Model", bound=MirroredRow)


class RowsById(DataLoader[int, Model | None], Generic[Model]):
    """Rows of ``model`` by primary key, ``None`` for missing ones and for other tenants' rows."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        allowed_ids: Collection[int] | None,
        model: type[Model],
    ) -> None:
        super().__init__()
        self._sessions = sessions
        self._allowed_ids = None if allowed_ids is None else frozenset(allowed_ids)
        self._model = model

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Model | None]:
        statement = select(self._model).where(col(self._model.id).in_(set(keys)))
        if self._allowed_ids is not None:
            statement = statement.where(col(self._model.business_id).in_(self._allowed_ids))
        async with self._sessions() as session:
            rows = (await session.scalars(statement)).all()
        by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in keys]
