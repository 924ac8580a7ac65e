"""The digest worker on real SQLite and PostgreSQL: batches, failures, leases, resumption.

Businesses are generated companies loaded through the real mapper. The worker's ``compute`` seam
(the orchestrator call) is wrapped only to count calls or to hold a batch still at a known point;
the digests themselves are always the real orchestrator's. Nothing waits on time: holds are
events, and expired leases are reached by giving the next worker a later clock.
"""

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.db import create_engine, create_session_factory
from app.digest_worker import DigestWorker, compute_digest
from app.job_options import DigestWorkerOptions
from domains.core.models import Business
from domains.digests import claims, queries
from domains.digests.models import StoredDigest
from resolvers.digest import Digest
from resolvers.digest_runs import DigestRequest, create_run
from resolvers.loaders import Loaders
from resolvers.thresholds import Thresholds
from sync.settings import QboSettings
from tests.app.digest_runs import (
    HOLD_TIMEOUT,
    LEASE,
    NOW,
    WEEK,
    insert_unpayable_bill,
    items_of,
    load_businesses,
    make_worker,
    new_run,
    stored_per_business,
)
from tests.conftest import Database
from tests.statements import counting_statements

Compute = Callable[..., Awaitable[Digest]]


@dataclass
class CountingCompute:
    """The real orchestrator, counting its calls per business (optionally holding some)."""

    calls: Counter[int]
    before: Callable[[Business], Awaitable[None]] | None = None

    async def __call__(self, loaders: Loaders, business: Business, **kwargs: Any) -> Digest:
        assert business.id is not None
        self.calls[business.id] += 1
        if self.before is not None:
            await self.before(business)
        return await compute_digest(loaders, business, **kwargs)


async def test_a_run_stores_each_business_digest_once_and_succeeds(database: Database) -> None:
    ids = await load_businesses(database, 4)
    run = await new_run(database, ids)

    finished = await make_worker(database, batch_size=3).work_run(run.id or 0)

    assert finished is not None
    assert (finished.status, finished.total, finished.done, finished.failed) == (
        "SUCCEEDED",
        4,
        4,
        0,
    )
    assert finished.started_at == NOW and finished.finished_at == NOW
    assert await stored_per_business(database) == Counter(ids)
    items = await items_of(database, run.id)
    assert {(i.status, i.attempts, i.reused, i.lease_owner) for i in items} == {
        ("done", 1, False, None)
    }
    async with database.sessions() as session:
        stored = (await session.scalars(select(StoredDigest))).all()
    assert {s.id for s in stored} == {i.digest_id for i in items}
    for digest in stored:
        assert (digest.week_start, digest.as_of, digest.run_id) == (
            WEEK,
            date(2026, 11, 20),
            run.id,
        )
        assert digest.snapshot["weekStart"] == "2026-11-16"
        assert digest.snapshot["status"] == digest.status
        assert digest.subject and "</html>" in digest.html and digest.text


async def test_a_batch_of_20_costs_the_statements_of_a_batch_of_5(database: Database) -> None:
    ids = await load_businesses(database, 20)
    worker = make_worker(database)

    async def measure(business_ids: list[int], week: date) -> list[str]:
        request = DigestRequest(business_ids=tuple(business_ids), week_start=week, requested_by="t")
        run = await create_run(database.sessions, request, now=NOW)
        assert run.id is not None
        async with database.sessions.begin() as session:
            items = await claims.claim_items(
                session,
                run_id=run.id,
                owner=worker.owner,
                now=NOW,
                lease_until=NOW + LEASE,
                limit=50,
            )
        assert len(items) == len(business_ids)
        with counting_statements(database.url) as statements:
            await worker.process_batch(run, items)
        return statements

    await measure(ids[:1], WEEK - timedelta(weeks=3))  # warm-up: first connections
    few = await measure(ids[:5], WEEK - timedelta(weeks=1))
    many = await measure(ids, WEEK)

    # Per batch: the reuse lookup, the stored assessments of the week's day (each business is
    # assessed now: one statement per entity type and money window for the whole batch, then
    # one replace of every assessment), their details, then the digests' upsert, the items'
    # outcomes and the run's counts. Only the pages of inserted assessment rows follow the
    # rows' number (500 a statement); every other statement is one for the whole batch.
    def shape(statements: list[str]) -> list[list[str]]:
        return sorted(s.split()[:3] for s in statements if not s.startswith("INSERT INTO assessed"))

    assert shape(many) == shape(few), (few, many)
    assert len(shape(many)) == 25, shape(many)
    assert await stored_per_business(database) == Counter(ids) + Counter(ids[:5]) + Counter(ids[:1])


async def test_a_business_whose_rules_raise_is_recorded_failed_and_the_others_go_on(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    ids = await load_businesses(database, 4)
    broken = ids[1]
    await insert_unpayable_bill(database, broken)
    run = await new_run(database, ids)

    with caplog.at_level(logging.ERROR, logger="app.digest_worker"):
        finished = await make_worker(database).work_run(run.id or 0)

    assert finished is not None
    assert (finished.status, finished.done, finished.failed) == ("PARTIAL", 3, 1)
    outcome = {i.business_id: i for i in await items_of(database, run.id)}
    assert outcome[broken].status == "failed" and outcome[broken].digest_id is None
    assert (outcome[broken].error or "").startswith("OverflowError: date value out of range")
    assert all(outcome[b].status == "done" for b in ids if b != broken)
    assert await stored_per_business(database) == Counter(b for b in ids if b != broken)
    assert any(r.exc_info and str(broken) in r.getMessage() for r in caplog.records)

    # A run of nothing but failures is FAILED.
    alone = await new_run(database, [broken])
    finished = await make_worker(database).work_run(alone.id or 0)
    assert finished is not None and (finished.status, finished.failed) == ("FAILED", 1)


async def test_a_second_run_reuses_stored_digests_unless_forced(database: Database) -> None:
    ids = await load_businesses(database, 3)
    first = await new_run(database, ids)
    await make_worker(database).work_run(first.id or 0)
    digest_ids = {i.business_id: i.digest_id for i in await items_of(database, first.id)}
    counting = CountingCompute(Counter())

    again = await new_run(database, ids)
    finished = await make_worker(database, compute=counting).work_run(again.id or 0)

    assert finished is not None and finished.status == "SUCCEEDED"
    assert counting.calls == Counter()  # nothing recomputed
    items = await items_of(database, again.id)
    assert {i.business_id: i.digest_id for i in items} == digest_ids
    assert all(i.reused for i in items)

    forced = await new_run(database, ids, force=True)
    finished = await make_worker(database, compute=counting).work_run(forced.id or 0)

    assert finished is not None and finished.status == "SUCCEEDED"
    assert counting.calls == Counter(ids)
    items = await items_of(database, forced.id)
    assert {i.business_id: i.digest_id for i in items} == digest_ids  # replaced in place
    assert not any(i.reused for i in items)
    async with database.sessions() as session:
        runs = (await session.scalars(select(col(StoredDigest.run_id)))).all()
    assert set(runs) == {forced.id}
    assert await stored_per_business(database) == Counter(ids)


async def test_a_cancelled_worker_leaves_a_run_that_a_new_worker_finishes(
    database: Database,
) -> None:
    ids = await load_businesses(database, 6)
    run = await new_run(database, ids)
    held = asyncio.Event()

    async def hold_the_second_batch(business: Business) -> None:
        if business.id in ids[3:]:
            held.set()
            await asyncio.Event().wait()  # until cancelled

    first = CountingCompute(Counter(), before=hold_the_second_batch)
    worker = make_worker(database, batch_size=3, concurrency=1, compute=first)
    task = asyncio.create_task(worker.work_run(run.id or 0))
    async with asyncio.timeout(HOLD_TIMEOUT):
        await held.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    cut = {i.business_id: i for i in await items_of(database, run.id)}
    assert {b: cut[b].status for b in ids} == {
        b: "done" if b in ids[:3] else "pending" for b in ids
    }
    async with database.sessions() as session:
        row = await queries.get_run(session, run_id=run.id or 0)
    assert row is not None and (row.status, row.done) == ("RUNNING", 3)

    second = CountingCompute(Counter())
    finished = await make_worker(database, compute=second).work_run(run.id or 0)

    assert finished is not None
    assert (finished.status, finished.done, finished.failed) == ("SUCCEEDED", 6, 0)
    assert second.calls == Counter(ids[3:])  # the first batch was not redone
    assert await stored_per_business(database) == Counter(ids)
    items = {i.business_id: i for i in await items_of(database, run.id)}
    assert {b: items[b].attempts for b in ids} == {b: 1 if b in ids[:3] else 2 for b in ids}
    assert {b: items[b].digest_id for b in ids[:3]} == {b: cut[b].digest_id for b in ids[:3]}


async def test_a_dead_workers_items_are_reclaimed_once_its_lease_expires(
    database: Database,
) -> None:
    ids = await load_businesses(database, 4)
    run = await new_run(database, ids)
    assert run.id is not None
    async with database.sessions.begin() as session:  # a process claims two, then dies
        dead = await claims.claim_items(
            session, run_id=run.id, owner="dead", now=NOW, lease_until=NOW + LEASE, limit=2
        )
    counting = CountingCompute(Counter())

    now_worker = make_worker(database, compute=counting)
    still = await now_worker.work_run(run.id)

    assert still is not None and (still.status, still.done) == ("RUNNING", 2)
    assert counting.calls == Counter(ids[2:])  # the leased two are left alone
    assert await now_worker.next_look(run.id) == NOW + LEASE

    later = NOW + LEASE + timedelta(seconds=1)
    finished = await make_worker(database, clock=lambda: later, compute=counting).work_run(run.id)

    assert finished is not None and (finished.status, finished.done) == ("SUCCEEDED", 4)
    assert counting.calls == Counter(ids)
    assert await stored_per_business(database) == Counter(ids)
    # The dead worker coming back late can't overwrite what the new one recorded.
    async with database.sessions.begin() as session:
        late = await claims.finish_items(
            session,
            outcomes=[claims.ItemOutcome(item.id, error="late") for item in dead],
            owner="dead",
            now=later,
        )
    assert late == queries.ItemCounts()
    assert {i.status for i in await items_of(database, run.id)} == {"done"}


async def test_an_item_whose_worker_keeps_dying_is_given_up(database: Database) -> None:
    ids = await load_businesses(database, 2)
    run = await new_run(database, ids)
    assert run.id is not None
    async with database.sessions.begin() as session:
        await claims.claim_items(
            session, run_id=run.id, owner="dead", now=NOW, lease_until=NOW + LEASE, limit=1
        )
    later = NOW + LEASE + timedelta(seconds=1)
    worker = DigestWorker(
        database.sessions,
        thresholds=Thresholds(),
        clock=lambda: later,
        qbo_app_url=QboSettings().app_url,
        options=DigestWorkerOptions(max_attempts=1),
    )

    finished = await worker.work_run(run.id)

    assert finished is not None and (finished.status, finished.done, finished.failed) == (
        "PARTIAL",
        1,
        1,
    )
    given_up = next(i for i in await items_of(database, run.id) if i.status == "failed")
    assert given_up.business_id == ids[0]
    assert "abandoned" in (given_up.error or "")


async def test_two_workers_on_postgresql_never_process_a_business_twice(
    database: Database,
) -> None:
    if database.kind != "postgresql":
        pytest.skip("several processes share a run on PostgreSQL only")
    ids = await load_businesses(database, 12)
    run = await new_run(database, ids)
    other_engine = create_engine(database.url)  # a second process: its own connections
    started = {"a": asyncio.Event(), "b": asyncio.Event()}

    def meet(me: str, them: str) -> Callable[[Business], Awaitable[None]]:
        async def both_hold_a_batch(business: Business) -> None:
            started[me].set()
            async with asyncio.timeout(HOLD_TIMEOUT):
                await started[them].wait()

        return both_hold_a_batch

    a = CountingCompute(Counter(), before=meet("a", "b"))
    b = CountingCompute(Counter(), before=meet("b", "a"))
    worker_a = make_worker(database, batch_size=2, compute=a, owner="a")
    worker_b = DigestWorker(
        create_session_factory(other_engine),
        thresholds=Thresholds(),
        clock=lambda: NOW,
        qbo_app_url=QboSettings().app_url,
        options=DigestWorkerOptions(batch_size=2, concurrency=2),
        compute=b,
        owner="b",
    )
    try:
        await asyncio.gather(worker_a.work_run(run.id or 0), worker_b.work_run(run.id or 0))
    finally:
        await other_engine.dispose()

    assert a.calls and b.calls  # both did some of it
    assert a.calls + b.calls == Counter(ids)  # and every business exactly once
    items = await items_of(database, run.id)
    assert {(i.status, i.attempts) for i in items} == {("done", 1)}
    assert await stored_per_business(database) == Counter(ids)
    async with database.sessions() as session:
        row = await queries.get_run(session, run_id=run.id or 0)
        digests = (await session.execute(select(func.count()).select_from(StoredDigest))).scalar()
    assert row is not None and (row.status, row.done, row.failed) == ("SUCCEEDED", 12, 0)
    assert digests == 12
