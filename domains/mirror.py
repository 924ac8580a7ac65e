"""What every mirrored QBO table shares: its standard columns and the idempotent batch upsert.

Every QBO entity lands the same way (DESIGN.md §3, §4): keyed on ``business_id`` + ``qbo_id``, a row
with an older ``SyncToken`` never overwrites a newer one, and a replayed batch changes nothing. The
upsert is one ``INSERT … ON CONFLICT DO UPDATE … WHERE`` statement per batch on both databases.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, UniqueConstraint, and_, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from domains.sqltypes import Money, RawJson, UtcDateTime

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Deterministic constraint names, so migrations agree on SQLite and PostgreSQL."""

UPSERT_CHUNK_ROWS = 500
"""Rows per statement: well under the bind-parameter limits of SQLite and asyncpg (~32k)."""


def mirror_table_args(table_name: str) -> tuple[UniqueConstraint]:
    """The ``(business_id, qbo_id)`` key that every mirrored table upserts on."""
    return (UniqueConstraint("business_id", "qbo_id", name=f"uq_{table_name}_business_id_qbo_id"),)


class MirrorFields(SQLModel):
    """Columns present on every table that mirrors a QBO object."""

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    qbo_id: str = Field(max_length=64)
    sync_token: int = Field(default=0)
    qbo_updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    raw: dict[str, Any] = Field(default_factory=dict, sa_type=RawJson)


class ContactFields(MirrorFields):
    """What vendors and customers share: a named party with an email, terms and a balance."""

    display_name: str = Field(max_length=255)
    company_name: str | None = Field(default=None, max_length=255)
    email: str | None = Field(default=None, max_length=255)
    term_qbo_id: str | None = Field(default=None, max_length=64)
    balance: Decimal | None = Field(default=None, sa_type=Money)
    active: bool = Field(default=True)


class DocumentFields(MirrorFields):
    """What bills and invoices share: a dated document with a total, a balance and terms."""

    doc_number: str | None = Field(default=None, max_length=64)
    txn_date: date | None = Field(default=None)
    due_date: date | None = Field(default=None, index=True)
    total_amt: Decimal = Field(sa_type=Money)
    balance: Decimal = Field(sa_type=Money)
    currency: str | None = Field(default=None, max_length=3)
    term_qbo_id: str | None = Field(default=None, max_length=64)


class LineFields(SQLModel):
    """What bill and invoice lines share; each table adds its parent key and categorisation."""

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    line_num: int | None = Field(default=None)
    detail_type: str | None = Field(default=None, max_length=64)
    amount: Decimal = Field(sa_type=Money)
    description: str | None = Field(default=None)
    item_qbo_id: str | None = Field(default=None, max_length=64)
    item_name: str | None = Field(default=None, max_length=255)


@dataclass(frozen=True)
class ChildRows:
    """Rows of a child table (bill lines, invoice lines…) that belong to parents by ``qbo_id``."""

    table: Table
    parent_key: str
    rows_by_parent: Mapping[str, Sequence[dict[str, Any]]]


@dataclass
class UpsertOutcome:
    """How many rows a batch inserted or updated (ignored stale rows are not counted)."""

    written: int = 0
    deleted: int = 0
    written_qbo_ids: list[str] = field(default_factory=list)


def _insert_for(session: AsyncSession, table: Table) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"upsert is not implemented for {dialect}")


async def upsert_rows(
    session: AsyncSession,
    *,
    table: Table,
    rows: Sequence[dict[str, Any]],
    children: Sequence[ChildRows] = (),
) -> UpsertOutcome:
    """Insert or update ``rows`` keyed on (business_id, qbo_id); an older row never wins.

    A row replaces the stored one when its ``sync_token`` is higher, or equal with a later
    ``qbo_updated_at`` (QBO can re-save without a token bump after a soft delete is undone). Child
    rows are replaced only for parents that were actually written, so a stale batch leaves the
    stored lines alone too. The caller owns the transaction.
    """
    outcome = UpsertOutcome()
    for start in range(0, len(rows), UPSERT_CHUNK_ROWS):
        chunk = _latest_per_key(rows[start : start + UPSERT_CHUNK_ROWS])
        statement = _insert_for(session, table).values(chunk)
        excluded = statement.excluded
        updatable = [c.name for c in table.columns if c.name not in ("id", "business_id", "qbo_id")]
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.business_id, table.c.qbo_id],
            set_={name: excluded[name] for name in updatable},
            where=or_(
                excluded.sync_token > table.c.sync_token,
                and_(
                    excluded.sync_token == table.c.sync_token,
                    excluded.qbo_updated_at > table.c.qbo_updated_at,
                ),
            ),
        ).returning(table.c.id, table.c.qbo_id)
        written = (await session.execute(statement)).all()
        outcome.written += len(written)
        outcome.written_qbo_ids.extend(qbo_id for _, qbo_id in written)
        for child in children:
            await _replace_children(session, child, {qbo_id: row_id for row_id, qbo_id in written})
    return outcome


def _latest_per_key(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep one row per key (the newest): one statement may not touch the same row twice."""
    latest: dict[tuple[int, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["business_id"], row["qbo_id"])
        seen = latest.get(key)
        if seen is None or (row["sync_token"], row["qbo_updated_at"]) > (
            seen["sync_token"],
            seen["qbo_updated_at"],
        ):
            latest[key] = row
    return list(latest.values())


async def _replace_children(
    session: AsyncSession, child: ChildRows, parent_ids: Mapping[str, int]
) -> None:
    if not parent_ids:
        return
    parent_column = child.table.c[child.parent_key]
    await session.execute(delete(child.table).where(parent_column.in_(list(parent_ids.values()))))
    new_rows = [
        {**row, child.parent_key: parent_ids[qbo_id]}
        for qbo_id, rows in child.rows_by_parent.items()
        if qbo_id in parent_ids
        for row in rows
    ]
    for start in range(0, len(new_rows), UPSERT_CHUNK_ROWS):
        await session.execute(child.table.insert(), new_rows[start : start + UPSERT_CHUNK_ROWS])


async def soft_delete(
    session: AsyncSession,
    *,
    table: Table,
    business_id: int,
    deletions: Mapping[str, datetime],
) -> int:
    """Mark rows deleted (CDC "Deleted"), keeping them for history; returns rows changed.

    A deletion older than the stored row's last update is ignored: it arrived out of order.
    """
    changed = 0
    for qbo_id, deleted_at in deletions.items():
        result = await session.execute(
            update(table)
            .where(
                table.c.business_id == business_id,
                table.c.qbo_id == qbo_id,
                table.c.qbo_updated_at <= deleted_at,
                table.c.deleted_at.is_(None),
            )
            .values(deleted_at=deleted_at)
        )
        changed += result.rowcount or 0  # type: ignore[attr-defined]
    return changed
