"""Computing assessments off the server's event loop: a thread with its own loop and engine.

Assessing a business is CPU work (thousands of rows through the rules, then their JSON), and
while it runs on the event loop nothing else is answered: not another tenant's page, not
``/healthz``. The runner does it on a thread of its own, with an event loop and a small database
engine of its own (asyncpg and aiosqlite connections belong to the loop that opened them), so the
server's loop only waits on a future. Python's GIL still shares one core between the two, in
slices: the server's requests are answered meanwhile, just with less CPU (``runway worker``
processes take the steady work off the API entirely).

Requests for a business already being assessed wait for that computation instead of starting
another (within a process; across processes the stored result's version guard keeps the newest).
"""

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.db import create_engine, create_session_factory
from domains.assessments.queries import AssessmentKey
from resolvers.assessment_records import thresholds_key
from resolvers.stored_assessments import refresh_assessments
from resolvers.thresholds import Thresholds

logger = logging.getLogger(__name__)

T = TypeVar("T")
Failures = dict[AssessmentKey, Exception]


class AssessmentRunner:
    """Assesses businesses on its own thread; ``refresh`` is the server's ``Refresher``."""

    def __init__(
        self, database_url: str, *, clock: Callable[[], datetime], pool_size: int = 2
    ) -> None:
        self._database_url = database_url
        self._clock = clock
        self._pool_size = pool_size
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._in_flight: dict[tuple[AssessmentKey, str], asyncio.Future[Failures]] = {}

    async def start(self) -> None:
        """Start the thread and open its engine."""
        if self._loop is not None:
            return
        loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name="assessments", daemon=True)
        self._thread.start()
        self._loop = loop
        await self._on_thread(self._open())

    async def stop(self) -> None:
        """Let the computations in flight finish, close the engine, end the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        pending = list(self._in_flight.values())
        await asyncio.gather(*pending, return_exceptions=True)
        await self._on_thread(self._close())
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join)
        loop.close()
        self._loop = self._thread = None

    async def refresh(self, keys: Sequence[AssessmentKey], thresholds: Thresholds) -> Failures:
        """Compute and store the assessments of ``keys`` on the runner's thread; the ones
        already being computed are waited for, not started again."""
        version = thresholds_key(thresholds)
        waits: list[tuple[list[AssessmentKey], asyncio.Future[Failures]]] = []
        new = [key for key in dict.fromkeys(keys) if (key, version) not in self._in_flight]
        if new:
            computing = self._on_thread(self._refresh(new, thresholds))
            for key in new:
                self._in_flight[(key, version)] = computing
            computing.add_done_callback(lambda _: self._forget(new, version))
            waits.append((new, computing))
        for key in keys:
            if key not in new and (key, version) in self._in_flight:
                waits.append(([key], self._in_flight[(key, version)]))
        failures: Failures = {}
        for batch, future in waits:
            try:
                found = await asyncio.shield(future)
            except Exception as error:  # the whole batch failed (the database): each key did
                found = dict.fromkeys(batch, error)
            failures.update({key: error for key, error in found.items() if key in keys})
        return failures

    def _forget(self, keys: list[AssessmentKey], version: str) -> None:
        for key in keys:
            self._in_flight.pop((key, version), None)

    def _on_thread(self, work: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        if self._loop is None:
            work.close()
            raise RuntimeError("the assessment runner is not started")
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self._loop))

    async def _open(self) -> None:
        self._engine = (
            create_engine(
                self._database_url, pool_size=self._pool_size, max_overflow=self._pool_size
            )
            if not self._database_url.startswith("sqlite")
            else create_engine(self._database_url)
        )
        self._sessions = create_session_factory(self._engine)

    async def _close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()

    async def _refresh(self, keys: list[AssessmentKey], thresholds: Thresholds) -> Failures:
        assert self._sessions is not None
        return await refresh_assessments(
            self._sessions, keys, thresholds=thresholds, now=self._clock()
        )
