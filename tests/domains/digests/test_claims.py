"""Claiming digest-run items under a lease, on SQLite and PostgreSQL (``SKIP LOCKED`` there).

The worker-level behaviour (batches, dead workers, resumption) is tested with the worker in
``tests/resolvers/test_digest_runs.py``; here each claim function is called directly.
"""

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from app.db import create_engine, create_session_factory
from domains.digests import claims, queries
from domains.digests.models import DigestRunItem
from tests.conftest import Database
from tests.factories import make_business

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
HOLD_TIMEOUT = 20
"""Seconds a claim may wait on another's locks before the test fails instead of hanging."""


async def new_run(database: Database, count: int) -> tuple[int, list[int]]:
    """A run over ``count`` new businesses: its id and the businesses, in item order."""
    ids = []
    for _ in range(count):
        business = await make_business(database.sessions)
        assert business.id is not None
        ids.append(business.id)
    async with database.sessions.begin() as session:
        run = await queries.create_run(
            session,
            week_start=date(2026, 11, 16),
            requested_by="test",
            business_ids=ids,
            deliver=False,
            force=False,
            now=NOW,
        )
    assert run.id is not None
    return run.id, ids


async def claim(
    database: Database, run_id: int, owner: str, *, limit: int, now: datetime = NOW
) -> list[claims.ClaimedItem]:
    async with database.sessions.begin() as session:
        return await claims.claim_items(
            session, run_id=run_id, owner=owner, now=now, lease_until=now + LEASE, limit=limit
        )


async def items(database: Database, run_id: int) -> list[DigestRunItem]:
    async with database.sessions() as session:
        statement = (
            select(DigestRunItem)
            .where(col(DigestRunItem.run_id) == run_id)
            .order_by(col(DigestRunItem.id))
        )
        return list((await session.scalars(statement)).all())


async def test_a_claim_takes_pending_items_in_order_under_a_lease(database: Database) -> None:
    run_id, ids = await new_run(database, 5)

    first = await claim(database, run_id, "a", limit=2)
    second = await claim(database, run_id, "b", limit=2)

    assert [c.business_id for c in first] == ids[:2]
    assert [c.business_id for c in second] == ids[2:4]
    rows = await items(database, run_id)
    assert [(r.status, r.lease_owner, r.attempts) for r in rows] == [
        ("running", "a", 1),
        ("running", "a", 1),
        ("running", "b", 1),
        ("running", "b", 1),
        ("pending", None, 0),
    ]
    assert {r.lease_expires_at for r in rows[:4]} == {NOW + LEASE}


async def test_a_running_item_is_reclaimed_only_once_its_lease_expired(database: Database) -> None:
    run_id, ids = await new_run(database, 2)
    await claim(database, run_id, "dead", limit=2)

    at_expiry = await claim(database, run_id, "b", limit=2, now=NOW + LEASE)
    later = NOW + LEASE + timedelta(seconds=1)
    after_expiry = await claim(database, run_id, "b", limit=2, now=later)

    assert at_expiry == []
    assert [c.business_id for c in after_expiry] == ids
    rows = await items(database, run_id)
    assert [(r.lease_owner, r.attempts, r.lease_expires_at) for r in rows] == [
        ("b", 2, later + LEASE)
    ] * 2


async def test_only_the_holder_renews_or_releases_its_leases(database: Database) -> None:
    run_id, _ = await new_run(database, 3)
    held = [c.id for c in await claim(database, run_id, "a", limit=3)]
    renewed_until = NOW + 5 * LEASE

    async with database.sessions.begin() as session:
        await claims.renew_leases(session, item_ids=held, owner="b", lease_until=renewed_until)
        expiry_after_foreign_renewal = await claims.next_lease_expiry(session, run_id=run_id)
        await claims.renew_leases(session, item_ids=held[:2], owner="a", lease_until=renewed_until)
        expiry = await claims.next_lease_expiry(session, run_id=run_id)
        await claims.release_items(session, item_ids=held, owner="b", now=NOW)
        await claims.release_items(session, item_ids=held[1:], owner="a", now=NOW)

    assert expiry_after_foreign_renewal == NOW + LEASE
    assert expiry == NOW + LEASE  # the third item's lease is the first to run out
    rows = await items(database, run_id)
    assert [(r.status, r.lease_owner, r.lease_expires_at) for r in rows] == [
        ("running", "a", renewed_until),
        ("pending", None, None),
        ("pending", None, None),
    ]
    async with database.sessions.begin() as session:
        await claims.release_items(session, item_ids=held[:1], owner="a", now=NOW)
        assert await claims.next_lease_expiry(session, run_id=run_id) is None  # nothing held


async def test_outcomes_are_recorded_only_while_the_lease_is_held(database: Database) -> None:
    run_id, _ = await new_run(database, 3)
    first, second, third = [c.id for c in await claim(database, run_id, "a", limit=3)]
    later = NOW + LEASE + timedelta(seconds=1)
    [taken_over] = await claim(database, run_id, "b", limit=1, now=later)  # a's lease ran out
    assert taken_over.id == first

    async with database.sessions.begin() as session:
        counts = await claims.finish_items(
            session,
            outcomes=[
                claims.ItemOutcome(first, error="too late"),
                claims.ItemOutcome(second, digest_id=None, reused=True),
                claims.ItemOutcome(third, error="rules raised"),
            ],
            owner="a",
            now=later,
        )
        nothing = await claims.finish_items(session, outcomes=[], owner="a", now=later)

    assert counts == queries.ItemCounts(done=1, failed=1)
    assert nothing == queries.ItemCounts()
    rows = await items(database, run_id)
    assert [(r.status, r.lease_owner, r.reused, r.error) for r in rows] == [
        ("running", "b", False, None),  # b's now: a's late outcome is not written
        ("done", None, True, None),
        ("failed", None, False, "rules raised"),
    ]


async def test_items_whose_workers_keep_dying_are_given_up(database: Database) -> None:
    run_id, _ = await new_run(database, 3)
    await claim(database, run_id, "dead", limit=2)  # attempt 1 for the first two
    later = NOW + LEASE + timedelta(seconds=1)
    await claim(database, run_id, "dead again", limit=1, now=later)  # attempt 2 for the first
    much_later = later + LEASE + timedelta(seconds=1)

    async with database.sessions.begin() as session:
        given_up = await claims.fail_abandoned_items(
            session, run_id=run_id, now=much_later, max_attempts=2
        )

    assert given_up == 1
    rows = await items(database, run_id)
    assert [(r.status, r.attempts, r.lease_owner) for r in rows] == [
        ("failed", 2, None),
        ("running", 1, "dead"),  # one death so far: reclaimable, not given up
        ("pending", 0, None),
    ]
    assert rows[0].error == "abandoned: its worker stopped 2 times before finishing it"


async def test_concurrent_claims_on_postgresql_skip_each_others_rows(database: Database) -> None:
    if database.kind != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite runs one writer at a time")
    run_id, ids = await new_run(database, 4)
    other_engine = create_engine(database.url)  # a second process: its own connections
    try:
        other_sessions = create_session_factory(other_engine)
        async with database.sessions.begin() as session:  # a's claim, not yet committed
            a = await claims.claim_items(
                session, run_id=run_id, owner="a", now=NOW, lease_until=NOW + LEASE, limit=2
            )
            # b claims meanwhile: without SKIP LOCKED it would wait on a's rows (fail, not hang).
            async with other_sessions.begin() as other, asyncio.timeout(HOLD_TIMEOUT):
                b = await claims.claim_items(
                    other, run_id=run_id, owner="b", now=NOW, lease_until=NOW + LEASE, limit=3
                )
    finally:
        await other_engine.dispose()

    assert [c.business_id for c in a] == ids[:2]
    assert [c.business_id for c in b] == ids[2:]  # the locked two are skipped, not waited for
    assert [r.lease_owner for r in await items(database, run_id)] == ["a", "a", "b", "b"]
