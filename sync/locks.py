"""Named in-process locks: one ``asyncio.Lock`` per (purpose, key) within the running event loop.

Token refresh and syncing must be serialised per realm/business across every caller of a process
(CLI, webhook, GraphQL), and those callers don't share objects; the registry is therefore
process-wide. It is keyed by event loop (weakly) because an ``asyncio.Lock`` belongs to the loop
that first waits on it, and tests run one loop per test. Other processes are kept out by the
database guards beside each use, not by these locks.
"""

import asyncio
import weakref

_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str], asyncio.Lock]]
_locks = weakref.WeakKeyDictionary()


def named_lock(purpose: str, key: str) -> asyncio.Lock:
    """The lock for ``key`` (a realm id, a business id) under ``purpose`` in the running loop."""
    by_name = _locks.setdefault(asyncio.get_running_loop(), {})
    lock = by_name.get((purpose, key))
    if lock is None:
        lock = by_name[(purpose, key)] = asyncio.Lock()
    return lock
