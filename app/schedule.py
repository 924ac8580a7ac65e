"""The built-in weekly schedule: each business's digest at the cron's time on its own clock.

``RUNWAY_DIGEST_SCHEDULE="0 7 * * FRI"`` means Friday 07:00 where the owner is: the cron is read
as wall-clock time in each active business's timezone (``Business.timezone``; an unknown one counts
as UTC, as everywhere else). For every timezone in use the next slot is the next local time the
cron matches, as a UTC instant; the schedule sleeps until the earliest one. At that instant the
businesses whose local slot it is are grouped by their UTC offset (every zone at one offset shows
the same local time, hence the same date and week: New York and Toronto share a group), and each
group becomes one digest run for the week of its local date, so a Monday 07:00 slot in Auckland
digests Auckland's Monday, not the UTC week that is still ending.

Several processes may run with the same setting. Each group is claimed with one compare-and-set on
its own ``schedule_lock`` row (``"weekly-digest UTC-05:00"``): ``last_fired_for`` moves forward only
if it is older than the slot, so exactly one process wins each (offset, instant), and since a
business is at one offset at one instant, each business's slot fires once.

Daylight saving: a local time that doesn't exist (02:30 on a spring-forward night) fires when the
gap ends (03:30 by the new clock); one that happens twice (01:30 on a fall-back night) fires once,
the first time. A process re-reads the timezones at least every ``recheck`` (10 minutes), so a
business in a new zone is scheduled without a restart; its slot, if it passed while the process
slept, fires then, at most ``recheck`` late. A process that was down at a slot doesn't fire it when
it starts: the next slot is the next chance, and the CLI or the mutation covers a missed week.
"""

import asyncio
import logging
import os
import socket
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from croniter import croniter  # type: ignore[import-untyped]
from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from app.digest_jobs import DigestJobs
from app.settings import Settings
from domains.core.models import Business
from domains.digests.models import ScheduleLock
from resolvers.digest_render.formats import business_zone
from resolvers.digest_runs import DigestRequest, run_week

logger = logging.getLogger(__name__)

RECHECK = timedelta(minutes=10)
_JUST_BEFORE = timedelta(microseconds=1)


@dataclass(frozen=True)
class LocalSlot:
    """A slot as one group of businesses' clocks show it: the same instant and UTC offset."""

    at: datetime
    """The instant, aware UTC."""
    offset: timedelta
    business_ids: tuple[int, ...]

    @property
    def local(self) -> datetime:
        """The wall-clock time the group's businesses see (naive: it is theirs, not UTC)."""
        return (self.at + self.offset).replace(tzinfo=None)

    @property
    def local_date(self) -> date:
        return self.local.date()

    @property
    def label(self) -> str:
        """ "UTC-05:00": the group's name in logs and on its ``schedule_lock`` row."""
        minutes = int(self.offset.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


Fire = Callable[[LocalSlot], Awaitable[None]]
"""What to do for a claimed group (start its digest run)."""
Sleep = Callable[[float], Awaitable[None]]


def next_slot(cron: str, after: datetime, zone: tzinfo = UTC) -> datetime:
    """The first instant strictly after ``after`` (aware UTC) at which the clock in ``zone``
    shows a time that ``cron`` matches.

    croniter walks naive wall-clock times; each is placed in ``zone`` with ``fold=0``, which is
    what gives the daylight-saving behaviour of the module docstring (a time in a gap lands at the
    gap's end, a repeated time on its first occurrence, and its second is skipped by the loop).
    """
    times = croniter(cron, after.astimezone(zone).replace(tzinfo=None))
    while True:
        wall: datetime = times.get_next(datetime)
        instant = wall.replace(tzinfo=zone).astimezone(UTC)
        if instant > after:
            return instant


def slot_groups(
    cron: str, zones: Mapping[str, Sequence[int]], at: datetime
) -> tuple[LocalSlot, ...]:
    """The groups whose slot is ``at``: the businesses of every zone (name to business ids)
    whose next slot after the instant just before ``at`` is ``at``, grouped by UTC offset."""
    groups: dict[timedelta, list[int]] = defaultdict(list)
    for name, business_ids in zones.items():
        zone = business_zone(name)
        if next_slot(cron, at - _JUST_BEFORE, zone) == at:
            offset = at.astimezone(zone).utcoffset()
            groups[offset or timedelta(0)].extend(business_ids)
    return tuple(
        LocalSlot(at=at, offset=offset, business_ids=tuple(sorted(ids)))
        for offset, ids in sorted(groups.items())
    )


def earliest_slot(cron: str, zone_names: Iterable[str], after: datetime) -> datetime | None:
    """The next instant after ``after`` at which any of the zones has a slot."""
    slots = [next_slot(cron, after, business_zone(name)) for name in set(zone_names)]
    return min(slots, default=None)


async def active_zones(sessions: async_sessionmaker[AsyncSession]) -> dict[str, list[int]]:
    """Every active business's id, by the timezone it names (as stored; unknown ones included)."""
    statement = (
        select(col(Business.id), col(Business.timezone))
        .where(col(Business.active).is_(True))
        .order_by(col(Business.id))
    )
    zones: dict[str, list[int]] = defaultdict(list)
    async with sessions() as session:
        for business_id, timezone in (await session.execute(statement)).all():
            if business_id is not None:  # a stored row always has its key; mypy can't know
                zones[timezone].append(business_id)
    return dict(zones)


async def claim_slot(
    sessions: async_sessionmaker[AsyncSession], *, name: str, slot: datetime, holder: str
) -> bool:
    """Whether this process won ``slot`` of lock ``name``: true for exactly one caller per slot."""
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
    """Wakes at every business's local slot of ``cron`` and fires the groups it claims."""

    def __init__(
        self,
        cron: str,
        *,
        sessions: async_sessionmaker[AsyncSession],
        fire: Fire,
        holder: str,
        name: str = "weekly-digest",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Sleep = asyncio.sleep,
        recheck: timedelta = RECHECK,
    ) -> None:
        """Args:
        name: the lock rows' prefix; a group's row is ``f"{name} {slot.label}"``.
        clock, sleep: the outside world, for tests to drive a simulated week.
        recheck: the longest sleep between two reads of the businesses' timezones.
        """
        if not croniter.is_valid(cron):
            raise ValueError(f"not a cron expression: {cron!r}")
        self.cron = cron
        self.sessions = sessions
        self.fire = fire
        self.holder = holder
        self.name = name
        self.clock = clock
        self.sleep = sleep
        self.recheck = recheck

    async def run_forever(self) -> None:
        """Sleep until each slot, then claim and fire its groups; errors are logged, never fatal.

        ``done`` is the last instant handled: the next slot is looked for after it, not after
        "now", so a slot is never skipped because firing the previous one took a while.
        """
        done = self.clock()
        while True:
            try:
                wake = earliest_slot(self.cron, await active_zones(self.sessions), done)
            except Exception:
                logger.exception("schedule %s: could not read the businesses' timezones", self.name)
                wake = None
            wait = self.recheck if wake is None else min(wake - self.clock(), self.recheck)
            await self.sleep(max(0.0, wait.total_seconds()))
            if wake is not None and wake <= self.clock():
                await self.tick(wake)
                done = wake

    async def tick(self, at: datetime) -> tuple[LocalSlot, ...]:
        """Claim each group whose slot is ``at`` and fire the ones won; returns those won.
        One group failing is logged and doesn't stop the others."""
        try:
            groups = slot_groups(self.cron, await active_zones(self.sessions), at)
        except Exception:
            logger.exception("schedule %s: slot %s failed", self.name, at)
            return ()
        fired = []
        for group in groups:
            lock = f"{self.name} {group.label}"
            try:
                if not await claim_slot(self.sessions, name=lock, slot=at, holder=self.holder):
                    logger.info("schedule %s: slot %s taken by another process", lock, at)
                    continue
                logger.info(
                    "schedule %s: firing %s local (%s UTC) for %d businesses",
                    lock,
                    group.local,
                    at,
                    len(group.business_ids),
                )
                fired.append(group)
                await self.fire(group)
            except Exception:
                logger.exception("schedule %s: slot %s failed", lock, at)
        return tuple(fired)


def weekly_digest_schedule(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], jobs: DigestJobs
) -> WeeklySchedule | None:
    """The schedule of ``RUNWAY_DIGEST_SCHEDULE`` (None when unset): at each business's local
    slot, one process starts the same run as ``generateDigests`` for that slot's group, for the
    week of its local date, delivering the e-mails when SMTP is configured."""
    if settings.digest_schedule is None:
        return None

    async def fire(group: LocalSlot) -> None:
        await jobs.request(
            DigestRequest(
                business_ids=group.business_ids,
                week_start=run_week(group.local_date, now=group.at),
                requested_by="schedule",
                deliver=settings.smtp_url is not None,
            )
        )

    holder = f"{socket.gethostname()}:{os.getpid()}"
    return WeeklySchedule(settings.digest_schedule, sessions=sessions, fire=fire, holder=holder)
