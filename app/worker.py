"""``runway worker``: the assessment job and digest runs in a process of their own.

API processes then only answer requests (set ``RUNWAY_ASSESSMENTS__IN_SERVER=false`` for them),
and the CPU-heavy assessing runs here, where nothing waits on it. Several workers, on several
hosts, share one PostgreSQL: the job claims businesses under leases and the digest runs claim
their items, so none is done twice; a worker that dies leaves its claims to run out.
"""

import asyncio
import logging
import signal

from app.assessment_jobs import AssessmentJob
from app.assessment_runner import AssessmentRunner
from app.db import create_session_factory, pooled_engine
from app.digest_jobs import digest_jobs_for
from app.settings import Settings
from resolvers.clock import utc_now

logger = logging.getLogger(__name__)


async def run_worker(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Run both jobs until ``stop`` is set (or SIGINT/SIGTERM), then finish what is in flight."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    engine = pooled_engine(settings)
    sessions = create_session_factory(engine)
    runner = AssessmentRunner(settings.database_url, clock=utc_now)
    await runner.start()
    job = AssessmentJob(
        sessions,
        refresher=runner.refresh,
        thresholds=settings.thresholds,
        clock=utc_now,
        options=settings.assessments,
    )
    digests = digest_jobs_for(settings, sessions, clock=utc_now, refresher=runner.refresh)
    logger.info("worker %s started: assessments and digest runs", job.owner)
    try:
        await job.start()
        await digests.start()
        await stop.wait()
    finally:
        logger.info("worker %s stopping: finishing the work in flight", job.owner)
        await digests.stop()
        await job.stop()
        await runner.stop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await engine.dispose()
