"""The process's bound on businesses syncing at once, shared by every caller in the process.

Each caller of the sync engine (the CLI, every webhook, every ``requestSync``) used to bound only
its own batch, so concurrent webhooks for many realms each started their own: the bound was per
call, not per process. ``sync_slots`` gives every caller of one event loop the same ``SyncSlots``
for a limit (the process has one setting, ``RUNWAY_QBO__MAX_CONCURRENT_SYNCS``). Other processes
keep their own slots, as they keep their own throttle (``sync.throttle``).
"""

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

logger = logging.getLogger(__name__)


class SyncSlots:
    """The process's bound on businesses syncing at once (``RUNWAY_QBO__MAX_CONCURRENT_SYNCS``).

    ``waiting`` counts syncs queued for a slot, and each wait is logged, so an operator can see
    a backlog (a burst of webhooks, a sweep of every business) instead of guessing at it.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the sync limit must be at least 1")
        self.limit = limit
        self.waiting = 0
        self._semaphore = asyncio.Semaphore(limit)

    @asynccontextmanager
    async def slot(self, business_id: int) -> AsyncIterator[None]:
        """Hold one slot while ``business_id`` syncs, waiting for one if all are taken."""
        if self._semaphore.locked():
            logger.info(
                "business %s: waiting for one of the %d sync slots (%d already waiting)",
                business_id,
                self.limit,
                self.waiting,
            )
        self.waiting += 1
        try:
            await self._semaphore.acquire()
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self._semaphore.release()


_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, SyncSlots]]
_slots = weakref.WeakKeyDictionary()


def sync_slots(limit: int) -> SyncSlots:
    """The process's slots for this limit (per event loop: a semaphore belongs to one)."""
    by_limit = _slots.setdefault(asyncio.get_running_loop(), {})
    slots = by_limit.get(limit)
    if slots is None:
        slots = by_limit[limit] = SyncSlots(limit)
    return slots
