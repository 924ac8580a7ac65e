"""The per-realm throttle, proven by counting: concurrent slots and starts per sliding minute.

The per-minute cap runs on a virtual clock (the throttle's and the fake QBO's), so a test of
"at most N a minute" over several minutes takes milliseconds and asserts on recorded start times.
"""

import asyncio
import bisect
from collections.abc import Sequence

import pytest

from sync.client import QboClient
from sync.engine import SyncOptions
from sync.fakeqbo.server import Fault
from sync.oauth import BearerToken
from sync.throttle import Throttle, shared_throttle
from tests.conftest import Database
from tests.sync.harness import FAST_RETRY, qbo_bench, until


class VirtualClock:
    """Monotonic seconds that only move when someone sleeps on them."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        target = self.now + seconds
        await asyncio.sleep(0)
        self.now = max(self.now, target)


def busiest_window(starts: Sequence[float], window: float = 60.0) -> int:
    """The most starts inside any half-open interval (t - window, t]."""
    ordered = sorted(starts)
    return max(
        (i + 1 - bisect.bisect_right(ordered, t - window) for i, t in enumerate(ordered)), default=0
    )


async def test_no_more_than_the_concurrent_limit_hold_a_slot() -> None:
    throttle = Throttle(requests_per_minute=1_000, max_concurrent=3)
    inside = peak = 0
    gate = asyncio.Event()

    async def request() -> None:
        nonlocal inside, peak
        async with throttle.slot("realm-1"):
            inside += 1
            peak = max(peak, inside)
            await gate.wait()
            inside -= 1

    tasks = [asyncio.create_task(request()) for _ in range(12)]
    await until(lambda: inside == 3)
    for _ in range(100):
        await asyncio.sleep(0)
    assert inside == 3
    gate.set()
    await asyncio.gather(*tasks)
    assert peak == 3


async def test_realms_have_budgets_of_their_own() -> None:
    throttle = Throttle(requests_per_minute=1_000, max_concurrent=1)
    entered: list[str] = []

    async def enter(realm: str) -> None:
        async with throttle.slot(realm):
            entered.append(realm)

    async with throttle.slot("realm-1"):
        # realm-1's only slot is held: realm-2 gets in at once, a second realm-1 request waits.
        same_realm = asyncio.create_task(enter("realm-1"))
        other_realm = asyncio.create_task(enter("realm-2"))
        await until(lambda: "realm-2" in entered)  # fails, rather than hangs, if it waited
        for _ in range(100):
            await asyncio.sleep(0)
        assert entered == ["realm-2"]
    await asyncio.gather(same_realm, other_realm)
    assert entered == ["realm-2", "realm-1"]


async def test_starts_per_sliding_minute_never_exceed_the_limit() -> None:
    clock = VirtualClock()
    throttle = Throttle(requests_per_minute=5, max_concurrent=4, clock=clock, sleep=clock.sleep)
    starts: list[float] = []

    async def request() -> None:
        async with throttle.slot("realm-1"):
            starts.append(clock())
            await asyncio.sleep(0)

    await asyncio.gather(*(request() for _ in range(23)))

    assert len(starts) == 23
    assert busiest_window(starts) == 5
    # 23 requests at 5 a minute need four more minutes after the first burst, and no more.
    assert 240 <= max(starts) - min(starts) < 241


async def test_extra_requests_recorded_in_a_slot_count_against_the_minute() -> None:
    clock = VirtualClock()
    throttle = Throttle(requests_per_minute=3, max_concurrent=1, clock=clock, sleep=clock.sleep)
    async with throttle.slot("realm-1"):
        throttle.record("realm-1", 2)  # an auth resend and another
    async with throttle.slot("realm-1"):
        pass
    assert clock() - 1_000.0 == pytest.approx(60.0)


async def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Throttle(requests_per_minute=0, max_concurrent=1)


async def test_shared_throttle_is_one_per_limits() -> None:
    first = shared_throttle(requests_per_minute=500, max_concurrent=10)
    assert shared_throttle(requests_per_minute=500, max_concurrent=10) is first
    assert shared_throttle(requests_per_minute=100, max_concurrent=10) is not first


async def test_the_fake_never_sees_more_than_the_concurrent_limit(database: Database) -> None:
    async with qbo_bench(database, count=1) as bench:
        (realm_id,) = bench.realms
        access, _ = bench.fake.grant_tokens(realm_id)
        release = asyncio.Event()
        bench.fake.inject(realm_id, Fault("slow", count=10, release=release))
        client = QboClient(
            bench.http,
            realm_id=realm_id,
            settings=bench.settings.qbo,
            throttle=Throttle(requests_per_minute=500, max_concurrent=3),
            auth=BearerToken(access),
            retry=FAST_RETRY,
        )
        stats = bench.fake.stats[realm_id]
        before = stats.total_requests
        pages = [asyncio.create_task(client.query("Term", "select * from Term")) for _ in range(10)]
        await until(lambda: stats.in_flight == 3)
        for _ in range(200):
            await asyncio.sleep(0)
        assert stats.in_flight == 3
        release.set()
        await asyncio.gather(*pages)
        assert stats.total_requests - before == 10
        assert stats.max_concurrent == 3


async def test_a_full_sync_keeps_to_the_per_minute_limit_seen_by_the_fake(
    database: Database,
) -> None:
    clock = VirtualClock()
    async with qbo_bench(database, count=1) as bench:
        bench.fake.monotonic = clock  # the fake records request starts on the same virtual clock
        (realm_id,) = bench.realms
        await bench.connect(realm_id)
        throttle = Throttle(requests_per_minute=8, max_concurrent=2, clock=clock, sleep=clock.sleep)

        outcome = await bench.sync(
            realm_id, throttle=throttle, options=SyncOptions(retry=FAST_RETRY, page_size=10)
        )

        assert outcome.ok, outcome.error
        starts = bench.fake.stats[realm_id].request_times
        assert len(starts) == bench.fake.stats[realm_id].total_requests > 16
        # Connecting sent two requests before the throttle under test was in play.
        assert busiest_window(starts[2:]) == 8
        await bench.assert_mirrors(realm_id)
