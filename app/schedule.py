"""The built-in weekly schedule: fire the digest run at each cron slot, once across processes.

Several server processes may run with the same ``RUNWAY_DIGEST_SCHEDULE``. Each one wakes at the
slot and tries to claim it with one compare-and-set on a ``schedule_lock`` row (``last_fired_for``
moves forward only if it is older than the slot); exactly one claim succeeds, so one run starts.
A process that was down at the slot doesn't fire late: the next slot is the next chance, and the
CLI or the mutation covers a missed week.
"""

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from croniter import croniter  # type: ignore[import-untyped]
from sqlalchemy import insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from app.digest_jobs import DigestJobs
from app.settings import Settings
from domains.digests.models import ScheduleLock
from resolvers.digest_runs import DigestRequest, run_businesses, run_week

logger = logging.getLogger(__name__)

Fire = Callable[[datetime], Awaitable[None]]
"""What to do at a claimed slot (start the weekly digest run); receives the slot's time."""


def next_slot(cron: str, after: datetime) -> datetime:
    """The first slot of ``cron`` (in UTC) strictly after ``after``."""
    slot: datetime = croniter(cron, after.astimezone(UTC)).get_next(datetime)
    return slot.astimezone(UTC)


async def claim_slot(
    sessions: async_sessionmaker[AsyncSession], *, name: str, slot: datetime, holder: str
) -> bool:
    """Whether this process won ``slot``: true for exactly one caller per slot, whoever asks."""
    async with sessions.begin() as session:
        try:
            async with session.begin_nested():
                await session.execute(insert(ScheduleLock).values(name=name))
        except IntegrityError:
            pass  # another process created the row first: fine, compete on the update
        result = await session.execute(
            update(ScheduleLock)
            .where(
                col(ScheduleLock.name) == name,
                or_(
                    col(ScheduleLock.last_fired_for).is_(None),
                    col(ScheduleLock.last_fired_for) < slot,
                ),
            )
            .values(last_fired_for=slot, holder=holder)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


class WeeklySchedule:
    """Wakes at every slot of ``cron`` and fires if this process claims the slot."""

    def __init__(
        self,
        cron: str,
        *,
        sessions: async_sessionmaker[AsyncSession],
        fire: Fire,
        holder: str,
        name: str = "weekly-digest",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not croniter.is_valid(cron):
            raise ValueError(f"not a cron expression: {cron!r}")
        self.cron = cron
        self.sessions = sessions
        self.fire = fire
        self.holder = holder
        self.name = name
        self.clock = clock

    async def run_forever(self) -> None:
        """Sleep until each slot, then claim and fire it; errors are logged, never fatal."""
        while True:
            slot = next_slot(self.cron, self.clock())
            await asyncio.sleep(max(0.0, (slot - self.clock()).total_seconds()))
            await self.tick(slot)

    async def tick(self, slot: datetime) -> bool:
        """Claim ``slot`` and fire it if won; returns whether this process fired."""
        try:
            if not await claim_slot(self.sessions, name=self.name, slot=slot, holder=self.holder):
                logger.info("schedule %s: slot %s taken by another process", self.name, slot)
                return False
            logger.info("schedule %s: firing slot %s", self.name, slot)
            await self.fire(slot)
            return True
        except Exception:
            logger.exception("schedule %s: slot %s failed", self.name, slot)
            return False


def weekly_digest_schedule(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], jobs: DigestJobs
) -> WeeklySchedule | None:
    """The schedule of ``RUNWAY_DIGEST_SCHEDULE`` (None when unset): at each slot, one process
    starts the same run as ``generateDigests`` for every active business, delivering the e-mails
    when SMTP is configured."""
    if settings.digest_schedule is None:
        return None

    async def fire(slot: datetime) -> None:
        business_ids = await run_businesses(sessions, allowed_ids=None, requested=None)
        await jobs.request(
            DigestRequest(
                business_ids=business_ids,
                week_start=run_week(None, now=slot),
                requested_by="schedule",
                deliver=settings.smtp_url is not None,
            )
        )

    holder = f"{socket.gethostname()}:{os.getpid()}"
    return WeeklySchedule(settings.digest_schedule, sessions=sessions, fire=fire, holder=holder)
