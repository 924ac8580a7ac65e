"""The weekly schedule fires at the cron's local time in each business's timezone, each business's
slot exactly once, however many processes compete for it."""

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import create_engine, create_session_factory
from app.digest_jobs import digest_jobs_for
from app.schedule import (
    LocalSlot,
    WeeklySchedule,
    claim_slot,
    earliest_slot,
    next_slot,
    slot_groups,
    weekly_digest_schedule,
)
from app.settings import Settings
from domains.digests.models import DigestRun
from tests.conftest import Database
from tests.factories import make_business

FRIDAY_7AM = "0 7 * * FRI"
THURSDAY_NOON_UTC = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_next_slot_is_the_next_friday_morning_in_utc() -> None:
    assert next_slot(FRIDAY_7AM, THURSDAY_NOON_UTC) == utc(2026, 11, 20, 7, 0)
    at_the_slot = utc(2026, 11, 20, 7, 0)
    assert next_slot(FRIDAY_7AM, at_the_slot) == utc(2026, 11, 27, 7, 0)


@pytest.mark.parametrize(
    ("zone", "after", "expected"),
    [
        ("America/New_York", THURSDAY_NOON_UTC, utc(2026, 11, 20, 12, 0)),  # EST, UTC-5
        ("America/New_York", utc(2026, 7, 16, 12, 0), utc(2026, 7, 17, 11, 0)),  # EDT, UTC-4
        ("Asia/Kolkata", THURSDAY_NOON_UTC, utc(2026, 11, 20, 1, 30)),
        ("Asia/Kathmandu", THURSDAY_NOON_UTC, utc(2026, 11, 20, 1, 15)),
        ("Pacific/Auckland", utc(2026, 11, 19, 0, 0), utc(2026, 11, 19, 18, 0)),  # Thu in UTC
    ],
)
def test_next_slot_reads_the_cron_on_the_local_clock(
    zone: str, after: datetime, expected: datetime
) -> None:
    slot = next_slot(FRIDAY_7AM, after, ZoneInfo(zone))
    assert slot == expected
    local = slot.astimezone(ZoneInfo(zone))
    assert (local.weekday(), local.time()) == (4, time(7, 0))  # Friday 07:00 where they are


def test_daylight_saving_nights_fire_once() -> None:
    new_york = ZoneInfo("America/New_York")
    # 02:30 doesn't exist on 8 Mar 2026 (02:00 EST jumps to 03:00 EDT): it fires at 03:30 EDT.
    gap = "30 2 * * SUN"
    first = next_slot(gap, utc(2026, 3, 7, 12, 0), new_york)
    assert first == utc(2026, 3, 8, 7, 30)
    assert first.astimezone(new_york).time() == time(3, 30)
    assert next_slot(gap, first, new_york) == utc(2026, 3, 15, 6, 30)  # 02:30 EDT, a week on
    # 01:30 happens twice on 1 Nov 2026 (EDT, then EST an hour later): it fires the first time.
    twice = "30 1 * * SUN"
    first = next_slot(twice, utc(2026, 10, 31, 12, 0), new_york)
    assert first == utc(2026, 11, 1, 5, 30)
    assert next_slot(twice, first, new_york) == utc(2026, 11, 8, 6, 30)  # not 1 Nov 06:30 UTC


def test_slots_group_the_businesses_whose_local_time_it_is() -> None:
    zones = {
        "America/New_York": [1],
        "America/Toronto": [2],
        "Europe/London": [3],
        "Mars/Olympus_Mons": [4],  # unknown: UTC, as everywhere
        "UTC": [5],
        "Asia/Kolkata": [6],
    }
    assert earliest_slot(FRIDAY_7AM, zones, THURSDAY_NOON_UTC) == utc(2026, 11, 20, 1, 30)
    assert earliest_slot(FRIDAY_7AM, [], THURSDAY_NOON_UTC) is None
    (kolkata,) = slot_groups(FRIDAY_7AM, zones, utc(2026, 11, 20, 1, 30))
    assert (kolkata.business_ids, kolkata.label) == ((6,), "UTC+05:30")
    (utc_group,) = slot_groups(FRIDAY_7AM, zones, utc(2026, 11, 20, 7, 0))
    assert (utc_group.business_ids, utc_group.label) == ((3, 4, 5), "UTC+00:00")
    (eastern,) = slot_groups(FRIDAY_7AM, zones, utc(2026, 11, 20, 12, 0))
    assert (eastern.business_ids, eastern.label) == ((1, 2), "UTC-05:00")
    assert eastern.local == datetime(2026, 11, 20, 7, 0)
    assert eastern.local_date == date(2026, 11, 20)
    assert slot_groups(FRIDAY_7AM, zones, utc(2026, 11, 20, 13, 0)) == ()
    # Two local times at one instant: 07:00 in London and 08:00 in Paris are two groups.
    both = slot_groups("0 7,8 * * FRI", {"Europe/London": [1], "Europe/Paris": [2]}, utc_group.at)
    assert [(g.label, g.business_ids, g.local.hour) for g in both] == [
        ("UTC+00:00", (1,), 7),
        ("UTC+01:00", (2,), 8),
    ]


def test_an_invalid_expression_is_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="cron"):
        WeeklySchedule("every friday", sessions=database.sessions, fire=_never, holder="a")


async def _never(group: LocalSlot) -> None:
    raise AssertionError("must not fire")


async def test_two_processes_claim_a_slot_exactly_once(database: Database) -> None:
    slot = utc(2026, 11, 20, 7, 0)
    # Two engines stand for two server processes sharing the database.
    other_engine = create_engine(database.url)
    try:
        other = create_session_factory(other_engine)
        claims = await asyncio.gather(
            *(
                claim_slot(sessions, name="weekly-digest", slot=slot, holder=f"p{i}")
                for i, sessions in enumerate([database.sessions, other] * 3)
            )
        )
        assert sorted(claims) == [False] * 5 + [True]
        # The same slot again: taken. The next week's slot: free again, once.
        assert not await claim_slot(database.sessions, name="weekly-digest", slot=slot, holder="x")
        later = utc(2026, 11, 27, 7, 0)
        assert await claim_slot(other, name="weekly-digest", slot=later, holder="p1")
        assert not await claim_slot(
            database.sessions, name="weekly-digest", slot=later, holder="p0"
        )
    finally:
        await other_engine.dispose()


async def test_each_group_fires_once_across_processes(database: Database) -> None:
    ids = {}
    for zone in ("America/New_York", "America/Toronto", "Europe/London", "Asia/Kolkata"):
        ids[zone] = (await make_business(database.sessions, timezone=zone)).id
    await make_business(database.sessions, timezone="America/New_York", active=False)
    fired: list[tuple[str, LocalSlot]] = []
    other_engine = create_engine(database.url)
    try:
        other = create_session_factory(other_engine)

        def schedule(holder: str, sessions: async_sessionmaker[AsyncSession]) -> WeeklySchedule:
            async def fire(group: LocalSlot) -> None:
                fired.append((holder, group))

            return WeeklySchedule(FRIDAY_7AM, sessions=sessions, fire=fire, holder=holder)

        processes = [schedule("a", database.sessions), schedule("b", other)]
        eastern = utc(2026, 11, 20, 12, 0)
        won = await asyncio.gather(*(process.tick(eastern) for process in processes))
        assert sorted(len(groups) for groups in won) == [0, 1]
        ((_, group),) = fired
        assert group.business_ids == (ids["America/New_York"], ids["America/Toronto"])
        assert (group.at, group.local) == (eastern, datetime(2026, 11, 20, 7, 0))
        # Asked again, by either: already fired. Another group's slot is its own.
        assert [await process.tick(eastern) for process in processes] == [(), ()]
        (london,) = await processes[1].tick(utc(2026, 11, 20, 7, 0))
        assert london.business_ids == (ids["Europe/London"],)
        assert len(fired) == 2
    finally:
        await other_engine.dispose()


async def test_a_failing_group_does_not_stop_the_others(database: Database) -> None:
    london = (await make_business(database.sessions, timezone="Europe/London")).id
    paris = (await make_business(database.sessions, timezone="Europe/Paris")).id
    fired: list[tuple[int, ...]] = []

    async def fire(group: LocalSlot) -> None:
        fired.append(group.business_ids)
        if group.label == "UTC+00:00":
            raise RuntimeError("the run could not start")

    schedule = WeeklySchedule("0 7,8 * * FRI", sessions=database.sessions, fire=fire, holder="a")
    groups = await schedule.tick(utc(2026, 11, 20, 7, 0))  # 07:00 in London, 08:00 in Paris
    assert [group.business_ids for group in groups] == fired == [(london,), (paris,)]


async def test_the_server_schedule_starts_each_run_in_the_business_s_own_week(
    database: Database,
) -> None:
    auckland = (await make_business(database.sessions, timezone="Pacific/Auckland")).id
    los_angeles = (await make_business(database.sessions, timezone="America/Los_Angeles")).id
    monday = "0 7 * * MON"
    settings = Settings(database_url=database.url, digest_schedule=monday, _env_file=None)  # type: ignore[call-arg]
    # Monday 07:00 in Auckland (UTC+13) is Sunday 18:00 UTC, while the UTC week still ends.
    auckland_slot = utc(2026, 11, 22, 18, 0)
    jobs = digest_jobs_for(settings, database.sessions, clock=lambda: auckland_slot)
    schedule = weekly_digest_schedule(settings, database.sessions, jobs)
    assert schedule is not None
    unset = Settings(database_url=database.url, _env_file=None)  # type: ignore[call-arg]
    assert weekly_digest_schedule(unset, database.sessions, jobs) is None

    assert len(await schedule.tick(auckland_slot)) == 1
    assert len(await schedule.tick(utc(2026, 11, 23, 15, 0))) == 1  # 07:00 in Los Angeles
    async with database.sessions() as session:
        runs = (await session.scalars(select(DigestRun).order_by(DigestRun.id))).all()
    assert [(run.requested_by, run.week_start, run.total, run.deliver) for run in runs] == [
        ("schedule", date(2026, 11, 23), 1, False),  # Auckland's Monday: not the UTC week
        ("schedule", date(2026, 11, 23), 1, False),  # no SMTP configured: no delivery
    ]
    assert auckland != los_angeles


class _EndOfWeek(Exception):
    """Stops the simulated week."""


async def test_a_week_of_the_schedule_fires_every_zone_at_its_local_time(
    database: Database,
) -> None:
    """``run_forever`` over a simulated clock: it sleeps until each zone's slot in turn, and
    picks up a business in a new zone without a restart."""
    for zone in ("America/New_York", "Europe/London", "Asia/Kolkata"):
        await make_business(database.sessions, timezone=zone)
    now = [THURSDAY_NOON_UTC]
    naps: list[float] = []
    fired: list[tuple[datetime, str, datetime]] = []

    async def sleep(seconds: float) -> None:
        naps.append(seconds)
        now[0] += timedelta(seconds=seconds)
        if now[0] > utc(2026, 11, 21, 0, 0):
            raise _EndOfWeek

    async def fire(group: LocalSlot) -> None:
        fired.append((group.at, group.label, group.local))
        if group.label == "UTC+05:30":  # a business opens in a zone not seen before
            await make_business(database.sessions, timezone="America/Los_Angeles")

    schedule = WeeklySchedule(
        FRIDAY_7AM,
        sessions=database.sessions,
        fire=fire,
        holder="a",
        clock=lambda: now[0],
        sleep=sleep,
    )
    with pytest.raises(_EndOfWeek):
        await schedule.run_forever()
    friday_7am = datetime(2026, 11, 20, 7, 0)
    assert fired == [
        (utc(2026, 11, 20, 1, 30), "UTC+05:30", friday_7am),
        (utc(2026, 11, 20, 7, 0), "UTC+00:00", friday_7am),
        (utc(2026, 11, 20, 12, 0), "UTC-05:00", friday_7am),
        (utc(2026, 11, 20, 15, 0), "UTC-08:00", friday_7am),
    ]
    assert max(naps) == schedule.recheck.total_seconds()  # never sleeps past a re-read
