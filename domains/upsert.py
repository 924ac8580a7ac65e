"""The idempotent batch upsert of mirrored rows, their child lines, and CDC soft deletes.

Every QBO entity lands the same way (docs/design.md#the-mirror, #sync): keyed on ``business_id`` +
``qbo_id``, a row with an older ``SyncToken`` never overwrites a newer one, and a replayed batch
changes nothing. The upsert is one cached ``INSERT … ON CONFLICT DO UPDATE … WHERE`` executed for
the whole batch on both databases.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, and_, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

UPSERT_PAGE_ROWS = 500
"""Rows per INSERT statement SQLAlchemy renders from one executemany ("insertmanyvalues"): well
under the bind-parameter limits of SQLite and asyncpg (~32k) at ~17 columns a row."""
_KEY_COLUMNS = ("id", "business_id", "qbo_id")


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


@cache
def _upsert_statement(dialect: str, table: Table) -> Insert:
    """The upsert of ``table`` for any number of rows, built once per dialect and table.

    Executed with a list of row dicts, SQLAlchemy renders it into multi-row ``VALUES`` pages from
    one cached compilation. Building ``insert(table).values(chunk)`` instead compiled a new
    statement per chunk (its shape follows the chunk's length), which cost more than the database's
    own work: ``bench sync`` shows the difference side by side.
    """
    if dialect == "postgresql":
        insert: Any = postgresql.insert(table)
    elif dialect == "sqlite":
        insert = sqlite.insert(table)
    else:
        raise NotImplementedError(f"upsert is not implemented for {dialect}")
    excluded = insert.excluded
    statement: Insert = (
        insert.on_conflict_do_update(
            index_elements=[table.c.business_id, table.c.qbo_id],
            set_={c.name: excluded[c.name] for c in table.columns if c.name not in _KEY_COLUMNS},
            where=or_(
                excluded.sync_token > table.c.sync_token,
                and_(
                    excluded.sync_token == table.c.sync_token,
                    excluded.qbo_updated_at > table.c.qbo_updated_at,
                ),
            ),
        )
        .returning(table.c.id, table.c.qbo_id)
        .execution_options(insertmanyvalues_page_size=UPSERT_PAGE_ROWS)
    )
    return statement


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
    if not rows:
        return outcome
    statement = _upsert_statement(session.get_bind().dialect.name, table)
    written = (await session.execute(statement, latest_per_key(rows))).all()
    outcome.written = len(written)
    outcome.written_qbo_ids = [qbo_id for _, qbo_id in written]
    parent_ids = {qbo_id: row_id for row_id, qbo_id in written}
    for child in children:
        await replace_children(session, child, parent_ids)
    return outcome


def latest_per_key(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep one row per key (the newest): one statement may not touch the same row twice, and
    PostgreSQL refuses a page that does ("ON CONFLICT DO UPDATE command cannot affect row a
    second time")."""
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


async def replace_children(
    session: AsyncSession, child: ChildRows, parent_ids: Mapping[str, int]
) -> None:
    """Replace the child rows of the parents written (``parent_ids``: qbo id to row id)."""
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
    if new_rows:
        insert = child.table.insert().execution_options(insertmanyvalues_page_size=UPSERT_PAGE_ROWS)
        await session.execute(insert, new_rows)


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
