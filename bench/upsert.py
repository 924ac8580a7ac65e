"""The sync's previous upsert, kept as the baseline ``bench sync`` measures the current one against.

It built ``insert(table).values(chunk)`` for every 500-row chunk, so SQLAlchemy compiled a new
multi-row statement (500 rows x ~17 bind parameters) each time: its compiled cache could not help,
since the statement's shape follows the chunk's length. ``domains.upsert.upsert_rows`` now builds
one statement per table and executes it with the list of rows. The semantics here are the same
(newest version wins, lines replaced only for written parents, by the same helpers), so the two
are timed on the same pages and the ratio is the fix's worth.
"""

from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domains.upsert import UpsertOutcome, latest_per_key, replace_children
from sync.mapping import MappedBatch

CHUNK = 500


async def upsert_batch_statement_per_chunk(
    session: AsyncSession, batch: MappedBatch
) -> UpsertOutcome:
    """The previous ``upsert_batch`` (rows and their lines; these pages carry no deletions)."""
    table = batch.table
    dialect = session.get_bind().dialect.name
    outcome = UpsertOutcome()
    for start in range(0, len(batch.rows), CHUNK):
        chunk = latest_per_key(list(batch.rows[start : start + CHUNK]))
        insert: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        statement = insert.values(chunk)
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.business_id, table.c.qbo_id],
            set_={
                c.name: excluded[c.name]
                for c in table.columns
                if c.name not in ("id", "business_id", "qbo_id")
            },
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
        for child in batch.children:
            await replace_children(session, child, {qbo_id: row_id for row_id, qbo_id in written})
    return outcome
