"""Observing assessments being computed: a logging ``Refresher`` and a clock moved by hand.

``RefreshLog`` is a ``Refresher`` that writes down the keys it is asked for and then computes them
with the real ``resolvers.stored_assessments.refresh_assessments``: wrapping our function to see
what the job asks of it, never replacing what it does. An optional ``hold`` lets a test park a
refresh at a known point (an event, never a sleep).
"""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.assessments.queries import AssessmentKey
from resolvers.stored_assessments import refresh_assessments
from resolvers.thresholds import Thresholds

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
"""Friday noon in New York, 09:00 in Los Angeles, 02:00 on Saturday in Tokyo."""


class Clock:
    """A pinned "now" that only moves when a test says so."""

    def __init__(self, moment: datetime = NOW) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@dataclass
class RefreshLog:
    """A ``Refresher`` that records each batch it is asked for, then computes it for real."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]
    batches: list[list[AssessmentKey]] = field(default_factory=list)
    hold: Callable[[Sequence[AssessmentKey]], Awaitable[None]] | None = None
    """Awaited after recording and before computing (a test parks a refresh here)."""
    called: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when a batch is asked for."""
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when a batch has been computed and stored."""

    async def __call__(
        self, keys: Sequence[AssessmentKey], thresholds: Thresholds
    ) -> dict[AssessmentKey, Exception]:
        self.batches.append(list(keys))
        self.called.set()
        if self.hold is not None:
            await self.hold(keys)
        failures = await refresh_assessments(
            self.sessions, keys, thresholds=thresholds, now=self.clock()
        )
        self.finished.set()
        return failures

    @property
    def keys(self) -> list[AssessmentKey]:
        """Every key asked for, in order."""
        return [key for batch in self.batches for key in batch]

    def take(self) -> list[AssessmentKey]:
        """The keys asked for since the last ``take``, sorted; the log starts again."""
        keys = sorted(self.keys)
        self.batches.clear()
        self.called.clear()
        self.finished.clear()
        return keys


def duplicates(keys: Sequence[AssessmentKey]) -> list[AssessmentKey]:
    """Keys asked for more than once."""
    return sorted(key for key, count in Counter(keys).items() if count > 1)
