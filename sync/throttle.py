"""Per-realm request limiter: at most N requests started in any sliding minute, M in flight.

QBO meters each realm (company) separately: about 500 requests a minute and 10 concurrent
(docs/design.md#sync). Exceeding either earns a 429 that costs a retry and slows the whole realm, so
the client waits here before every HTTP attempt instead. The minute is a sliding window over the
start times of the last requests (a log, not a token bucket), which makes the guarantee exact and
provable by counting: no 60-second interval ever holds more than ``requests_per_minute`` starts.

Every caller of a process shares one ``Throttle`` per limit setting (``shared_throttle``), so a
webhook sync, a GraphQL-requested sync and the CLI never double a realm's budget. Several
processes syncing the same realm each keep their own budget, which is why settings should give
each process a share of Intuit's limit when more than one syncs.
"""

import asyncio
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class _RealmBudget:
    """The limiter state of one realm: its in-flight slots and recent start times."""

    semaphore: asyncio.Semaphore
    starts: deque[float] = field(default_factory=deque)


class Throttle:
    """Waits until a realm may start another request, then counts it.

    ``clock`` and ``sleep`` are injectable so tests can prove the per-minute cap on a virtual clock
    in milliseconds of real time.
    """

    def __init__(
        self,
        *,
        requests_per_minute: int,
        max_concurrent: int,
        window_seconds: float = 60.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if requests_per_minute < 1 or max_concurrent < 1:
            raise ValueError("throttle limits must be at least 1")
        self.requests_per_minute = requests_per_minute
        self.max_concurrent = max_concurrent
        self.window_seconds = window_seconds
        self._clock = clock
        self._sleep = sleep
        self._realms: dict[str, _RealmBudget] = {}

    def _budget(self, realm_id: str) -> _RealmBudget:
        budget = self._realms.get(realm_id)
        if budget is None:
            budget = _RealmBudget(asyncio.Semaphore(self.max_concurrent))
            self._realms[realm_id] = budget
        return budget

    @asynccontextmanager
    async def slot(self, realm_id: str) -> AsyncIterator[None]:
        """Hold one of the realm's concurrent slots for one HTTP attempt, counted in its minute."""
        budget = self._budget(realm_id)
        async with budget.semaphore:
            await self._reserve(budget)
            yield

    def record(self, realm_id: str, extra_requests: int = 1) -> None:
        """Count requests sent inside a slot beyond the first (an auth retry resends once)."""
        budget = self._budget(realm_id)
        now = self._clock()
        budget.starts.extend([now] * extra_requests)

    async def _reserve(self, budget: _RealmBudget) -> None:
        while True:
            now = self._clock()
            horizon = now - self.window_seconds
            while budget.starts and budget.starts[0] <= horizon:
                budget.starts.popleft()
            if len(budget.starts) < self.requests_per_minute:
                # No await between the check and the append: the cap holds under concurrency.
                budget.starts.append(now)
                return
            await self._sleep(budget.starts[0] - horizon)


_shared: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[int, int], Throttle]]
_shared = weakref.WeakKeyDictionary()


def shared_throttle(*, requests_per_minute: int, max_concurrent: int) -> Throttle:
    """The process's throttle for these limits (per event loop: its semaphores belong to one)."""
    by_limits = _shared.setdefault(asyncio.get_running_loop(), {})
    key = (requests_per_minute, max_concurrent)
    throttle = by_limits.get(key)
    if throttle is None:
        throttle = by_limits[key] = Throttle(
            requests_per_minute=requests_per_minute, max_concurrent=max_concurrent
        )
    return throttle
