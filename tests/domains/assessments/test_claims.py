"""Claiming businesses to assess: one compare-and-set per business, leases, releases.

The job-level behaviour (batches, two jobs at once) is tested with the job in
``tests/app/test_assessment_jobs.py``; here the claim functions are called directly.
"""

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlmodel import col

from app.db import create_engine, create_session_factory
from domains.assessments import claims
from domains.assessments.models import AssessmentClaim
from tests.conftest import Database
from tests.domains.assessments.records import NOW, business_ids
from tests.statements import counting_statements

LEASE = timedelta(seconds=300)
HOLD_TIMEOUT = 20
"""Seconds a claim may wait on another's before the test fails instead of hanging."""


async def claim(
    database: Database, ids: list[int], owner: str, *, now: datetime = NOW
) -> list[int]:
    async with database.sessions.begin() as session:
        return await claims.claim_businesses(
            session, business_ids=ids, owner=owner, now=now, lease_until=now + LEASE
        )


async def holders(database: Database) -> dict[int, tuple[str, datetime]]:
    async with database.sessions() as session:
        rows = (await session.scalars(select(AssessmentClaim))).all()
    return {row.business_id: (row.owner, row.lease_until) for row in rows}


async def test_a_business_is_won_by_one_owner_until_its_lease_runs_out(
    database: Database,
) -> None:
    ids = await business_ids(database, 3)

    first = await claim(database, ids[:2], "a")
    b_time = NOW + timedelta(seconds=100)
    second = await claim(database, ids, "b", now=b_time)
    at_expiry = await claim(database, ids, "c", now=NOW + LEASE)
    later = NOW + LEASE + timedelta(seconds=1)
    after_expiry = await claim(database, ids, "c", now=later)

    assert first == ids[:2]
    assert second == ids[2:]  # the free one only: a's are held
    assert at_expiry == []  # a lease holds to its last instant
    assert after_expiry == ids[:2]  # a's ran out (b's, taken later, still holds)
    assert await holders(database) == {
        ids[0]: ("c", later + LEASE),
        ids[1]: ("c", later + LEASE),
        ids[2]: ("b", b_time + LEASE),
    }


async def test_only_the_holder_releases_its_claims(database: Database) -> None:
    ids = await business_ids(database, 3)
    await claim(database, ids[:2], "a")
    await claim(database, ids[2:], "b")

    async with database.sessions.begin() as session:
        await claims.release_businesses(session, business_ids=ids, owner="b")
        await claims.release_businesses(session, business_ids=ids[:1], owner="a")

    assert await holders(database) == {ids[1]: ("a", NOW + LEASE)}
    # A released business is free at once, long before its lease would have run out.
    assert await claim(database, ids, "c") == [ids[0], ids[2]]


async def test_nothing_asked_is_nothing_sent(database: Database) -> None:
    with counting_statements(database.url) as statements:
        assert await claim(database, [], "a") == []
        async with database.sessions.begin() as session:
            await claims.release_businesses(session, business_ids=[], owner="a")

    assert [s for s in statements if s.split()[0] in ("INSERT", "DELETE", "UPDATE")] == []


async def test_owners_claiming_at_once_never_both_win_a_business(database: Database) -> None:
    """Each owner claims through its own engine (as separate processes would), all at once, with
    overlapping sets; every business is won by exactly one of them."""
    ids = await business_ids(database, 8)
    wanted = {
        "a": ids[:6],
        "b": ids[2:],
        "c": ids[::2],
        "d": list(reversed(ids)),
    }
    engines = {owner: create_engine(database.url) for owner in wanted}
    try:

        async def claim_as(owner: str) -> list[int]:
            sessions = create_session_factory(engines[owner])
            async with sessions.begin() as session:
                return await claims.claim_businesses(
                    session,
                    business_ids=wanted[owner],
                    owner=owner,
                    now=NOW,
                    lease_until=NOW + LEASE,
                )

        async with asyncio.timeout(HOLD_TIMEOUT):
            won = dict(
                zip(wanted, await asyncio.gather(*(claim_as(o) for o in wanted)), strict=True)
            )
    finally:
        for engine in engines.values():
            await engine.dispose()

    every = sorted(business for businesses in won.values() for business in businesses)
    assert every == ids  # each once: nobody won a business twice, none was left out
    for owner, businesses in won.items():
        assert set(businesses) <= set(wanted[owner])
    held = await holders(database)
    assert {business: owner for owner, bs in won.items() for business in bs} == {
        business: owner for business, (owner, _) in held.items()
    }


async def waiting_on_a_lock(database: Database, waiter: asyncio.Task[list[int]]) -> None:
    """Return once a PostgreSQL backend of this database waits on a row lock; fail if ``waiter``
    finishes first (it never waited). The caller bounds this in time: on a loaded machine the
    waiter's new connection can take longer than any fixed number of polls."""
    waiting = text(
        "select count(*) from pg_stat_activity "
        "where datname = current_database() and wait_event_type = 'Lock'"
    )
    async with database.engine.connect() as connection:
        while not waiter.done():
            if await connection.scalar(waiting):
                return
    raise AssertionError("the claim finished without waiting on a lock")


async def test_a_claim_waits_for_an_uncommitted_one_and_then_loses(database: Database) -> None:
    """PostgreSQL: the second upsert waits on the first's row and, once it commits, finds the
    lease taken (SQLite takes one writer at a time, so the second simply comes after)."""
    ids = await business_ids(database, 2)
    other_engine = create_engine(database.url)
    try:
        other_sessions = create_session_factory(other_engine)
        async with database.sessions.begin() as session:  # a's claim, not yet committed
            a = await claims.claim_businesses(
                session, business_ids=ids[:1], owner="a", now=NOW, lease_until=NOW + LEASE
            )

            async def claim_b() -> list[int]:
                async with other_sessions.begin() as other:
                    return await claims.claim_businesses(
                        other, business_ids=ids, owner="b", now=NOW, lease_until=NOW + LEASE
                    )

            b_task = asyncio.create_task(claim_b())
            if database.kind == "postgresql":
                async with asyncio.timeout(HOLD_TIMEOUT):
                    await waiting_on_a_lock(database, b_task)
                assert not b_task.done()
        async with asyncio.timeout(HOLD_TIMEOUT):
            b = await b_task
    finally:
        await other_engine.dispose()

    assert a == ids[:1]
    assert b == ids[1:]
    async with database.sessions() as session:
        owners = (
            await session.execute(
                select(col(AssessmentClaim.business_id), col(AssessmentClaim.owner)).order_by(
                    col(AssessmentClaim.business_id)
                )
            )
        ).all()
    assert [tuple(row) for row in owners] == [(ids[0], "a"), (ids[1], "b")]
