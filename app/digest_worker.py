"""The digest worker: takes a run's items in batches under a lease, computes, stores and closes.

One batch (up to ``batch_size`` businesses) shares one ``Loaders`` set, so it costs one SQL
statement per entity type however many businesses it holds; a few batches run at once
(``concurrency``). Items are claimed under a lease that a heartbeat renews while the batch runs,
so a worker that dies leaves its items to whoever looks after the lease expires, and a slow but
live worker never has its items taken from under it. Each batch's digests are stored and its
items marked done in one transaction: a run cut off anywhere resumes without repeating a business.
"""

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.job_options import DigestWorkerOptions
from domains.core.models import Business
from domains.digests import claims, queries
from domains.digests.models import DigestRun
from resolvers.clock import business_today
from resolvers.digest import Digest, digest
from resolvers.digest_render import render_digest
from resolvers.loaders import Loaders, Refresher
from resolvers.thresholds import Thresholds
from schema.digest_snapshot import digest_snapshot

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000
"""An item's recorded error is cut here: enough to act on, never a page of traceback."""


def rendered_digest(
    result: Digest, *, run: DigestRun, generated_at: datetime, app_url: str
) -> queries.NewDigest:
    """A computed digest as it is stored under ``run``: its snapshot, e-mail subject and bodies."""
    assert run.id is not None and result.business.id is not None
    snapshot = digest_snapshot(result, app_url=app_url)
    rendered = render_digest(snapshot)
    return queries.NewDigest(
        business_id=result.business.id,
        week_start=run.week_start,
        as_of=result.as_of,
        generated_at=generated_at,
        run_id=run.id,
        status=result.summary.runway.status.value,
        subject=rendered.subject[:255],
        snapshot=snapshot,
        html=rendered.html,
        text=rendered.text,
    )


class DigestCompute(Protocol):
    """Computes one business's digest for a week; the worker's seam for the orchestrator."""

    def __call__(
        self,
        loaders: Loaders,
        business: Business,
        *,
        week_start: date,
        now: datetime,
        thresholds: Thresholds,
    ) -> Awaitable[Digest]: ...


async def compute_digest(
    loaders: Loaders,
    business: Business,
    *,
    week_start: date,
    now: datetime,
    thresholds: Thresholds,
) -> Digest:
    """The live ``digest`` query's numbers, exactly: same orchestrator, same "today" and week."""
    return await digest(
        loaders,
        business,
        today=business_today(business.timezone, now),
        week_of=week_start,
        now=now,
        thresholds=thresholds,
    )


DigestDeliverer = Callable[[Sequence[int]], Awaitable[object]]
"""Sends stored digests by id, at most once each (the mailer's outbox sees to that); what it
returns (the mailer's report) is the mailer's to log."""

ProgressListener = Callable[[DigestRun], None]
"""Told the run's row after each batch commits and when the run closes."""


def is_finished(run: DigestRun | None) -> bool:
    """A run that no worker will touch again (or that doesn't exist)."""
    return run is None or run.status not in queries.UNFINISHED_RUN_STATUSES


def default_owner() -> str:
    """A lease owner unique to this worker: host and pid for the operator, a nonce for safety."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]


class DigestWorker:
    """Works digest runs in this process; several may work the same run (PostgreSQL)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        thresholds: Thresholds,
        clock: Callable[[], datetime],
        qbo_app_url: str,
        options: DigestWorkerOptions | None = None,
        owner: str | None = None,
        compute: DigestCompute = compute_digest,
        deliver: DigestDeliverer | None = None,
        on_progress: ProgressListener | None = None,
        refresher: Refresher | None = None,
    ) -> None:
        """Args:
        clock: "now" for leases and for the digests (tests pin it, as the app's views do).
        qbo_app_url: where the snapshot's ``qboUrl`` links point (``settings.qbo.app_url``).
        owner: the lease owner; unique per worker unless a test wants to name it.
        compute: the orchestrator call (a seam for tests that need a business to fail).
        deliver: the mailer's ``deliver``, when this process can send e-mail.
        refresher: how the batch's stale assessments are computed (the server's thread).
        """
        self.sessions = sessions
        self.qbo_app_url = qbo_app_url
        self.thresholds = thresholds
        self.clock = clock
        self.options = options or DigestWorkerOptions()
        self.owner = owner or default_owner()
        self.compute = compute
        self.deliver = deliver
        self.on_progress = on_progress
        self.refresher = refresher
        self.lease = timedelta(seconds=self.options.lease_seconds)
        self.stopping = asyncio.Event()
        """Set at shutdown: claim nothing more, finish the batches in flight. A stop by
        cancellation could land while a connection is being opened, which aiosqlite then never
        closes (omnilib/aiosqlite#259)."""

    async def work_unfinished(self) -> list[DigestRun]:
        """Work every queued or running run, oldest first (what a starting server resumes)."""
        async with self.sessions() as session:
            run_ids = await queries.list_unfinished_run_ids(session)
        worked = []
        for run_id in run_ids:
            if self.stopping.is_set():
                break
            run = await self.work_run(run_id)
            if run is not None:
                worked.append(run)
        return worked

    async def work_run(self, run_id: int) -> DigestRun | None:
        """Process the run's claimable items until none is left, then close it if complete.

        Returns the run's row as it then stands: still RUNNING when other workers hold leases on
        some of its items (see ``next_look``).
        """
        async with self.sessions.begin() as session:
            run = await queries.get_run(session, run_id=run_id)
            if run is None or is_finished(run):
                return run
            now = self.clock()
            await queries.start_run(session, run_id=run_id, now=now)
            abandoned = await claims.fail_abandoned_items(
                session, run_id=run_id, now=now, max_attempts=self.options.max_attempts
            )
            if abandoned:
                logger.error("digest run %s: gave up on %s abandoned items", run_id, abandoned)
                await queries.add_to_run_counts(session, run_id=run_id, done=0, failed=abandoned)
        async with asyncio.TaskGroup() as lanes:
            for _ in range(self.options.concurrency):
                lanes.create_task(self._lane(run))
        return await self._close(run)

    async def next_look(self, run_id: int) -> datetime | None:
        """When an unfinished run's items held by others become claimable, if they ever do."""
        async with self.sessions() as session:
            return await claims.next_lease_expiry(session, run_id=run_id)

    async def _lane(self, run: DigestRun) -> None:
        while not self.stopping.is_set() and (items := await self._claim(run)):
            await self.process_batch(run, items)

    async def _claim(self, run: DigestRun) -> list[claims.ClaimedItem]:
        assert run.id is not None
        now = self.clock()
        async with self.sessions.begin() as session:
            return await claims.claim_items(
                session,
                run_id=run.id,
                owner=self.owner,
                now=now,
                lease_until=now + self.lease,
                limit=self.options.batch_size,
            )

    async def process_batch(self, run: DigestRun, items: Sequence[claims.ClaimedItem]) -> None:
        """Compute, render and store the digests of claimed ``items``; record each outcome.

        A business whose digest raises is recorded failed and the batch goes on; anything that
        stops the whole batch (the database, a cancellation) hands its items back first.
        """
        finished = asyncio.Event()
        heartbeat = asyncio.create_task(self._heartbeat([item.id for item in items], finished))
        try:
            await self._process(run, items)
        except BaseException:
            await self._release(items)
            raise
        finally:
            finished.set()  # the heartbeat ends between renewals, never inside one
            await asyncio.gather(heartbeat, return_exceptions=True)

    async def _process(self, run: DigestRun, items: Sequence[claims.ClaimedItem]) -> None:
        assert run.id is not None
        now = self.clock()
        business_ids = [item.business_id for item in items]
        existing: dict[int, int] = {}
        if not run.force:
            async with self.sessions() as session:
                existing = await queries.get_stored_digest_ids(
                    session, business_ids=business_ids, week_start=run.week_start
                )
        outcomes = [
            claims.ItemOutcome(item.id, digest_id=existing[item.business_id], reused=True)
            for item in items
            if item.business_id in existing
        ]
        wanted = [item for item in items if item.business_id not in existing]
        computed, failures = await self._compute_all(run, wanted, now)
        outcomes.extend(failures)
        async with self.sessions.begin() as session:
            stored, kept = await queries.upsert_stored_digests(
                session, digests=list(computed.values()), replace=run.force
            )
            outcomes.extend(
                claims.ItemOutcome(
                    item_id, digest_id=stored[new.business_id], reused=new.business_id in kept
                )
                for item_id, new in computed.items()
            )
            changed = await claims.finish_items(
                session, outcomes=outcomes, owner=self.owner, now=self.clock()
            )
            row = await queries.add_to_run_counts(
                session, run_id=run.id, done=changed.done, failed=changed.failed
            )
        if row is not None and self.on_progress is not None:
            self.on_progress(row)

    async def _compute_all(
        self, run: DigestRun, items: Sequence[claims.ClaimedItem], now: datetime
    ) -> tuple[dict[int, queries.NewDigest], list[claims.ItemOutcome]]:
        """Digests of ``items``' businesses through one loader set, rendered for storage."""
        assert run.id is not None
        if not items:
            return {}, []
        loaders = Loaders(
            self.sessions, [item.business_id for item in items], refresher=self.refresher
        )
        businesses = await loaders.business_by_id.load_many([i.business_id for i in items])
        # All at once, so every loader call of a stage lands in the same batch.
        results = await asyncio.gather(
            *(self._compute_one(loaders, business, run, now) for business in businesses)
        )
        computed: dict[int, queries.NewDigest] = {}
        failures: list[claims.ItemOutcome] = []
        for item, result in zip(items, results, strict=True):
            if isinstance(result, str):
                failures.append(claims.ItemOutcome(item.id, error=result))
                continue
            try:
                computed[item.id] = rendered_digest(
                    result, run=run, generated_at=now, app_url=self.qbo_app_url
                )
            except Exception as error:
                logger.exception("digest of business %s: rendering failed", item.business_id)
                failures.append(claims.ItemOutcome(item.id, error=_describe(error)))
                continue
            await asyncio.sleep(0)  # rendering is CPU work: let requests in between digests
        return computed, failures

    async def _compute_one(
        self, loaders: Loaders, business: Business | None, run: DigestRun, now: datetime
    ) -> Digest | str:
        """The business's digest, or why it failed (logged): one business never stops a batch."""
        if business is None:
            return "business not found (deleted since the run was requested?)"
        try:
            return await self.compute(
                loaders, business, week_start=run.week_start, now=now, thresholds=self.thresholds
            )
        except Exception as error:
            logger.exception(
                "digest of business %s (%s) for the week of %s failed",
                business.id,
                business.name,
                run.week_start,
            )
            return _describe(error)

    async def _heartbeat(self, item_ids: list[int], finished: asyncio.Event) -> None:
        """Renew the batch's leases every third of a lease, so only a dead worker loses them."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(finished.wait(), self.options.lease_seconds / 3)
            if finished.is_set():
                return
            try:
                async with self.sessions.begin() as session:
                    await claims.renew_leases(
                        session,
                        item_ids=item_ids,
                        owner=self.owner,
                        lease_until=self.clock() + self.lease,
                    )
            except Exception:
                logger.exception("digest worker %s: could not renew its leases", self.owner)

    async def _release(self, items: Sequence[claims.ClaimedItem]) -> None:
        """Hand unfinished items back at once; if the database is gone, their leases expire."""
        try:
            async with self.sessions.begin() as session:
                await claims.release_items(
                    session,
                    item_ids=[item.id for item in items],
                    owner=self.owner,
                    now=self.clock(),
                )
        except Exception:
            logger.exception("digest worker %s: could not release its items", self.owner)

    async def _close(self, run: DigestRun) -> DigestRun | None:
        """Deliver and close the run once nothing is open; else return it as it stands.

        Delivery comes before the status, so a process that dies in between delivers again on
        resumption: the mailer's outbox sends each digest at most once.
        """
        assert run.id is not None
        async with self.sessions() as session:
            counts = await queries.count_items(session, run_id=run.id)
            if counts.open:
                return await queries.get_run(session, run_id=run.id)
            digest_ids = await queries.list_run_digest_ids(session, run_id=run.id)
        if run.deliver and digest_ids:
            await self._deliver(run.id, digest_ids)
        async with self.sessions.begin() as session:
            closed = await queries.finish_run(session, run_id=run.id, now=self.clock())
            row = closed or await queries.get_run(session, run_id=run.id)
        if closed is not None:
            logger.info(
                "digest run %s %s: %s done, %s failed",
                run.id,
                closed.status,
                closed.done,
                closed.failed,
            )
        if row is not None and self.on_progress is not None:
            self.on_progress(row)
        return row

    async def _deliver(self, run_id: int, digest_ids: list[int]) -> None:
        """E-mail the run's digests; a delivery problem is the outbox's to record, not the run's."""
        if self.deliver is None:
            logger.error(
                "digest run %s asks for delivery but this process has no SMTP settings "
                "(RUNWAY_SMTP_URL): its digests are stored, not sent",
                run_id,
            )
            return
        try:
            await self.deliver(digest_ids)
        except Exception:
            logger.exception("digest run %s: delivery failed", run_id)
