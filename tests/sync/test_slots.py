"""The process's sync slots: one bound shared by every caller, with its backlog counted."""

import asyncio
import logging

import pytest

from sync.slots import SyncSlots, sync_slots


async def test_every_caller_of_a_loop_shares_the_slots_of_a_limit() -> None:
    assert sync_slots(3) is sync_slots(3)
    assert sync_slots(3) is not sync_slots(4)


async def test_past_the_limit_a_sync_waits_counted_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="sync.slots")
    slots = SyncSlots(2)
    inside: list[int] = []
    release = asyncio.Event()

    async def sync(business_id: int) -> None:
        async with slots.slot(business_id):
            inside.append(business_id)
            await release.wait()

    tasks = [asyncio.create_task(sync(business_id)) for business_id in (1, 2, 3, 4)]
    for _ in range(100):
        if slots.waiting == 2 and len(inside) == 2:
            break
        await asyncio.sleep(0)

    assert (inside, slots.waiting) == ([1, 2], 2)
    assert "business 3: waiting for one of the 2 sync slots (0 already waiting)" in caplog.text
    assert "business 4: waiting for one of the 2 sync slots (1 already waiting)" in caplog.text
    release.set()
    await asyncio.gather(*tasks)
    assert (sorted(inside), slots.waiting) == ([1, 2, 3, 4], 0)


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        SyncSlots(0)
