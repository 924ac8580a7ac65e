"""The sync engine against the fake QBO and real databases: full, incremental, faults, resume.

Every scenario ends by comparing the mirror with what the fake holds (live Id/SyncToken pairs,
money sums and line counts per entity), so "no duplicates and nothing lost" is checked the same
way everywhere.
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from domains.ap.models import Bill
from domains.core.models import Business, SyncRun
from sync.engine import SyncOptions, sync_businesses
from sync.fakeqbo.server import Fault
from sync.writer import SyncProgress
from tests.conftest import Database
from tests.sync.harness import FAST_RETRY, Bench, qbo_bench, until


@pytest.fixture
async def bench(database: Database) -> AsyncIterator[Bench]:
    async with qbo_bench(database) as bench:
        await bench.connect_all()
        yield bench


async def runs(bench: Bench, realm_id: str) -> list[SyncRun]:
    async with bench.database.sessions() as session:
        statement = (
            select(SyncRun)
            .where(SyncRun.business_id == bench.business_ids[realm_id])
            .order_by(SyncRun.id)  # type: ignore[arg-type]
        )
        return list((await session.scalars(statement)).all())


async def test_full_sync_mirrors_every_business_and_records_its_run(bench: Bench) -> None:
    outcomes = await bench.sync_all(options=SyncOptions(retry=FAST_RETRY, page_size=7))

    assert [outcome.status for outcome in outcomes] == ["succeeded", "succeeded"]
    for realm_id, outcome in zip(bench.realms, outcomes, strict=True):
        await bench.assert_mirrors(realm_id)
        stats = bench.fake.stats[realm_id]
        # Small pages: every entity with more than 7 objects needed several, all read to the end.
        assert stats.requests["query"] > 9
        (run,) = await runs(bench, realm_id)
        assert (run.kind, run.status, run.trigger, run.error) == (
            "full",
            "succeeded",
            "manual",
            None,
        )
        assert run.finished_at is not None and run.finished_at >= run.started_at
        assert run.changed == outcome.changed
        assert run.changed["Bill"] == len(bench.fake.objects(realm_id, "Bill"))
        business = await bench.business(realm_id)
        # Every API request is counted (connecting read CompanyInfo and Preferences too).
        assert business.api_calls == stats.total_requests
        assert run.api_calls == outcome.api_calls == stats.total_requests - 2
        assert business.cdc_cursor is not None and business.sync_progress == {}
        assert business.last_synced_at is not None and business.last_sync_error is None


async def test_name_lists_include_inactive_records(bench: Bench) -> None:
    realm_id = bench.realms[0]
    vendor = bench.fake.objects(realm_id, "Vendor")[0]
    bench.fake.change(realm_id, "Vendor", vendor["Id"], Active=False)

    await bench.sync(realm_id)

    await bench.assert_mirrors(realm_id)
    statements = [text for text in bench.queries[realm_id] if "from Vendor" in text]
    assert statements and all("Active in (true, false)" in text for text in statements)


async def test_incremental_sync_applies_adds_changes_and_deletes_through_cdc(bench: Bench) -> None:
    realm_id = bench.realms[0]
    await bench.sync(realm_id)
    stats = bench.fake.stats[realm_id]
    queries_after_full = stats.requests["query"]

    bench.clock.advance(minutes=10)
    bills = bench.fake.objects(realm_id, "Bill")
    bench.fake.change(realm_id, "Bill", bills[0]["Id"], Balance=Decimal(0))
    bench.fake.delete(realm_id, "Bill", bills[1]["Id"])
    added = {key: value for key, value in bills[2].items() if key not in ("Id", "MetaData")}
    new_bill = bench.fake.add(realm_id, "Bill", {**added, "DocNumber": "NEW-1"})
    vendor = bench.fake.objects(realm_id, "Vendor")[0]
    bench.fake.change(realm_id, "Vendor", vendor["Id"], Active=False)

    outcome = await bench.sync(realm_id, trigger="webhook")

    assert (outcome.kind, outcome.status) == ("incremental", "succeeded")
    assert outcome.changed == {"Bill": 3, "Vendor": 1}
    assert stats.requests["query"] == queries_after_full  # CDC only, no re-query
    assert stats.requests["cdc"] == 1
    await bench.assert_mirrors(realm_id)
    async with bench.database.sessions() as session:
        deleted = await session.scalar(
            select(Bill).where(
                Bill.qbo_id == bills[1]["Id"], Bill.business_id == outcome.business_id
            )
        )
        assert deleted is not None and deleted.deleted_at is not None
        added_row = await session.scalar(select(Bill).where(Bill.qbo_id == new_bill["Id"]))
        assert added_row is not None and added_row.doc_number == "NEW-1"
    assert [run.kind for run in await runs(bench, realm_id)] == ["full", "incremental"]

    # Replaying the same window (the overlap) changes nothing.
    again = await bench.sync(realm_id)
    assert (again.kind, again.changed) == ("incremental", {})
    await bench.assert_mirrors(realm_id)


async def test_cdc_at_its_cap_shortens_the_window_and_misses_nothing(bench: Bench) -> None:
    realm_id = bench.realms[0]
    await bench.sync(realm_id)
    purchase = bench.fake.objects(realm_id, "Purchase")[0]
    template = {key: value for key, value in purchase.items() if key not in ("Id", "MetaData")}
    for number in range(1_150):  # more than one CDC answer holds, one second apart
        bench.clock.advance(seconds=1)
        bench.fake.add(realm_id, "Purchase", {**template, "DocNumber": f"P{number}"})
    bench.clock.advance(seconds=1)

    outcome = await bench.sync(realm_id)

    assert outcome.changed == {"Purchase": 1_150}
    assert bench.fake.stats[realm_id].requests["cdc"] == 2
    await bench.assert_mirrors(realm_id)


async def test_cdc_cap_within_one_instant_splits_the_entities(bench: Bench) -> None:
    realm_id = bench.realms[0]
    await bench.sync(realm_id)
    bench.clock.advance(minutes=1)
    for entity in ("Purchase", "Bill"):
        original = bench.fake.objects(realm_id, entity)[0]
        template = {key: value for key, value in original.items() if key not in ("Id", "MetaData")}
        for number in range(600):  # 1200 changes, all stamped the same second
            bench.fake.add(realm_id, entity, {**template, "DocNumber": f"{entity[0]}{number}"})
    bench.clock.advance(seconds=1)

    outcome = await bench.sync(realm_id)

    assert outcome.ok, outcome.error
    assert outcome.changed == {"Bill": 600, "Purchase": 600}
    # Capped; capped again at the one instant; split in halves: name lists (nothing) and
    # transactions (capped again); those split again: Bill+Invoice, then the payments+Purchase.
    assert bench.fake.stats[realm_id].requests["cdc"] == 6
    await bench.assert_mirrors(realm_id)


async def test_a_cursor_beyond_cdc_reach_falls_back_to_a_full_sync(bench: Bench) -> None:
    realm_id = bench.realms[0]
    await bench.sync(realm_id)
    async with bench.database.sessions.begin() as session:
        business = await session.get(Business, bench.business_ids[realm_id])
        assert business is not None
        business.cdc_cursor = datetime.now(UTC) - timedelta(days=31)

    outcome = await bench.sync(realm_id)

    assert (outcome.kind, outcome.status) == ("full", "succeeded")
    assert bench.fake.stats[realm_id].requests["cdc"] == 0
    await bench.assert_mirrors(realm_id)


async def test_cdc_refusing_the_cursor_falls_back_to_a_full_sync(bench: Bench) -> None:
    realm_id = bench.realms[0]
    await bench.sync(realm_id)
    bench.clock.advance(days=31)  # QBO's clock is ahead of ours: it refuses the cursor

    outcome = await bench.sync(realm_id)

    assert (outcome.kind, outcome.status) == ("full", "succeeded")
    # One CDC request, sent twice: a month on, QBO also refused the access token once (401),
    # which was refreshed and the request resent; the refused cursor is not retried.
    stats = bench.fake.stats[realm_id]
    assert (stats.requests["cdc"], stats.unauthorized, stats.token_requests["refresh_token"]) == (
        2,
        1,
        1,
    )
    (_, run) = await runs(bench, realm_id)
    assert (run.kind, run.status) == ("full", "succeeded")
    await bench.assert_mirrors(realm_id)


async def test_a_sync_cancelled_between_pages_resumes_without_refetching(bench: Bench) -> None:
    realm_id = bench.realms[0]
    options = SyncOptions(retry=FAST_RETRY, page_size=5)
    stats = bench.fake.stats[realm_id]
    committed: list[SyncProgress] = []
    task: asyncio.Task[Any] | None = None

    def cancel_after_four_pages(step: SyncProgress) -> None:
        committed.append(step)
        if len(committed) == 4 and task is not None:
            task.cancel()

    task = asyncio.create_task(
        bench.sync(realm_id, options=options, on_progress=cancel_after_four_pages)
    )
    with pytest.raises(asyncio.CancelledError):
        await task
    first_run_queries = stats.requests["query"]
    assert len(committed) == 4
    business = await bench.business(realm_id)
    assert business.sync_progress["full"]["entities"]  # a resume position was committed
    assert business.cdc_cursor is None
    (cancelled,) = await runs(bench, realm_id)
    assert (cancelled.status, cancelled.error) == ("failed", "cancelled")

    resumed = await bench.sync(realm_id, options=options)
    resumed_queries = stats.requests["query"] - first_run_queries

    assert resumed.ok and resumed.kind == "full"
    await bench.assert_mirrors(realm_id)
    # A fresh full sync of the same data costs the uninterrupted number of pages.
    before = stats.requests["query"]
    await bench.sync(realm_id, options=options, full=True)
    uninterrupted = stats.requests["query"] - before
    assert resumed_queries == uninterrupted - len(committed)
    await bench.assert_mirrors(realm_id)


FAULTS = {
    "throttle with Retry-After": [Fault("throttle", count=2, retry_after=0.01, endpoint="query")],
    "5xx burst": [Fault("server_error", count=3, endpoint="query")],
    "503 from the balancer": [Fault("service_unavailable", count=2, endpoint="query")],
    "timeouts": [Fault("slow", count=2, delay=5.0, endpoint="query")],
    "dropped connections": [Fault("drop", count=3, endpoint="query")],
    "truncated JSON": [Fault("truncate", count=2, endpoint="query")],
    "expired token": [Fault("expired_token", count=1, endpoint="query")],
    "faults on CDC": [
        Fault("server_error", endpoint="cdc"),
        Fault("truncate", endpoint="cdc"),
        Fault("drop", endpoint="cdc"),
    ],
}


@pytest.mark.parametrize("faults", FAULTS.values(), ids=FAULTS.keys())
async def test_each_fault_ends_with_an_identical_mirror(
    database: Database, faults: list[Fault]
) -> None:
    async with qbo_bench(database, count=1, timeout_seconds=1.0) as bench:
        (realm_id,) = bench.realms
        await bench.connect(realm_id)
        if faults[0].endpoint == "cdc":
            await bench.sync(realm_id)
            bench.clock.advance(minutes=1)
            bill = bench.fake.objects(realm_id, "Bill")[0]
            bench.fake.change(realm_id, "Bill", bill["Id"], Balance=Decimal("1.23"))
        bench.fake.inject(realm_id, *faults)
        stats = bench.fake.stats[realm_id]

        outcome = await bench.sync(realm_id, options=SyncOptions(retry=FAST_RETRY, page_size=6))

        assert outcome.ok, outcome.error
        assert stats.faults_served == sum(fault.count for fault in faults)
        await bench.assert_mirrors(realm_id)
        business = await bench.business(realm_id)
        assert business.api_calls == stats.total_requests


async def test_a_failing_realm_is_recorded_and_does_not_stop_the_others(bench: Bench) -> None:
    broken, healthy = bench.realms
    # As many 500s as the client has attempts: this sync gives up, the next one gets through.
    bench.fake.inject(broken, Fault("server_error", count=FAST_RETRY.attempts, endpoint="query"))

    outcomes = await bench.sync_all()

    failed, succeeded = outcomes
    assert (failed.status, succeeded.status) == ("failed", "succeeded")
    assert failed.error is not None and "HTTP 500" in failed.error and broken in failed.error
    assert bench.fake.stats[broken].requests["query"] == FAST_RETRY.attempts
    await bench.assert_mirrors(healthy)
    business = await bench.business(broken)
    assert business.last_sync_error == failed.error and business.last_sync_error_at is not None
    (run,) = await runs(bench, broken)
    assert (run.status, run.error) == ("failed", failed.error)
    assert business.api_calls == bench.fake.stats[broken].total_requests

    # Once QBO recovers, the next sync resumes where the failed one stopped and clears the error.
    recovered = await bench.sync(broken)
    assert recovered.ok
    await bench.assert_mirrors(broken)
    assert (await bench.business(broken)).last_sync_error is None


async def test_callers_learn_the_run_as_soon_as_it_starts(bench: Bench) -> None:
    realm_id = bench.realms[0]
    started: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    release = asyncio.Event()
    bench.fake.inject(realm_id, Fault("slow", release=release))
    syncing = asyncio.create_task(
        bench.sync(realm_id, trigger="graphql", on_started=started.set_result)
    )

    run_id = await started

    (run,) = await runs(bench, realm_id)
    assert (run.id, run.status, run.trigger) == (run_id, "running", "graphql")
    release.set()
    outcome = await syncing
    assert outcome.ok and outcome.run_id == run_id


async def test_an_unknown_business_is_one_failed_outcome_among_others(bench: Bench) -> None:
    realm_id = bench.realms[0]
    outcomes = await sync_businesses(
        [999_999, bench.business_ids[realm_id]],
        sessions=bench.database.sessions,
        http=bench.http,
        settings=bench.settings.qbo,
        secret_key=bench.settings.secret_key,
        options=SyncOptions(retry=FAST_RETRY),
    )
    assert [(o.status, o.run_id is None) for o in outcomes] == [
        ("failed", True),
        ("succeeded", False),
    ]
    assert outcomes[0].error == "business 999999 does not exist"


async def test_businesses_sync_concurrently_within_the_global_bound(database: Database) -> None:
    async with qbo_bench(database, count=3) as bench:
        await bench.connect_all()
        release = asyncio.Event()
        for realm_id in bench.realms:
            bench.fake.inject(realm_id, Fault("slow", release=release))
        options = SyncOptions(retry=FAST_RETRY, max_concurrent_businesses=2)
        syncing = asyncio.create_task(bench.sync_all(options=options))

        def in_flight() -> int:
            return sum(bench.fake.stats[realm_id].in_flight for realm_id in bench.realms)

        await until(lambda: in_flight() == 2)
        for _ in range(200):  # give a third business every chance to start
            await asyncio.sleep(0)
        assert in_flight() == 2
        release.set()
        outcomes = await syncing

        assert all(outcome.ok for outcome in outcomes)
        for realm_id in bench.realms:
            await bench.assert_mirrors(realm_id)


async def test_full_sync_over_a_real_socket_survives_drops_and_timeouts(database: Database) -> None:
    async with qbo_bench(database, count=1, loopback=True, timeout_seconds=2.0) as bench:
        (realm_id,) = bench.realms
        await bench.connect(realm_id)
        release = asyncio.Event()  # never set: the held request must time out on our side
        bench.fake.inject(
            realm_id,
            Fault("drop", endpoint="query"),
            Fault("slow", release=release, endpoint="query"),
            Fault("throttle", retry_after=0.01, endpoint="query"),
            Fault("truncate", endpoint="query"),
            Fault("expired_token", endpoint="query"),
        )

        outcome = await bench.sync(realm_id)

        assert outcome.ok, outcome.error
        assert bench.fake.stats[realm_id].faults_served == 5
        await bench.assert_mirrors(realm_id)
        release.set()


async def test_a_demo_business_is_not_synced_and_keeps_no_error(bench: Bench) -> None:
    """Its tokens belong to the fake QBO of the process that built the demo: nothing to reach."""
    demo, connected = bench.realms
    async with bench.database.sessions.begin() as session:
        business = await session.get(Business, bench.business_ids[demo])
        assert business is not None
        business.connection_status = "demo"
    requests_before = bench.fake.stats[demo].total_requests

    outcomes = await bench.sync_all()

    refused, synced = outcomes
    assert (refused.ok, refused.run_id) == (False, None)
    assert refused.error is not None and "is a demo business" in refused.error
    assert synced.ok
    assert bench.fake.stats[demo].total_requests == requests_before
    async with bench.database.sessions() as session:
        runs = (await session.scalars(select(SyncRun))).all()
    assert [run.business_id for run in runs] == [bench.business_ids[connected]]
    assert (await bench.business(demo)).last_sync_error is None
