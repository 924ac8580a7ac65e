"""This process's digest runs: the door requests come in by, and the worker that works them.

In the server, ``start()`` runs a background task for the lifespan: it first resumes every queued
or running run (a restart finishes what a crash cut off), then works each new run as soon as a
request wakes it. On PostgreSQL it also looks every ``idle_poll_seconds`` for runs that other
processes started or abandoned; on SQLite the server is the only worker of its own runs, so it
waits to be woken. The CLI uses the same object without the background task (``work``).
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.digest_worker import (
    DigestCompute,
    DigestDeliverer,
    DigestWorker,
    ProgressListener,
    compute_digest,
    is_finished,
)
from app.job_options import DigestWorkerOptions
from app.settings import Settings
from domains.digests import queries
from domains.digests.models import DigestRun
from resolvers.digest_runs import DigestRequest, create_run
from resolvers.errors import DeliveryUnavailable
from resolvers.loaders import Refresher
from resolvers.thresholds import Thresholds

logger = logging.getLogger(__name__)

WAIT_POLL_SECONDS = 2.0
"""How often a waiting request re-reads its run, for runs finished by another process."""
RETRY_SECONDS = 1.0
"""The shortest pause between passes (a lease about to run out, a failed pass)."""


class DigestJobs:
    """Creates runs and works them in this process."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        thresholds: Thresholds,
        clock: Callable[[], datetime],
        qbo_app_url: str,
        options: DigestWorkerOptions | None = None,
        deliver: DigestDeliverer | None = None,
        idle_poll: bool = False,
        compute: DigestCompute = compute_digest,
        on_progress: ProgressListener | None = None,
        refresher: Refresher | None = None,
    ) -> None:
        """Args:
        qbo_app_url: where the stored digests' ``qboUrl`` links point (``settings.qbo.app_url``).
        deliver: the mailer's ``deliver``; ``None`` when SMTP isn't configured.
        idle_poll: look for other processes' runs while idle (PostgreSQL).
        on_progress: told the run's row after every batch (the CLI's progress bar).
        """
        self.sessions = sessions
        self.clock = clock
        self.options = options or DigestWorkerOptions()
        self.idle_poll = idle_poll
        self.can_deliver = deliver is not None
        self._on_progress = on_progress
        self._progressed = asyncio.Event()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.worker = DigestWorker(
            sessions,
            thresholds=thresholds,
            clock=clock,
            options=self.options,
            compute=compute,
            deliver=deliver,
            on_progress=self._progress,
            qbo_app_url=qbo_app_url,
            refresher=refresher,
        )

    async def request(self, request: DigestRequest) -> DigestRun:
        """Create the run and have it worked; with ``wait``, return it finished (or at the wait
        timeout, as it stands). The schema's ``generateDigests`` calls this."""
        if request.deliver and not self.can_deliver:
            raise DeliveryUnavailable(
                "'deliver' needs e-mail, and this server has no SMTP settings: set "
                "RUNWAY_SMTP_URL, or ask without 'deliver'"
            )
        run = await create_run(self.sessions, request, now=self.clock())
        assert run.id is not None
        logger.info(
            "digest run %s requested by %s: %s businesses, week of %s%s%s",
            run.id,
            request.requested_by,
            run.total,
            run.week_start,
            ", forced" if request.force else "",
            ", with delivery" if request.deliver else "",
        )
        self._wake.set()
        if not request.wait:
            return run
        if self._task is None:  # no background worker here: work it in this task
            return await self.work(run.id)
        return await self.wait_for(run.id, max_wait=self.options.wait_timeout_seconds)

    async def work(self, run_id: int) -> DigestRun:
        """Work the run in the calling task until it is finished (helped by other processes)."""
        while True:
            run = await self.worker.work_run(run_id)
            if run is None:
                raise LookupError(f"digest run {run_id} does not exist")
            if is_finished(run) or self.worker.stopping.is_set():
                return run
            await self._pause(await self._seconds_to_next_look([run_id]))

    async def wait_for(self, run_id: int, *, max_wait: float) -> DigestRun:
        """The run once finished, or after ``max_wait`` seconds as it stands."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_wait
        while True:
            progressed = self._progressed  # taken before reading, so no progress is missed
            async with self.sessions() as session:
                run = await queries.get_run(session, run_id=run_id)
            if run is None:
                raise LookupError(f"digest run {run_id} does not exist")
            remaining = deadline - loop.time()
            if is_finished(run) or remaining <= 0:
                return run
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(progressed.wait(), min(remaining, WAIT_POLL_SECONDS))

    async def start(self) -> None:
        """Start the background worker, which first resumes unfinished runs."""
        if self._task is None:
            self.worker.stopping.clear()
            self._task = asyncio.create_task(self._serve(), name="digest-worker")

    async def stop(self) -> None:
        """Stop the background worker: it claims nothing more and finishes the batches in flight
        (``stop_grace_seconds``, after which they are cancelled and their items go back to
        pending for the next worker)."""
        task, self._task = self._task, None
        if task is None:
            return
        self.worker.stopping.set()
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), self.options.stop_grace_seconds)
        except TimeoutError:
            logger.warning("digest worker: batches still running at shutdown were cancelled")
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _serve(self) -> None:
        while not self.worker.stopping.is_set():
            self._wake.clear()
            try:
                runs = await self.worker.work_unfinished()
                pause = await self._seconds_to_next_look(
                    [run.id for run in runs if run.id is not None and not is_finished(run)]
                )
            except Exception:
                logger.exception("digest worker: a pass over the unfinished runs failed")
                pause = max(RETRY_SECONDS, self.options.idle_poll_seconds)
            if self.worker.stopping.is_set():
                return
            await self._pause(pause)

    async def _seconds_to_next_look(self, unfinished: list[int]) -> float | None:
        """Until the first lease on an unfinished run runs out; capped by the idle poll.

        ``None``: nothing to look at until woken (SQLite, nothing unfinished).
        """
        seconds: float | None = self.options.idle_poll_seconds if self.idle_poll else None
        for run_id in unfinished:
            expiry = await self.worker.next_look(run_id)
            until = (expiry - self.clock()).total_seconds() if expiry else RETRY_SECONDS
            until = max(until, RETRY_SECONDS)
            seconds = until if seconds is None else min(seconds, until)
        return seconds

    async def _pause(self, seconds: float | None) -> None:
        """Until woken by a new request, or ``seconds`` pass."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    def _progress(self, run: DigestRun) -> None:
        progressed, self._progressed = self._progressed, asyncio.Event()
        progressed.set()
        if self._on_progress is not None:
            self._on_progress(run)


def digest_jobs_for(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    *,
    clock: Callable[[], datetime],
    on_progress: ProgressListener | None = None,
    refresher: Refresher | None = None,
) -> DigestJobs:
    """The digest jobs of a process with ``settings``: its mailer, if SMTP is configured.

    Args:
        refresher: how stale assessments are computed (the server's assessment thread);
            ``None``: in the worker's own task.
    """
    from app.mailer import DigestMailer

    mailer = DigestMailer.from_settings(settings, sessions)
    return DigestJobs(
        sessions,
        thresholds=settings.thresholds,
        clock=clock,
        options=settings.digests,
        deliver=mailer.deliver if mailer is not None else None,
        idle_poll=settings.database_url.startswith("postgresql"),
        qbo_app_url=settings.qbo.app_url,
        on_progress=on_progress,
        refresher=refresher,
    )
