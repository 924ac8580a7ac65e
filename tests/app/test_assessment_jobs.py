"""The assessment job: exactly the stale businesses, claimed under a lease, other days dropped.

What the job asks to be computed is seen through ``RefreshLog`` (``tests.app.refresh_log``), a
``Refresher`` that records the keys and then computes them for real. Stale means: never assessed,
``data_version`` moved, other thresholds, or the business's local day turned. Two jobs over one
database (two engines, as two processes) never compute the same business twice.
"""

import asyncio
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.assessment_jobs import AssessmentJob
from app.db import create_engine, create_session_factory
from app.job_options import AssessmentJobOptions
from domains.assessments import claims
from domains.assessments.models import Assessment, AssessmentClaim
from domains.assessments.queries import AssessmentKey
from domains.core import queries as core_queries
from domains.core.models import Business
from resolvers.clock import business_today
from resolvers.loaders import Loaders
from resolvers.stored_assessments import current_assessment, inline_refresher
from resolvers.thresholds import Thresholds
from tests.app.refresh_log import NOW, Clock, RefreshLog, duplicates
from tests.conftest import Database
from tests.factories import bill, make_business, save, vendor
from tests.statements import counting_statements

HOLD_TIMEOUT = 30
"""Seconds a test waits on an event before failing instead of hanging."""
NEW_YORK_MIDNIGHT = datetime(2026, 11, 21, 5, 30, tzinfo=NOW.tzinfo)
"""00:30 on Saturday in New York; still Friday in Los Angeles; Saturday already in Tokyo."""


async def business(database: Database, timezone: str, **values: object) -> int:
    """A business in ``timezone`` with a vendor and an open bill (something to assess)."""
    made = await make_business(database.sessions, timezone=timezone, **values)
    assert made.id is not None
    supplier = vendor(made.id)
    await save(database.sessions, supplier)
    await save(database.sessions, bill(made.id, vendor_qbo_id=supplier.qbo_id))
    return made.id


def job(
    database: Database,
    log: RefreshLog,
    clock: Clock,
    *,
    thresholds: Thresholds | None = None,
    owner: str = "job",
    **options: float,
) -> AssessmentJob:
    return AssessmentJob(
        log.sessions,
        refresher=log,
        thresholds=thresholds or Thresholds(),
        clock=clock,
        options=AssessmentJobOptions(**options),  # type: ignore[arg-type]
        owner=owner,
    )


def key(business_id: int, timezone: str, clock: Clock) -> AssessmentKey:
    return (business_id, business_today(timezone, clock()))


def writes(statements: list[str]) -> list[str]:
    """The statements that write, by verb and table."""
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [" ".join(s.split()[:3]) for s in statements if s.split()[0] in verbs]


async def business_row(database: Database, business_id: int) -> Business:
    async with database.sessions() as session:
        found = await session.get(Business, business_id)
    assert found is not None
    return found


async def stored(database: Database) -> list[tuple[int, date]]:
    async with database.sessions() as session:
        rows = (await session.scalars(select(Assessment))).all()
    return sorted((row.business_id, row.as_of) for row in rows)


async def held_claims(database: Database) -> list[tuple[int, str]]:
    async with database.sessions() as session:
        rows = (await session.scalars(select(AssessmentClaim))).all()
    return sorted((row.business_id, row.owner) for row in rows)


async def test_the_job_assesses_exactly_the_stale_businesses(database: Database) -> None:
    clock = Clock()
    new_york = await business(database, "America/New_York")
    los_angeles = await business(database, "America/Los_Angeles")
    tokyo = await business(database, "Asia/Tokyo")
    await business(database, "America/Chicago", active=False)  # never assessed
    log = RefreshLog(database.sessions, clock)
    assessing = job(database, log, clock)
    everyone = [
        key(new_york, "America/New_York", clock),
        key(los_angeles, "America/Los_Angeles", clock),
        key(tokyo, "Asia/Tokyo", clock),
    ]

    # New businesses: every active one, on its own day (Tokyo is on Saturday already).
    assert await assessing.run_once() == 3
    assert log.take() == everyone
    assert everyone[2][1] == date(2026, 11, 21)
    assert await stored(database) == everyone
    assert await held_claims(database) == []  # claims given back once done

    # Nothing moved: nothing claimed, computed or stored. The only write is the sweep of other
    # days' assessments, which finds none.
    with counting_statements(database.url) as statements:
        assert await assessing.run_once() == 0
    assert log.take() == []
    assert writes(statements) == ["DELETE FROM assessment"]
    assert await stored(database) == everyone

    # A business's books changed: that one only.
    async with database.sessions.begin() as session:
        await core_queries.bump_data_version(session, business_id=los_angeles)
    assert await assessing.run_once() == 1
    assert log.take() == [everyone[1]]

    # New York's day turned (Los Angeles's has not, Tokyo's turned long ago): New York only.
    clock.set(NEW_YORK_MIDNIGHT)
    assert await assessing.run_once() == 1
    assert log.take() == [(new_york, date(2026, 11, 21))]

    # Other thresholds: every assessment was computed with the old ones.
    other = job(database, log, clock, thresholds=Thresholds(decision_horizon_days=45))
    assert await other.run_once() == 3
    assert log.take() == [
        (new_york, date(2026, 11, 21)),
        everyone[1],
        everyone[2],
    ]
    assert await other.run_once() == 0
    assert log.take() == []


async def test_other_days_are_dropped_once_kept_long_enough(database: Database) -> None:
    late_friday = datetime(2026, 11, 21, 4, 0, tzinfo=NOW.tzinfo)  # 23:00 in New York
    clock = Clock(late_friday)
    new_york = await business(database, "America/New_York")
    log = RefreshLog(database.sessions, clock)
    assessing = job(database, log, clock, other_days_kept_seconds=7200)
    friday, saturday = date(2026, 11, 20), date(2026, 11, 21)
    await assessing.run_once()
    # A request asked for another day (an explicit asOf): stored beside today's.
    week_ago = friday - timedelta(days=7)
    await current_assessment(
        Loaders(
            database.sessions, [new_york], refresher=inline_refresher(database.sessions, clock)
        ),
        await business_row(database, new_york),
        as_of=week_ago,
        thresholds=Thresholds(),
    )
    assert await stored(database) == [(new_york, week_ago), (new_york, friday)]

    clock.set(NEW_YORK_MIDNIGHT)  # Saturday in New York, 90 minutes after Friday's assessment
    await assessing.run_once()
    assert await stored(database) == [
        (new_york, week_ago),
        (new_york, friday),
        (new_york, saturday),
    ]

    clock.set(late_friday + timedelta(seconds=7201))  # both are past the two hours kept
    await assessing.run_once()
    assert await stored(database) == [(new_york, saturday)]

    clock.advance(days=0.9)  # still Saturday: today's assessment stays however old
    await assessing.run_once()
    assert await stored(database) == [(new_york, saturday)]
    assert log.take() == [(new_york, friday), (new_york, saturday)]


async def test_a_business_claimed_by_another_waits_for_its_lease_to_run_out(
    database: Database,
) -> None:
    clock = Clock()
    held = await business(database, "America/New_York")
    free = await business(database, "America/New_York")
    async with database.sessions.begin() as session:  # another process is assessing it
        await claims.claim_businesses(
            session,
            business_ids=[held],
            owner="other",
            now=NOW,
            lease_until=NOW + timedelta(seconds=300),
        )
    log = RefreshLog(database.sessions, clock)
    assessing = job(database, log, clock, lease_seconds=60)

    clock.advance(seconds=299)
    assert await assessing.run_once() == 1
    assert log.take() == [(free, date(2026, 11, 20))]
    assert await held_claims(database) == [(held, "other")]  # not taken, not released

    clock.advance(seconds=2)  # the other's lease has run out: it died
    assert await assessing.run_once() == 1
    assert log.take() == [(held, date(2026, 11, 20))]
    assert await held_claims(database) == []


async def test_two_jobs_never_assess_a_business_twice_even_when_one_lags(
    database: Database,
) -> None:
    """Job a lists the stale businesses, claims its first batch and stalls in it; job b runs a
    whole pass meanwhile (a's batch is claimed, the rest b assesses and releases). When a goes
    on, the businesses it listed are claimable again, but no longer stale: a must not compute
    them a second time."""
    clock = Clock()
    ids = [await business(database, "America/New_York") for _ in range(4)]
    b_engine = create_engine(database.url)  # b is another process: its own connections
    try:
        b_sessions = create_session_factory(b_engine)
        b_log = RefreshLog(b_sessions, clock)
        b = AssessmentJob(
            b_sessions,
            refresher=b_log,
            thresholds=Thresholds(),
            clock=clock,
            options=AssessmentJobOptions(batch_size=1),
            owner="b",
        )
        b_done = asyncio.Event()

        async def b_runs_meanwhile(keys: object) -> None:
            if not b_done.is_set():
                await b.run_once()
                b_done.set()

        a_log = RefreshLog(database.sessions, clock, hold=b_runs_meanwhile)
        a = job(database, a_log, clock, owner="a", batch_size=1)
        async with asyncio.timeout(HOLD_TIMEOUT):
            await a.run_once()
    finally:
        await b_engine.dispose()

    a_keys, b_keys = a_log.take(), b_log.take()
    assert b_done.is_set()
    assert a_keys == [(ids[0], date(2026, 11, 20))]  # its first batch; the rest were b's
    assert b_keys == [(business_id, date(2026, 11, 20)) for business_id in ids[1:]]
    assert await held_claims(database) == []


async def test_two_jobs_running_at_once_share_the_work(database: Database) -> None:
    """Two jobs, each with its own engine, run their passes concurrently over one database:
    together they assess every business, and none twice."""
    clock = Clock()
    ids = [await business(database, "America/Los_Angeles") for _ in range(10)]
    engines = [create_engine(database.url) for _ in range(2)]
    try:
        logs = [RefreshLog(create_session_factory(engine), clock) for engine in engines]
        jobs = [
            AssessmentJob(
                log.sessions,
                refresher=log,
                thresholds=Thresholds(),
                clock=clock,
                options=AssessmentJobOptions(batch_size=2),
                owner=f"job-{n}",
            )
            for n, log in enumerate(logs)
        ]
        async with asyncio.timeout(HOLD_TIMEOUT):
            counts = await asyncio.gather(*(j.run_once() for j in jobs))
    finally:
        for engine in engines:
            await engine.dispose()

    every = [key for log in logs for key in log.keys]
    assert duplicates(every) == []
    assert sorted(every) == [(business_id, date(2026, 11, 20)) for business_id in ids]
    assert sum(counts) == len(ids)
    assert await held_claims(database) == []


async def test_the_job_wakes_when_told_and_stops_when_asked(database: Database) -> None:
    clock = Clock()
    first = await business(database, "America/New_York")
    log = RefreshLog(database.sessions, clock)
    assessing = job(database, log, clock, poll_seconds=3600)

    await assessing.start()
    try:
        async with asyncio.timeout(HOLD_TIMEOUT):
            await log.finished.wait()  # its first pass: the new business
            assert log.take() == [(first, date(2026, 11, 20))]
            async with database.sessions.begin() as session:
                await core_queries.bump_data_version(session, business_id=first)
            assessing.wake()  # a sync run finished: look again now, not in an hour
            await log.finished.wait()
    finally:
        await assessing.stop()

    assert log.take() == [(first, date(2026, 11, 20))]
    await assessing.stop()  # stopping twice is harmless
