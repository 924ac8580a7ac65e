"""The background digest worker of a server process: how it stops.

A server stopping mid-run lets the batch in flight finish and claims nothing more, rather than
cancelling work halfway (which wasted the batch and could abandon a half-opened connection). The
batch is held at a known point by an event, never by time.
"""

import asyncio
from collections import Counter
from typing import Any

from app.digest_jobs import DigestJobs
from app.digest_worker import compute_digest
from app.job_options import DigestWorkerOptions
from domains.digests.queries import ITEM_DONE, ITEM_PENDING
from resolvers.digest import Digest
from resolvers.digest_runs import DigestRequest
from resolvers.loaders import Loaders
from resolvers.thresholds import Thresholds
from sync.settings import QboSettings
from tests.app.digest_runs import HOLD_TIMEOUT, NOW, WEEK, items_of, load_businesses
from tests.conftest import Database


async def test_stopping_finishes_the_batch_in_flight_and_claims_no_more(
    database: Database,
) -> None:
    ids = await load_businesses(database, 3)
    calls: Counter[int] = Counter()
    entered = asyncio.Event()
    jobs: DigestJobs

    async def compute(loaders: Loaders, business: Any, **kwargs: Any) -> Digest:
        calls[business.id] += 1
        entered.set()
        await jobs.worker.stopping.wait()  # the batch is in flight when the stop comes
        return await compute_digest(loaders, business, **kwargs)

    jobs = DigestJobs(
        database.sessions,
        thresholds=Thresholds(),
        clock=lambda: NOW,
        qbo_app_url=QboSettings().app_url,
        options=DigestWorkerOptions(batch_size=1, concurrency=1),
        compute=compute,
    )
    await jobs.start()
    run = await jobs.request(
        DigestRequest(business_ids=tuple(ids), week_start=WEEK, requested_by="test")
    )
    async with asyncio.timeout(HOLD_TIMEOUT):
        await entered.wait()
        await jobs.stop()

    statuses = [item.status for item in await items_of(database, run.id)]
    assert statuses == [ITEM_DONE, ITEM_PENDING, ITEM_PENDING]
    assert sum(calls.values()) == 1


async def test_a_stopped_worker_starts_again_and_finishes_the_run(database: Database) -> None:
    ids = await load_businesses(database, 2)
    jobs = DigestJobs(
        database.sessions,
        thresholds=Thresholds(),
        clock=lambda: NOW,
        qbo_app_url=QboSettings().app_url,
        options=DigestWorkerOptions(batch_size=1, concurrency=1),
    )
    await jobs.start()
    await jobs.stop()
    await jobs.start()
    run = await jobs.request(
        DigestRequest(business_ids=tuple(ids), week_start=WEEK, requested_by="test", wait=True)
    )
    await jobs.stop()

    assert (run.done, run.failed) == (2, 0)
    assert [item.status for item in await items_of(database, run.id)] == [ITEM_DONE, ITEM_DONE]
