"""``runway worker`` (``app.worker.run_worker``): the assessment job and digest runs apart from the
API, on the same database, until it is told to stop."""

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import func, select

from app.job_options import AssessmentJobOptions
from app.settings import Settings
from app.worker import run_worker
from domains.assessments.models import Assessment
from domains.core.models import Business
from domains.digests.models import DigestRun
from resolvers.clock import utc_now
from resolvers.digest_runs import DigestRequest, create_run
from resolvers.rules.dates import week_start
from tests.conftest import Database
from tests.factories import bill, make_business, save, vendor


async def assessed(database: Database) -> int:
    async with database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Assessment)) or 0)


async def until(check: Callable[[], Awaitable[bool]]) -> None:
    """Wait (bounded) until ``check`` holds, while the worker's tasks progress."""
    async with asyncio.timeout(30):
        while True:
            if await check():
                return
            await asyncio.sleep(0.02)


async def test_the_worker_assesses_stale_businesses_and_stops_when_told(
    database: Database,
) -> None:
    made = await make_business(database.sessions, timezone="America/New_York")
    assert made.id is not None
    supplier = vendor(made.id)
    await save(database.sessions, supplier, bill(made.id, vendor_qbo_id=supplier.qbo_id))
    settings = Settings(
        database_url=database.url,
        assessments=AssessmentJobOptions(poll_seconds=3600),
        _env_file=None,  # type: ignore[call-arg]
    )
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop=stop))

    async def done() -> bool:
        return worker.done() or await assessed(database) == 1

    await until(done)
    assert not worker.done(), worker  # still working: it failed otherwise
    async with database.sessions() as session:
        business = await session.get(Business, made.id)
        row = await session.scalar(select(Assessment))
    assert business is not None and row is not None
    assert (row.business_id, row.data_version) == (made.id, business.data_version)

    stop.set()
    async with asyncio.timeout(30):
        await worker  # returns once what was in flight is finished
    assert await assessed(database) == 1


async def test_the_worker_works_a_digest_run_the_api_created(database: Database) -> None:
    """The API creates runs; a worker process claims and finishes them."""
    made = await make_business(database.sessions, timezone="UTC")
    assert made.id is not None
    settings = Settings(database_url=database.url, _env_file=None)  # type: ignore[call-arg]
    run = await create_run(
        database.sessions,
        DigestRequest(
            business_ids=(made.id,), week_start=week_start(utc_now().date()), requested_by="cron"
        ),
        now=utc_now(),
    )
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop=stop))

    async def finished() -> bool:
        async with database.sessions() as session:
            row = await session.get(DigestRun, run.id)
        return worker.done() or (row is not None and row.finished_at is not None)

    try:
        await until(finished)
        assert not worker.done(), worker
    finally:
        stop.set()
        await worker
    async with database.sessions() as session:
        row = await session.get(DigestRun, run.id)
    assert row is not None and (row.status, row.done, row.failed) == ("SUCCEEDED", 1, 0)
