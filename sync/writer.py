"""Commits what one sync step fetched together with the business's sync state, atomically.

The cursor (``sync_progress`` during a full sync, ``cdc_cursor`` after) must advance only with the
rows it covers (docs/design.md#sync): each call to ``commit`` upserts the mapped batches and updates
the business row in one transaction, so a crash between pages loses nothing and duplicates nothing.
The API calls spent since the last commit are added in the same statement (``api_calls + n``, not
read-modify-write, so concurrent syncs in other processes don't lose counts).
"""

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.core.models import Business
from sync.client import QboClient
from sync.mapping import MappedBatch, upsert_batch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncProgress:
    """One committed step, for progress displays: ``fetched`` objects of ``entity`` so far."""

    business_id: int
    entity: str
    fetched: int
    changed: int


ProgressCallback = Callable[[SyncProgress], None]


class MirrorWriter:
    """Writes one business's batches, keeps per-entity tallies, and reports progress."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        business_id: int,
        client: QboClient,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.sessions = sessions
        self.business_id = business_id
        self.client = client
        self.on_progress = on_progress
        self.changed: Counter[str] = Counter()
        self.fetched: Counter[str] = Counter()
        self.problems: Counter[str] = Counter()
        self._calls_recorded = 0

    async def commit(self, batches: Sequence[MappedBatch], **business_values: Any) -> None:
        """Upsert ``batches`` and set ``business_values`` on the business, in one transaction."""
        written: Counter[str] = Counter()
        async with self.sessions.begin() as session:
            for batch in batches:
                outcome = await upsert_batch(session, batch)
                written[batch.entity] += outcome.written + outcome.deleted
            calls = await self._update_business(session, business_values)
        self._calls_recorded += calls
        for batch in batches:
            self.changed[batch.entity] += written[batch.entity]
            self.fetched[batch.entity] += len(batch.rows) + len(batch.deletions)
            self._note_problems(batch)
            if self.on_progress is not None:
                self.on_progress(
                    SyncProgress(
                        self.business_id,
                        batch.entity,
                        self.fetched[batch.entity],
                        self.changed[batch.entity],
                    )
                )

    async def update_business(self, **business_values: Any) -> None:
        """Set ``business_values`` (and the API calls spent so far) in a transaction of its own."""
        async with self.sessions.begin() as session:
            calls = await self._update_business(session, business_values)
        self._calls_recorded += calls

    async def _update_business(self, session: AsyncSession, values: dict[str, Any]) -> int:
        """Update the business row; returns the API calls counted, to book once committed."""
        calls = self.client.calls - self._calls_recorded
        if calls:
            values["api_calls"] = Business.api_calls + calls
        if values:
            await session.execute(
                update(Business).where(col(Business.id) == self.business_id).values(**values)
            )
        return calls

    def _note_problems(self, batch: MappedBatch) -> None:
        if not batch.problems:
            return
        self.problems[batch.entity] += len(batch.problems)
        for problem in batch.problems[:3]:
            logger.warning("business %s: skipped a %s: %s", self.business_id, batch.entity, problem)
