"""The assessment job: keeps every active business's stored assessment of its today current.

An assessment goes stale when the business's books change (a sync page, a recorded decision:
its ``data_version`` moves), when the thresholds change, and when the business's own day turns
(its QBO timezone). Requests never wait for the job (they compute a stale business themselves,
``resolvers.stored_assessments``); the job makes sure they seldom have to. It finds the stale
businesses, claims them in batches under a lease (``domains.assessments.claims``) so that
several processes (servers and ``runway worker``) share the work without doing a business
twice, and has the batch computed by the ``Refresher`` (the server's is its assessment thread).
It wakes when told (after a sync run, a decision) and otherwise at the next local midnight of
any business, or every ``poll_seconds``. It also drops assessments of other days once they have
served the requests that asked for them.
"""

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.job_options import AssessmentJobOptions
from domains.assessments import claims
from domains.assessments import queries as assessment_queries
from domains.assessments.queries import AssessmentKey, BusinessState
from resolvers.assessment_records import thresholds_key
from resolvers.clock import business_today
from resolvers.loaders import Refresher
from resolvers.stored_assessments import inline_refresher
from resolvers.thresholds import Thresholds

logger = logging.getLogger(__name__)


def default_owner() -> str:
    """A lease owner unique to this job: host and pid for the operator, a nonce for safety."""
    return f"assess:{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class AssessmentJob:
    """Finds stale businesses and has them assessed, in claimed batches."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        refresher: Refresher,
        thresholds: Thresholds,
        clock: Callable[[], datetime],
        options: AssessmentJobOptions | None = None,
        owner: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.refresher = refresher
        self.thresholds = thresholds
        self.clock = clock
        self.options = options or AssessmentJobOptions()
        self.owner = owner or default_owner()
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look again now (a sync run finished, a decision was recorded)."""
        self._wake.set()

    async def start(self) -> None:
        """Run in the background until ``stop``."""
        if self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self._serve(), name="assessment-job")

    async def stop(self) -> None:
        """Finish the batch in flight, then stop."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        self._wake.set()
        await asyncio.gather(task, return_exceptions=True)

    async def run_once(self) -> int:
        """Assess every stale business now; returns how many were assessed."""
        now = self.clock()
        async with self.sessions() as session:
            states = await assessment_queries.list_business_states(session)
        today = {state.business_id: _today(state, now) for state in states}
        stale = await self._stale(states, today)
        assessed = 0
        for start in range(0, len(stale), self.options.batch_size):
            if self._stopping.is_set():
                break
            assessed += await self._assess_batch(stale[start : start + self.options.batch_size])
        await self._drop_other_days(list(today.items()), now)
        return assessed

    async def _stale(
        self, states: Sequence[BusinessState], days: Mapping[int, date]
    ) -> list[AssessmentKey]:
        """The (business, day) keys of ``states`` whose stored assessment is missing or was
        computed from an older ``data_version`` or with other thresholds."""
        wanted = [(state.business_id, days[state.business_id]) for state in states]
        async with self.sessions() as session:
            stored = await assessment_queries.list_stored_keys(session, keys=wanted)
        key = thresholds_key(self.thresholds)
        current = {(row.business_id, row.as_of): row for row in stored if row.thresholds_key == key}
        return [
            (state.business_id, day)
            for state, (_, day) in zip(states, wanted, strict=True)
            if (found := current.get((state.business_id, day))) is None
            or found.data_version < state.data_version
        ]

    async def _assess_batch(self, keys: Sequence[AssessmentKey]) -> int:
        now = self.clock()
        async with self.sessions.begin() as session:
            won = set(
                await claims.claim_businesses(
                    session,
                    business_ids=[business_id for business_id, _ in keys],
                    owner=self.owner,
                    now=now,
                    lease_until=now + timedelta(seconds=self.options.lease_seconds),
                )
            )
        if not won:
            return 0
        try:
            # Listed stale before the claim, maybe assessed since: another process may have
            # claimed, computed and released them meanwhile. Only what is still stale now that
            # they are ours is computed, so no business is assessed twice for one change.
            async with self.sessions() as session:
                states = await assessment_queries.list_business_states(session, business_ids=won)
            still = set(await self._stale(states, dict(keys)))
            mine = [key for key in keys if key in still]
            if not mine:
                return 0
            failures = await self.refresher(mine, self.thresholds)
        finally:
            async with self.sessions.begin() as session:
                await claims.release_businesses(session, business_ids=won, owner=self.owner)
        for (business_id, as_of), error in failures.items():
            logger.error("assessment of business %s as of %s failed: %s", business_id, as_of, error)
        return len(mine) - len(failures)

    async def _drop_other_days(self, today: list[AssessmentKey], now: datetime) -> None:
        kept_after = now - timedelta(seconds=self.options.other_days_kept_seconds)
        async with self.sessions.begin() as session:
            dropped = await assessment_queries.delete_assessments_except(
                session, keep=today, computed_before=kept_after
            )
        if dropped:
            logger.info("dropped %s assessments of other days", dropped)

    async def _serve(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                assessed = await self.run_once()
                if assessed:
                    logger.info("assessed %s businesses", assessed)
                pause = await self._seconds_to_next_day()
            except Exception:
                logger.exception("assessment job: a pass failed")
                pause = self.options.poll_seconds
            if self._stopping.is_set():
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), pause)

    async def _seconds_to_next_day(self) -> float:
        """Until the next local midnight of any business, at most ``poll_seconds``."""
        now = self.clock()
        async with self.sessions() as session:
            states = await assessment_queries.list_business_states(session)
        seconds = self.options.poll_seconds
        for timezone in {state.timezone for state in states}:
            seconds = min(seconds, _seconds_to_midnight(timezone, now))
        return max(seconds, 1.0)


def _today(state: BusinessState, now: datetime) -> date:
    return business_today(state.timezone, now)


def _zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _seconds_to_midnight(timezone: str, now: datetime) -> float:
    local = now.astimezone(_zone(timezone))
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo)
    # In UTC: a subtraction within one zone would ignore a DST change overnight.
    return (midnight.astimezone(UTC) - now.astimezone(UTC)).total_seconds() + 1.0


async def assess_stale_now(
    sessions: async_sessionmaker[AsyncSession],
    *,
    thresholds: Thresholds,
    clock: Callable[[], datetime],
    options: AssessmentJobOptions | None = None,
) -> int:
    """One pass of the job, computing in the calling task: what a command runs after it changed
    the books (``runway sync``, ``runway demo``), once for the whole run."""
    job = AssessmentJob(
        sessions,
        refresher=inline_refresher(sessions, clock),
        thresholds=thresholds,
        clock=clock,
        options=options,
    )
    return await job.run_once()
