"""Per-request loaders of stored assessments: summaries by (business, day), pages and counts.

Many businesses asked for in one request (the advisor overview) share one statement per loader.
Summaries are scoped to the caller's businesses; pages and counts take assessment ids, which
only ever come from those scoped summaries.
"""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.assessments import pages, queries
from domains.assessments.models import (
    AssessedBill,
    AssessedHygieneItem,
    AssessedInvoice,
    Assessment,
)
from domains.assessments.queries import AssessmentKey

Sessions = async_sessionmaker[AsyncSession]
Criteria = pages.ItemCriteria | pages.BillCriteria | pages.InvoiceCriteria | None


class AssessmentsByKey(DataLoader[AssessmentKey, Assessment | None]):
    """Stored assessments by (business id, as of), without their digest detail."""

    def __init__(self, sessions: Sessions, allowed_ids: Collection[int] | None) -> None:
        super().__init__()
        self._sessions = sessions
        self._allowed_ids = None if allowed_ids is None else frozenset(allowed_ids)

    async def batch_load_fn(self, keys: Sequence[AssessmentKey]) -> list[Assessment | None]:
        wanted = {key for key in keys if self._allowed_ids is None or key[0] in self._allowed_ids}
        async with self._sessions() as session:
            rows = await queries.list_assessments(session, keys=wanted)
        by_key = {(row.business_id, row.as_of): row for row in rows}
        return [by_key.get(key) for key in keys]


class DetailsById(DataLoader[int, dict[str, Any]]):
    """The digest detail of stored assessments (ids from scoped summaries)."""

    def __init__(self, sessions: Sessions) -> None:
        super().__init__()
        self._sessions = sessions

    async def batch_load_fn(self, keys: Sequence[int]) -> list[dict[str, Any]]:
        async with self._sessions() as session:
            details = await queries.list_details(session, assessment_ids=set(keys))
        return [details.get(key, {}) for key in keys]


@dataclass(frozen=True)
class PageKey:
    """One page of one assessment's records: what, which, after where, how many."""

    kind: str
    """``hygiene``, ``bills``, ``collections`` or ``pay_plan``."""
    criteria: Criteria
    group: str | None
    after: str | None
    limit: int
    assessment_id: int

    @property
    def batch(self) -> tuple[str, Criteria, str | None, str | None, int]:
        return (self.kind, self.criteria, self.group, self.after, self.limit)


def _model_and_conditions(
    kind: str, criteria: Criteria, group: str | None
) -> tuple[pages.RecordModel, list[ColumnElement[bool]]]:
    conditions = criteria.conditions() if criteria is not None else []
    if kind == "hygiene":
        return AssessedHygieneItem, conditions
    if kind == "collections":
        return AssessedInvoice, conditions
    if kind == "pay_plan":
        return AssessedBill, [col(AssessedBill.plan_cash_after).is_not(None)]
    if group is not None:
        conditions.append(col(AssessedBill.bill_group) == group)
    return AssessedBill, conditions


class Pages(DataLoader[PageKey, list[pages.PageRow]]):
    """Pages of records; keys that differ only by assessment share one statement."""

    def __init__(self, sessions: Sessions) -> None:
        super().__init__()
        self._sessions = sessions

    async def batch_load_fn(self, keys: Sequence[PageKey]) -> list[list[pages.PageRow]]:
        by_batch: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for key in keys:
            by_batch[key.batch].append(key.assessment_id)
        found: dict[PageKey, list[pages.PageRow]] = {}
        async with self._sessions() as session:
            for (kind, criteria, group, after, limit), ids in by_batch.items():
                model, conditions = _model_and_conditions(kind, criteria, group)
                rows = await pages.page_rows(
                    session,
                    model,
                    assessment_ids=sorted(set(ids)),
                    conditions=conditions,
                    after=after,
                    limit=limit,
                )
                for assessment_id, page in rows.items():
                    found[PageKey(kind, criteria, group, after, limit, assessment_id)] = list(page)
        return [found.get(key, []) for key in keys]


@dataclass(frozen=True)
class CountKey:
    """How many records of one assessment a page's criteria select."""

    kind: str
    criteria: Criteria
    group: str | None
    assessment_id: int


class Counts(DataLoader[CountKey, int]):
    """Record counts; keys that differ only by assessment share one statement."""

    def __init__(self, sessions: Sessions) -> None:
        super().__init__()
        self._sessions = sessions

    async def batch_load_fn(self, keys: Sequence[CountKey]) -> list[int]:
        by_batch: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for key in keys:
            by_batch[(key.kind, key.criteria, key.group)].append(key.assessment_id)
        found: dict[CountKey, int] = {}
        async with self._sessions() as session:
            for (kind, criteria, group), ids in by_batch.items():
                model, conditions = _model_and_conditions(kind, criteria, group)
                counts = await pages.count_rows(
                    session,
                    model,
                    assessment_ids=set(ids),
                    conditions=conditions,
                )
                for assessment_id, count in counts.items():
                    found[CountKey(kind, criteria, group, assessment_id)] = count
        return [found.get(key, 0) for key in keys]


@dataclass(frozen=True)
class TotalsKey:
    """The totals of one assessment's records that ``criteria`` select."""

    criteria: Criteria
    assessment_id: int


class _Totals(DataLoader[TotalsKey, Any]):
    """Totals of filtered records; keys that differ only by assessment share one statement."""

    def __init__(self, sessions: Sessions) -> None:
        super().__init__()
        self._sessions = sessions

    async def totals(
        self, session: AsyncSession, criteria: Criteria, assessment_ids: Collection[int]
    ) -> dict[int, Any]:
        raise NotImplementedError

    async def batch_load_fn(self, keys: Sequence[TotalsKey]) -> list[Any]:
        by_criteria: dict[Criteria, set[int]] = defaultdict(set)
        for key in keys:
            by_criteria[key.criteria].add(key.assessment_id)
        found: dict[TotalsKey, Any] = {}
        async with self._sessions() as session:
            for criteria, ids in by_criteria.items():
                for assessment_id, totals in (await self.totals(session, criteria, ids)).items():
                    found[TotalsKey(criteria, assessment_id)] = totals
        return [found[key] for key in keys]


def _conditions(criteria: Criteria) -> list[ColumnElement[bool]]:
    return criteria.conditions() if criteria is not None else []


class ItemTotals(_Totals):
    """``pages.item_totals`` of many assessments at once."""

    async def totals(
        self, session: AsyncSession, criteria: Criteria, assessment_ids: Collection[int]
    ) -> dict[int, Any]:
        return await pages.item_totals(
            session, assessment_ids=assessment_ids, conditions=_conditions(criteria)
        )


class BillTotals(_Totals):
    """``pages.bill_totals`` of many assessments at once."""

    async def totals(
        self, session: AsyncSession, criteria: Criteria, assessment_ids: Collection[int]
    ) -> dict[int, Any]:
        return await pages.bill_totals(
            session, assessment_ids=assessment_ids, conditions=_conditions(criteria)
        )


class InvoiceTotals(_Totals):
    """``pages.invoice_totals`` of many assessments at once."""

    async def totals(
        self, session: AsyncSession, criteria: Criteria, assessment_ids: Collection[int]
    ) -> dict[int, Any]:
        return await pages.invoice_totals(
            session, assessment_ids=assessment_ids, conditions=_conditions(criteria)
        )
