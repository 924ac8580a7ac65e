"""The weekly schedule fires each slot exactly once, however many processes compete for it."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.db import create_engine, create_session_factory
from app.digest_jobs import digest_jobs_for
from app.schedule import WeeklySchedule, claim_slot, next_slot, weekly_digest_schedule
from app.settings import Settings
from domains.digests.models import DigestRun
from tests.conftest import Database
from tests.factories import make_business

FRIDAY_7AM = "0 7 * * FRI"


def test_next_slot_is_the_next_friday_morning_in_utc() -> None:
    thursday = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)
    assert next_slot(FRIDAY_7AM, thursday) == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    at_the_slot = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    assert next_slot(FRIDAY_7AM, at_the_slot) == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)


def test_an_invalid_expression_is_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="cron"):
        WeeklySchedule("every friday", sessions=database.sessions, fire=_never, holder="a")


async def _never(slot: datetime) -> None:
    raise AssertionError("must not fire")


async def test_two_processes_claim_a_slot_exactly_once(database: Database) -> None:
    slot = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
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
        later = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
        assert await claim_slot(other, name="weekly-digest", slot=later, holder="p1")
        assert not await claim_slot(
            database.sessions, name="weekly-digest", slot=later, holder="p0"
        )
    finally:
        await other_engine.dispose()


async def test_only_the_winner_fires_and_a_failure_is_not_fatal(database: Database) -> None:
    slot = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    fired: list[tuple[str, datetime]] = []

    def schedule(holder: str) -> WeeklySchedule:
        async def fire(at: datetime) -> None:
            fired.append((holder, at))
            if holder == "boom":
                raise RuntimeError("the run could not start")

        return WeeklySchedule(FRIDAY_7AM, sessions=database.sessions, fire=fire, holder=holder)

    results = await asyncio.gather(schedule("a").tick(slot), schedule("b").tick(slot))
    assert sorted(results) == [False, True]
    assert len(fired) == 1 and fired[0][1] == slot

    later = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    assert await schedule("boom").tick(later) is False  # fired, failed, logged, still running
    assert fired[-1] == ("boom", later)


async def test_the_server_schedule_starts_the_weekly_run_for_every_business(
    database: Database,
) -> None:
    for name in ("Alder", "Birch"):
        await make_business(database.sessions, name=name)
    settings = Settings(database_url=database.url, digest_schedule=FRIDAY_7AM, _env_file=None)  # type: ignore[call-arg]
    slot = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    jobs = digest_jobs_for(settings, database.sessions, clock=lambda: slot)
    schedule = weekly_digest_schedule(settings, database.sessions, jobs)
    assert schedule is not None
    assert (
        weekly_digest_schedule(
            Settings(database_url=database.url, _env_file=None),  # type: ignore[call-arg]
            database.sessions,
            jobs,
        )
        is None
    )

    assert await schedule.tick(slot) is True
    async with database.sessions() as session:
        (run,) = (await session.scalars(select(DigestRun))).all()
    assert (run.requested_by, run.week_start.isoformat(), run.total) == (
        "schedule",
        "2026-11-16",
        2,
    )
    assert run.deliver is False  # no SMTP configured
