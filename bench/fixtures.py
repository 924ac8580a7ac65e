"""Data at scale: generated QBO companies loaded into SQLite and PostgreSQL, cached between runs.

Companies come from the fake QBO's generator and land through the sync's own mapper
(``map_objects``, page by page as the sync reads them) and its writer (``upsert_batch``), without
the HTTP in between. The sync benchmark itself goes through the real engine; this is only how the
read benchmarks get their data.
Each company is mapped once and written to every database being built, in one transaction each.
"""

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.migrations import alembic_config, upgrade_database_async
from bench.databases import Connected, Kind, Target, Workspace, connect_all
from domains.core import queries as core_queries
from domains.upsert import ChildRows
from sync.fakeqbo.generator import CompanySize, GeneratedCompany, generate_company
from sync.mapping import ENTITY_ORDER, MappedBatch, map_company_info, map_objects, upsert_batch

logger = logging.getLogger(__name__)

AS_OF = date(2026, 11, 20)
"""The day the generated books are drawn up to."""
NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
"""The pinned "now" of every read benchmark: Friday 2026-11-20, 09:00 in Los Angeles."""
SEED = 2026
PAGE = 1000
"""Objects per mapped page, as the sync reads them (QBO's maximum page)."""
FIXTURE_VERSION = 1
"""Bump to rebuild every cached database (a change in how fixtures are made)."""


@dataclass(frozen=True)
class DataSpec:
    """What a fixture database holds: ``businesses`` generated companies of one size."""

    name: str
    businesses: int
    company: CompanySize
    seed: int = SEED
    as_of: date = AS_OF

    def key(self) -> str:
        """A name for the database, from everything that decides its contents."""
        payload = {
            "businesses": self.businesses,
            "company": asdict(self.company),
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "version": FIXTURE_VERSION,
            "migration_head": migration_head(),
        }
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        return f"{self.name}_{digest[:12]}"


@cache
def migration_head() -> str:
    """The schema's Alembic head: a new migration means new databases."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return head or "base"


def mapped_pages(company: GeneratedCompany, business_id: int) -> list[MappedBatch]:
    """The company's objects as the sync's mapper turns them into rows, a page at a time."""
    batches = []
    for entity in ENTITY_ORDER:
        objects = company.entities.get(entity, [])
        for start in range(0, len(objects), PAGE):
            batch = map_objects(entity, objects[start : start + PAGE], business_id=business_id)
            if batch.problems:
                raise RuntimeError(f"generated data did not map: {batch.problems[:3]}")
            batches.append(batch)
    return batches


def business_values(company: GeneratedCompany) -> dict[str, object]:
    """The business row of a company as a connected, freshly synced one."""
    values = map_company_info(company.company_info)
    values.update(
        home_currency=company.home_currency,
        timezone=company.timezone,
        last_synced_at=NOW,
        connection_status="connected",
    )
    return values


def for_business(batch: MappedBatch, business_id: int) -> MappedBatch:
    """``batch`` with every row (and line) belonging to ``business_id``: mapping once, writing
    to several databases whose business ids may differ."""
    return replace(
        batch,
        business_id=business_id,
        rows=[{**row, "business_id": business_id} for row in batch.rows],
        children=[
            ChildRows(
                child.table,
                child.parent_key,
                {
                    qbo_id: [{**line, "business_id": business_id} for line in lines]
                    for qbo_id, lines in child.rows_by_parent.items()
                },
            )
            for child in batch.children
        ],
    )


async def load_company(
    database: Connected, company: GeneratedCompany, pages: Sequence[MappedBatch]
) -> tuple[int, int]:
    """Write one company (its business and its mapped ``pages``) in one transaction.

    Returns the business id and the rows written (objects and lines).
    """
    async with database.sessions.begin() as session:
        business = await core_queries.upsert_business(
            session, realm_id=company.realm_id, values=business_values(company)
        )
        assert business.id is not None
        rows = 0
        for page in pages:
            batch = for_business(page, business.id)
            await upsert_batch(session, batch)
            rows += len(batch.rows) + sum(
                len(lines) for child in batch.children for lines in child.rows_by_parent.values()
            )
    return business.id, rows


async def _finalize(database: Connected) -> None:
    """Leave the file self-contained (SQLite) or the planner informed (PostgreSQL)."""
    async with database.engine.connect() as connection:
        if database.target.kind == "sqlite":
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            # Autovacuum would do it soon after a real sync; without it plans are guesses.
            await connection.execute(text("ANALYZE"))
        await connection.commit()


async def ensure_data(
    workspace: Workspace,
    spec: DataSpec,
    *,
    kinds: Sequence[Kind],
    rebuild: bool = False,
) -> dict[Kind, Target]:
    """The databases holding ``spec`` for each kind, built (all in one pass) where missing."""
    key = spec.key()
    ready: dict[Kind, Target] = {}
    for kind in kinds:
        found = await workspace.find(kind, key)
        if found is not None and rebuild:
            await workspace.drop(found)
            found = None
        if found is not None:
            ready[kind] = found
    missing = [kind for kind in kinds if kind not in ready]
    if not missing:
        return ready
    building = [await workspace.begin(kind, key) for kind in missing]
    for target in building:
        await upgrade_database_async(target.url)
    logger.info("building %s (%s businesses) on %s", key, spec.businesses, ", ".join(missing))
    started = time.perf_counter()
    rows = 0
    async with connect_all(building) as databases:
        for index in range(spec.businesses):
            company = generate_company(
                seed=spec.seed, index=index, as_of=spec.as_of, size=spec.company
            )
            # Both databases at once: SQLite works in its thread, PostgreSQL in its server.
            pages = mapped_pages(company, business_id=0)
            loaded = await asyncio.gather(*(load_company(db, company, pages) for db in databases))
            rows += loaded[0][1]
            if (index + 1) % 50 == 0 or index + 1 == spec.businesses:
                elapsed = time.perf_counter() - started
                logger.info(
                    "  %s: %d/%d businesses, %d rows each database, %.0fs",
                    key,
                    index + 1,
                    spec.businesses,
                    rows,
                    elapsed,
                )
        for database in databases:
            await _finalize(database)
    for kind, target in zip(missing, building, strict=True):
        ready[kind] = await workspace.finish(target, key)
    return ready
