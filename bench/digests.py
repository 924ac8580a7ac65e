"""``bench digest``: bulk digests against assessing each business live, and the driver's floor.

Three ways to the same stored digests of the first N businesses, side by side on one database,
whose businesses' assessments are current (as the assessment job keeps them):

- **bulk**: ``generateDigests`` as the server works it (``DigestJobs.request`` with ``wait``):
  a run, items claimed in batches of 50 sharing one ``Loaders`` set, each digest read from its
  business's stored assessment, rendered, stored, the run closed;
- **naive**: assessing each business live: for each business in turn a ``Loaders`` set of its
  own, its assessment computed (and stored), then the same digest, rendering and storage, in a
  transaction of its own;
- **floor**: the reads of the bulk run replayed with asyncpg / aiosqlite alone.

Targets (docs/design.md#performance-targets): bulk ≥10x faster than naive, ≤3x the floor, memory
flat in N (the peak of traced Python allocations during a bulk run, in a separate untimed pass).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from sqlalchemy import delete, select
from sqlmodel import col

from app.assessment_jobs import assess_stale_now
from app.digest_worker import compute_digest, rendered_digest
from bench.capture import capturing, read_with_driver, warm_caches
from bench.context import BenchContext
from bench.databases import Connected, Kind, Target, connect
from bench.fixtures import NOW
from bench.report import Table, verdict
from bench.timing import (
    READ_STAGES,
    peak_memory,
    peak_rss,
    profile_notes,
    profiled,
    rss_peak_resettable,
    timed,
)
from domains.core.models import Business
from domains.digests import queries
from domains.digests.models import DigestEmail, DigestRun, DigestRunItem, StoredDigest
from resolvers.clock import business_today
from resolvers.digest import digest_as_of
from resolvers.digest_runs import DigestRequest
from resolvers.loaders import Loaders
from resolvers.rules.dates import week_start
from resolvers.stored_assessments import refresh_assessments
from resolvers.thresholds import Thresholds
from sync.settings import QboSettings

logger = logging.getLogger(__name__)

WEEK = week_start(NOW.date())
THRESHOLDS = Thresholds()
QBO_APP_URL = QboSettings().app_url
"""Where the digests' ``qboUrl`` links point: the settings' default."""
STAGES = (
    *READ_STAGES,
    ("resolvers/rules/forecast.py", "forecast_cash"),
    ("schema/digest_snapshot.py", "digest_snapshot"),
    ("resolvers/digest_render/render.py", "render_digest"),
    ("domains/sqltypes.py", "dumps_json"),
)
"""The synchronous stages of a digest whose cumulative time the profile reports."""
PROFILE_BUSINESSES = 100
"""Businesses in the profiled bulk run: two batches per lane, enough to be representative."""
SPEEDUP_TARGET = 10.0
FLOOR_TARGET = 3.0


@dataclass(frozen=True)
class DigestStep:
    """One database, one number of businesses: the three timings and what they cost."""

    kind: Kind
    businesses: int
    bulk_seconds: float
    bulk_statements: int
    naive_seconds: float
    naive_measured_over: int
    naive_statements_per_business: float
    floor_seconds: float
    floor_statements: int
    floor_rows: int
    peak_mib: float
    growth_mib: float

    @property
    def speedup(self) -> float:
        return self.naive_seconds / self.bulk_seconds

    @property
    def over_floor(self) -> float:
        return self.bulk_seconds / self.floor_seconds


async def business_ids(database: Connected) -> list[int]:
    async with database.sessions() as session:
        ids = (await session.scalars(select(col(Business.id)).order_by(col(Business.id)))).all()
    return [business_id for business_id in ids if business_id is not None]


async def assess_all(database: Connected) -> None:
    """Bring every business's stored assessment up to date (untimed: the job's work)."""
    await assess_stale_now(database.sessions, thresholds=THRESHOLDS, clock=lambda: NOW)


async def reset_digests(database: Connected) -> None:
    """Forget every run and stored digest, so each measurement starts from the same state."""
    async with database.sessions.begin() as session:
        for model in (DigestEmail, DigestRunItem, StoredDigest, DigestRun):
            await session.execute(delete(model))


async def bulk(database: Connected, ids: Sequence[int]) -> DigestRun:
    """``generateDigests(businessIds: ids, force: true, wait: true)`` minus the GraphQL layer."""
    from app.digest_jobs import DigestJobs  # the worker is young: import where it is used

    jobs = DigestJobs(
        database.sessions, thresholds=THRESHOLDS, clock=lambda: NOW, qbo_app_url=QBO_APP_URL
    )
    run = await jobs.request(
        DigestRequest(
            business_ids=tuple(ids),
            week_start=WEEK,
            requested_by="bench",
            force=True,
            wait=True,
        )
    )
    if run.done != len(ids) or run.failed:
        raise RuntimeError(f"bulk digest run {run.id}: {run.done} done, {run.failed} failed")
    return run


async def naive(database: Connected, ids: Sequence[int], *, run: DigestRun) -> None:
    """One business after the other, each with its own loaders (so its own queries).

    The digests are stored under ``run`` (the bulk run just made), as a worker would.
    """
    assert run.id is not None
    for business_id in ids:
        loaders = Loaders(database.sessions, [business_id])
        business = await loaders.business_by_id.load(business_id)
        assert business is not None
        as_of = digest_as_of(WEEK, business_today(business.timezone, NOW))
        await refresh_assessments(
            database.sessions, [(business_id, as_of)], thresholds=THRESHOLDS, now=NOW
        )
        result = await compute_digest(
            loaders, business, week_start=WEEK, now=NOW, thresholds=THRESHOLDS
        )
        new = rendered_digest(result, run=run, generated_at=NOW, app_url=QBO_APP_URL)
        async with database.sessions.begin() as session:
            await queries.upsert_stored_digests(session, digests=[new], replace=True)


@dataclass(frozen=True)
class NaiveRate:
    """The naive loop timed once over a sample: per business, in seconds and statements."""

    businesses: int
    seconds_per_business: float
    statements_per_business: float


async def _naive_rate(target: Target, database: Connected, ids: Sequence[int]) -> NaiveRate:
    """Time the naive loop over ``ids``: each business costs the same whatever N is, since
    nothing is shared between businesses, so this scales linearly to any step."""
    run = await bulk(database, ids[:1])  # a run for the naive digests to be stored under
    with capturing(target.url) as statements:
        _, seconds = await timed(partial(naive, database, ids, run=run))
    return NaiveRate(len(ids), seconds / len(ids), len(statements) / len(ids))


async def _measure(
    target: Target, database: Connected, ids: list[int], step: int, naive_rate: NaiveRate
) -> DigestStep:
    chosen = ids[:step]
    await reset_digests(database)
    if rss_peak_resettable():
        with capturing(target.url) as statements, peak_rss() as rss:
            _, bulk_seconds = await timed(partial(bulk, database, chosen))
        peak, growth = rss.peak, rss.growth
    else:  # no resettable high-water mark: a second, untimed run under tracemalloc
        with capturing(target.url) as statements:
            _, bulk_seconds = await timed(partial(bulk, database, chosen))
        with peak_memory() as traced:
            await bulk(database, chosen)
        peak = growth = traced.mib
    floor = await read_with_driver(target, statements)
    naive_seconds = naive_rate.seconds_per_business * step
    logger.info(
        "digest %s %d: bulk %.1fs, naive %.1fs, floor %.2fs, peak %.0f MiB",
        target.kind,
        step,
        bulk_seconds,
        naive_seconds,
        floor.seconds,
        peak,
    )
    return DigestStep(
        kind=target.kind,
        businesses=step,
        bulk_seconds=bulk_seconds,
        bulk_statements=len(statements),
        naive_seconds=naive_seconds,
        naive_measured_over=min(naive_rate.businesses, step),
        naive_statements_per_business=naive_rate.statements_per_business,
        floor_seconds=floor.seconds,
        floor_statements=floor.statements,
        floor_rows=floor.rows,
        peak_mib=peak,
        growth_mib=growth,
    )


async def run(context: BenchContext) -> list[Table]:
    """Every step of ``context.size.digest_steps`` on every database."""
    table = Table(
        "Bulk digest: generateDigests vs a naive per-business loop vs the driver floor",
        [
            "db",
            "businesses",
            "bulk s",
            "naive s",
            "naive timed over",
            "floor s",
            "naive/bulk",
            "≥10x",
            "bulk/floor",
            "≤3x",
            "bulk stmts",
            "naive stmts/biz",
            "floor rows",
            "peak MiB",
            "growth MiB",
        ],
    )
    notes: list[str] = []
    for kind, target in (await context.fleet()).items():
        await warm_caches(target)
        async with connect(target) as database:
            ids = await business_ids(database)
            await assess_all(database)
            # Warm up (SQL compilation caches, templates, prepared statements), untimed.
            await reset_digests(database)
            await naive(database, ids[:2], run=await bulk(database, ids[:50]))
            naive_rate = await _naive_rate(target, database, ids[: context.size.naive_sample])
            steps = [step for step in context.size.digest_steps if step <= len(ids)]
            for step in steps:
                result = await _measure(target, database, ids, step, naive_rate)
                table.rows.append(
                    [
                        kind,
                        result.businesses,
                        result.bulk_seconds,
                        result.naive_seconds,
                        result.naive_measured_over,
                        result.floor_seconds,
                        result.speedup,
                        verdict(result.speedup >= SPEEDUP_TARGET),
                        result.over_floor,
                        verdict(result.over_floor <= FLOOR_TARGET),
                        result.bulk_statements,
                        result.naive_statements_per_business,
                        result.floor_rows,
                        result.peak_mib,
                        result.growth_mib,
                    ]
                )
            if context.profile and steps:
                await reset_digests(database)
                sample = ids[: min(steps[0], PROFILE_BUSINESSES)]
                _, profile = await profiled(partial(bulk, database, sample))
                notes.extend(
                    profile_notes(
                        f"profile of bulk, {kind}, {len(sample)} businesses",
                        profile,
                        context.size.profile_lines,
                        STAGES,
                    )
                )
    table.notes = [
        "bulk: digests read from the stored assessments the job keeps current.",
        "naive: each business assessed live, one after the other (a Loaders set of its own), then",
        "the same digest, rendering and storage; timed once over the first businesses (column",
        "'naive timed over') and scaled linearly to N (businesses share nothing in it).",
        "floor: the bulk run's reads of the books replayed with asyncpg/aiosqlite alone.",
        "peak MiB: the process's peak resident memory during the timed bulk run (VmHWM, reset",
        "before it); growth MiB: that peak less the resident memory before the run. Where the",
        "peak can't be reset, both are the peak of traced allocations in a separate run.",
        *notes,
    ]
    return [table]
