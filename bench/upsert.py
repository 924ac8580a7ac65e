"""The sync's previous upsert, kept as the baseline ``bench sync`` measures the current one against.

It built ``insert(table).values(chunk)`` for every 500-row chunk, so SQLAlchemy compiled a new
multi-row statement (500 rows x ~17 bind parameters) each time: its compiled cache could not help,
since the statement's shape follows the chunk's length. ``domains.upsert.upsert_rows`` now builds
one statement per table and executes it with the list of rows. The semantics here are the same
(newest version wins, lines replaced only for written parents, by the same helpers), so the two
are timed on the same pages and the ratio is the fix's worth (``measure_upserts``, the upsert
table of ``bench sync``).
"""

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.migrations import upgrade_database_async
from bench.context import BenchContext
from bench.databases import Connected, Kind, connect
from bench.fixtures import business_values, mapped_pages
from domains.core import queries as core_queries
from domains.upsert import UpsertOutcome, latest_per_key, replace_children
from sync.fakeqbo.generator import GeneratedCompany
from sync.mapping import MappedBatch, upsert_batch

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


@dataclass(frozen=True)
class UpsertRates:
    kind: Kind
    rows: int
    current_seconds: float
    previous_seconds: float

    @property
    def current_rate(self) -> float:
        return self.rows / self.current_seconds

    @property
    def previous_rate(self) -> float:
        return self.rows / self.previous_seconds


Writer = Callable[..., Awaitable[UpsertOutcome]]


async def _write_pages(
    database: Connected, companies: Sequence[GeneratedCompany], writer: Writer, realm_suffix: str
) -> tuple[int, float]:
    """Objects written and seconds spent in ``writer`` only (mapping and the business untimed).

    Each writer gets businesses of its own (``realm_suffix``), so both insert into empty books.
    """
    objects, seconds = 0, 0.0
    for company in companies:
        async with database.sessions.begin() as session:
            business = await core_queries.upsert_business(
                session,
                realm_id=f"{company.realm_id}{realm_suffix}",
                values=business_values(company),
            )
            assert business.id is not None
            pages: list[MappedBatch] = mapped_pages(company, business.id)
            started = time.perf_counter()
            for batch in pages:
                await writer(session, batch)
            seconds += time.perf_counter() - started
            objects += sum(len(batch.rows) for batch in pages)
    return objects, seconds


async def measure_upserts(
    context: BenchContext, kind: Kind, companies: Sequence[GeneratedCompany]
) -> UpsertRates:
    timings = {}
    target = await context.workspace.scratch(kind, "upsert")
    await upgrade_database_async(target.url)
    async with connect(target) as database:
        for suffix, writer in (("1", upsert_batch), ("2", upsert_batch_statement_per_chunk)):
            await _write_pages(database, companies[:1], writer, suffix)  # warm: compiled SQL
            timings[suffix] = await _write_pages(database, companies[1:], writer, suffix)
    await context.workspace.drop(target)
    return UpsertRates(kind, timings["1"][0], timings["1"][1], timings["2"][1])
