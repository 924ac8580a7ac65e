"""Syncs started on demand, at most one running and one queued per realm, however many ask.

Intuit sends a notification per change, repeats them, and a burst of edits in QBO arrives as a
burst of webhooks: each used to start a sync of its own (20 copies of one notification made 20
runs, one after the other). A sync reads every change since the last one through CDC, so the
demand of a realm collapses to two states: a sync running, and at most one more queued behind
it (it must start after the latest notification, which the running one may have missed). Every
request that arrives while one is queued joins that queued one.

``request`` registers the demand synchronously, before the caller answers Intuit, so the order of
requests decides what runs, never the scheduling of background tasks. The dispatcher lives in one
process (each server process coalesces its own webhooks); the engine's per-business lock still
keeps a realm's syncs from interleaving across every caller.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]
"""One sync of a realm; it reports its own failures (the dispatcher only logs what escapes)."""


class SyncDispatcher:
    """Runs each key's job once per burst of requests: one running, at most one queued."""

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Task[None]] = {}
        self._queued: dict[str, asyncio.Future[None]] = {}
        self._jobs: dict[str, Job] = {}
        self.started = 0
        """Jobs started since the dispatcher was made."""
        self.coalesced = 0
        """Requests that joined a job already queued instead of adding one."""

    def request(self, key: str, job: Job) -> asyncio.Future[None]:
        """Ask for ``job`` of ``key`` to run after this call; the future is done when it has.

        The caller may await the future (shielded: one caller's cancellation never stops a job
        others wait on) or drop it; the job runs either way.
        """
        self._jobs[key] = job  # the latest caller's job runs next (they are all the same sync)
        if key not in self._running:
            return self._start(key)
        queued = self._queued.get(key)
        if queued is None:
            queued = self._queued[key] = asyncio.get_running_loop().create_future()
        else:
            self.coalesced += 1
            logger.debug("sync of %s already queued behind a running one: joined it", key)
        return queued

    @property
    def busy(self) -> int:
        """Keys with a job running."""
        return len(self._running)

    def _start(self, key: str) -> asyncio.Task[None]:
        self.started += 1
        task = asyncio.create_task(self._run(key), name=f"sync {key}")
        self._running[key] = task
        task.add_done_callback(lambda done: self._finished(key, done))
        return task

    async def _run(self, key: str) -> None:
        try:
            await self._jobs[key]()
        except Exception:
            logger.exception("sync of %s failed", key)

    def _finished(self, key: str, task: asyncio.Task[None]) -> None:
        del self._running[key]
        queued = self._queued.pop(key, None)
        if queued is None:
            del self._jobs[key]
            return
        if task.cancelled():  # shutting down: the queued one is not started either
            queued.cancel()
            del self._jobs[key]
            return
        follower = self._start(key)
        follower.add_done_callback(lambda done: _settle(queued, done))


def _settle(future: asyncio.Future[None], task: asyncio.Task[None]) -> None:
    if future.done():
        return
    if task.cancelled():
        future.cancel()
    else:
        future.set_result(None)
