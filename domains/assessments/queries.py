"""Writing and reading stored assessments: one replace per batch of businesses, keyed reads.

An assessment is replaced whole (its summary updated, its record rows deleted and inserted) in
one transaction, so a page never mixes two computations. The replace is guarded: a computation
that began from an older ``data_version`` than the stored one (a slower process, a retry) never
overwrites a newer result. Batches write with one statement per table however many businesses
they hold, as the loaders read.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer
from sqlmodel import col

from domains.assessments.models import (
    AssessedBill,
    AssessedHygieneItem,
    AssessedInvoice,
    Assessment,
)
from domains.core.models import Business

RecordModel = type[AssessedHygieneItem] | type[AssessedBill] | type[AssessedInvoice]
RECORD_TABLES: tuple[RecordModel, ...] = (AssessedHygieneItem, AssessedBill, AssessedInvoice)
INSERT_PAGE_ROWS = 500
"""Rows per INSERT statement of one executemany (well under the drivers' parameter limits)."""

AssessmentKey = tuple[int, date]
"""(business id, as of): what an assessment is of."""


@dataclass
class NewAssessment:
    """An assessment ready to store: its summary columns and its record rows (column dicts)."""

    business_id: int
    as_of: date
    data_version: int
    thresholds_key: str
    computed_at: datetime
    status: str
    summary: dict[str, Any]
    detail: dict[str, Any]
    hygiene_items: list[dict[str, Any]] = field(default_factory=list)
    bills: list[dict[str, Any]] = field(default_factory=list)
    invoices: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> AssessmentKey:
        return (self.business_id, self.as_of)


async def replace_assessments(
    session: AsyncSession, *, assessments: Sequence[NewAssessment]
) -> dict[AssessmentKey, int]:
    """Store ``assessments``; returns the stored id of each one written.

    One not written is older than what is stored: computed from a lower ``data_version`` with
    the same thresholds. The caller owns the transaction.
    """
    if not assessments:
        return {}
    table: Table = Assessment.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert: Any = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    excluded = insert.excluded
    statement = (
        insert.on_conflict_do_update(
            index_elements=[table.c.business_id, table.c.as_of],
            set_={
                name: excluded[name]
                for name in (
                    "data_version",
                    "thresholds_key",
                    "computed_at",
                    "status",
                    "summary",
                    "detail",
                )
            },
            where=or_(
                excluded.data_version >= table.c.data_version,
                excluded.thresholds_key != table.c.thresholds_key,
            ),
        )
        .returning(table.c.id, table.c.business_id, table.c.as_of)
        .execution_options(insertmanyvalues_page_size=INSERT_PAGE_ROWS)
    )
    rows = [
        {
            "business_id": new.business_id,
            "as_of": new.as_of,
            "data_version": new.data_version,
            "thresholds_key": new.thresholds_key,
            "computed_at": new.computed_at,
            "status": new.status,
            "summary": new.summary,
            "detail": new.detail,
        }
        for new in assessments
    ]
    written = {
        (business_id, as_of): assessment_id
        for assessment_id, business_id, as_of in (await session.execute(statement, rows)).all()
    }
    if not written:
        return written
    ids = list(written.values())
    for model in RECORD_TABLES:
        await session.execute(delete(model).where(col(model.assessment_id).in_(ids)))
    for model, attribute in (
        (AssessedHygieneItem, "hygiene_items"),
        (AssessedBill, "bills"),
        (AssessedInvoice, "invoices"),
    ):
        records = [
            {**record, "assessment_id": written[new.key]}
            for new in assessments
            if new.key in written
            for record in getattr(new, attribute)
        ]
        if records:
            table_of: Table = model.__table__  # type: ignore[union-attr]
            insert_records = table_of.insert().execution_options(
                insertmanyvalues_page_size=INSERT_PAGE_ROWS
            )
            await session.execute(insert_records, records)
    return written


async def list_assessments(
    session: AsyncSession, *, keys: Collection[AssessmentKey]
) -> list[Assessment]:
    """The stored assessments of ``keys`` (those that exist), without their digest detail."""
    if not keys:
        return []
    statement = (
        select(Assessment)
        .where(tuple_(col(Assessment.business_id), col(Assessment.as_of)).in_(list(keys)))
        .options(defer(Assessment.detail, raiseload=True))  # type: ignore[arg-type]
    )
    return list((await session.scalars(statement)).all())


async def list_details(
    session: AsyncSession, *, assessment_ids: Collection[int]
) -> dict[int, dict[str, Any]]:
    """The digest detail of each stored assessment."""
    if not assessment_ids:
        return {}
    statement = select(col(Assessment.id), col(Assessment.detail)).where(
        col(Assessment.id).in_(list(assessment_ids))
    )
    return {row.id: row.detail for row in (await session.execute(statement)).all()}


@dataclass(frozen=True)
class BusinessState:
    """What decides whether a business's assessment of today is current."""

    business_id: int
    timezone: str
    data_version: int


async def list_business_states(
    session: AsyncSession, *, business_ids: Collection[int] | None = None
) -> list[BusinessState]:
    """Active businesses (all, or ``business_ids``) with their timezone and data version."""
    statement = select(col(Business.id), col(Business.timezone), col(Business.data_version)).where(
        col(Business.active).is_(True)
    )
    if business_ids is not None:
        statement = statement.where(col(Business.id).in_(list(business_ids)))
    return [
        BusinessState(row.id, row.timezone, row.data_version)
        for row in (await session.execute(statement.order_by(col(Business.id)))).all()
    ]


@dataclass(frozen=True)
class StoredKey:
    """What a stored assessment was computed from."""

    business_id: int
    as_of: date
    data_version: int
    thresholds_key: str


async def list_stored_keys(
    session: AsyncSession, *, keys: Collection[AssessmentKey]
) -> list[StoredKey]:
    """The version and thresholds each stored assessment of ``keys`` was computed from."""
    if not keys:
        return []
    statement = select(
        col(Assessment.business_id),
        col(Assessment.as_of),
        col(Assessment.data_version),
        col(Assessment.thresholds_key),
    ).where(tuple_(col(Assessment.business_id), col(Assessment.as_of)).in_(list(keys)))
    return [
        StoredKey(row.business_id, row.as_of, row.data_version, row.thresholds_key)
        for row in (await session.execute(statement)).all()
    ]


async def delete_assessments_except(
    session: AsyncSession, *, keep: Collection[AssessmentKey], computed_before: datetime
) -> int:
    """Delete assessments other than ``keep`` computed before ``computed_before``: other days'
    (past weeks' digests, an explicit ``asOf``) are kept a while for the requests that asked,
    then dropped; today's stay. Returns how many were deleted."""
    statement = delete(Assessment).where(col(Assessment.computed_at) < computed_before)
    if keep:
        statement = statement.where(
            ~tuple_(col(Assessment.business_id), col(Assessment.as_of)).in_(list(keep))
        )
    result = await session.execute(statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
