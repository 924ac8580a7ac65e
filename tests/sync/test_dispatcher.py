"""The dispatcher: per key, one job running and at most one queued, whatever the demand."""

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from sync.dispatcher import SyncDispatcher


class HeldJobs:
    """Jobs that count their starts and wait for the test to let each one finish."""

    def __init__(self) -> None:
        self.starts: list[str] = []
        self.gates: list[asyncio.Event] = []

    def job(self, key: str, *, fail: bool = False) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            gate = asyncio.Event()
            self.starts.append(key)
            self.gates.append(gate)
            await gate.wait()
            if fail:
                raise RuntimeError(f"job {key} failed")

        return run

    async def started(self, count: int) -> None:
        for _ in range(1_000):
            if len(self.starts) >= count:
                return
            await asyncio.sleep(0)
        raise AssertionError(f"{count} jobs never started: {self.starts}")


async def test_a_burst_runs_the_job_once_more_after_the_running_one() -> None:
    dispatcher, jobs = SyncDispatcher(), HeldJobs()
    running = dispatcher.request("realm", jobs.job("realm"))
    await jobs.started(1)

    waits = [dispatcher.request("realm", jobs.job("realm")) for _ in range(19)]
    assert len({id(wait) for wait in waits}) == 1  # all joined the one queued behind
    assert (dispatcher.started, dispatcher.coalesced) == (1, 18)

    jobs.gates[0].set()
    await running
    await jobs.started(2)
    assert not waits[0].done()  # the queued job is running now, not done
    jobs.gates[1].set()
    await asyncio.gather(*waits)

    assert jobs.starts == ["realm", "realm"]
    assert dispatcher.busy == 0


async def test_a_request_after_the_burst_starts_afresh() -> None:
    dispatcher, jobs = SyncDispatcher(), HeldJobs()
    first = dispatcher.request("realm", jobs.job("realm"))
    await jobs.started(1)
    jobs.gates[0].set()
    await first

    again = dispatcher.request("realm", jobs.job("realm"))
    await jobs.started(2)
    jobs.gates[1].set()
    await again
    assert dispatcher.started == 2 and dispatcher.coalesced == 0


async def test_keys_run_side_by_side() -> None:
    dispatcher, jobs = SyncDispatcher(), HeldJobs()
    waits = [dispatcher.request(key, jobs.job(key)) for key in ("a", "b")]
    await jobs.started(2)
    assert sorted(jobs.starts) == ["a", "b"] and dispatcher.busy == 2
    for gate in jobs.gates:
        gate.set()
    await asyncio.gather(*waits)


async def test_a_failing_job_is_logged_and_the_queued_one_still_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dispatcher, jobs = SyncDispatcher(), HeldJobs()
    failing = dispatcher.request("realm", jobs.job("realm", fail=True))
    await jobs.started(1)
    queued = dispatcher.request("realm", jobs.job("realm"))
    jobs.gates[0].set()
    await failing  # the failure is the job's own: logged, never raised to waiters
    await jobs.started(2)
    jobs.gates[1].set()
    await queued

    assert "sync of realm failed" in caplog.text
    assert jobs.starts == ["realm", "realm"]


async def test_cancelling_the_running_job_cancels_the_one_queued_behind_it() -> None:
    dispatcher, jobs = SyncDispatcher(), HeldJobs()
    running = dispatcher.request("realm", jobs.job("realm"))
    await jobs.started(1)
    queued = dispatcher.request("realm", jobs.job("realm"))

    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running

    assert queued.cancelled()
    assert jobs.starts == ["realm"] and dispatcher.busy == 0
