"""The sync engine: brings businesses' mirrors up to date, each recorded as a ``SyncRun``.

A business is synced in full (every entity paged through the Query endpoint) when it has never
been synced, when its CDC cursor is older than QBO's 30-day window, when a full sync was left
unfinished (it resumes), or when asked; otherwise incrementally through CDC. Each business runs
under an in-process lock (two webhooks for one realm run one after the other, not interleaved),
and at most ``SyncOptions.max_concurrent_businesses`` businesses sync at once in the whole process
(``SyncSlots``: every caller, the CLI, each webhook and each ``requestSync``, shares one bound, so
concurrent webhooks for many realms queue instead of each starting its own batch). A business
that fails records its error on ``Business.last_sync_error`` and on its ``SyncRun`` and never stops
the others; the outcome of each comes back as a ``SyncOutcome``.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.core.models import Business, SyncRun
from sync.cdc import CursorExpired, cursor_usable, incremental_sync
from sync.client import QboClient, RetryPolicy
from sync.connection import company_values
from sync.errors import SyncError
from sync.locks import named_lock
from sync.oauth import QboAuth, RealmTokens
from sync.paging import full_sync
from sync.settings import QboSettings, SecretKey
from sync.slots import sync_slots
from sync.throttle import Throttle, shared_throttle
from sync.writer import MirrorWriter, ProgressCallback

logger = logging.getLogger(__name__)

SyncKind = Literal["full", "incremental"]
DEMO_STATUS = "demo"
"""``Business.connection_status`` of a generated demo company: its tokens belong to a fake QBO
that only ran while ``runway demo`` loaded it, so there is nothing to sync it from."""
Trigger = Literal["manual", "webhook", "schedule", "graphql"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SyncOptions:
    """How the engine paces itself; the defaults suit production QBO.

    Attributes:
        max_concurrent_businesses: businesses synced at once by ``sync_businesses``.
        page_size: objects per Query page (QBO's maximum is 1000).
        cdc_overlap: how far before the last sync's start the next CDC window begins.
        retry: the client's retry policy (tests shrink its waits).
    """

    max_concurrent_businesses: int = 8
    page_size: int = 1000
    cdc_overlap: timedelta = timedelta(minutes=5)
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_settings(cls, settings: QboSettings) -> "SyncOptions":
        """The pacing an operator configured (``RUNWAY_QBO__*``)."""
        return cls(
            max_concurrent_businesses=settings.max_concurrent_syncs,
            retry=RetryPolicy(
                attempts=settings.retry_attempts,
                backoff_base=settings.backoff_base_seconds,
                backoff_max=settings.backoff_max_seconds,
            ),
        )

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= 1000:
            raise ValueError(f"page_size must be 1 to 1000 (QBO's maximum), not {self.page_size}")
        if self.max_concurrent_businesses < 1:
            raise ValueError("max_concurrent_businesses must be at least 1")


@dataclass(frozen=True)
class SyncOutcome:
    """How one business's sync ended; ``run_id`` is its ``SyncRun`` (None if none could exist)."""

    business_id: int
    run_id: int | None
    kind: SyncKind
    status: Literal["succeeded", "failed"]
    changed: dict[str, int]
    """Rows written or soft-deleted per entity (a re-read of unchanged objects writes none)."""
    fetched: dict[str, int]
    """Objects read from QBO per entity."""
    problems: dict[str, int]
    """Objects skipped as malformed per entity (logged by the mapper's ``MappingProblem``)."""
    api_calls: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    @classmethod
    def unrecorded(cls, business_id: int, error: str) -> "SyncOutcome":
        """A failure before (or while) a ``SyncRun`` could be written."""
        return cls(business_id, None, "full", "failed", {}, {}, {}, 0, error)


async def sync_businesses(
    business_ids: Sequence[int] | None,
    *,
    sessions: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    settings: QboSettings,
    secret_key: SecretKey,
    full: bool = False,
    trigger: Trigger = "manual",
    options: SyncOptions | None = None,
    throttle: Throttle | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[SyncOutcome]:
    """Sync ``business_ids`` (None: every connected business) concurrently, within the process's
    bound (``sync_slots``).

    One outcome per business, in order; a failing business is one failed outcome. ``secret_key``
    decrypts the stored tokens (and encrypts the rotated ones).
    """
    options = options or SyncOptions.from_settings(settings)
    if business_ids is None:
        business_ids = await connected_business_ids(sessions)

    async def one(business_id: int) -> SyncOutcome:
        try:
            return await sync_business(
                business_id,
                sessions=sessions,
                http=http,
                settings=settings,
                secret_key=secret_key,
                full=full,
                trigger=trigger,
                options=options,
                throttle=throttle,
                on_progress=on_progress,
            )
        except Exception as error:  # not even recorded (database down): still not fatal
            logger.exception("business %s: sync could not be recorded", business_id)
            return SyncOutcome.unrecorded(business_id, _describe(error))

    return list(await asyncio.gather(*(one(business_id) for business_id in business_ids)))


async def connected_business_ids(sessions: async_sessionmaker[AsyncSession]) -> list[int]:
    """Businesses with a live QBO connection, the ones ``--all`` and schedules sync."""
    async with sessions() as session:
        statement = (
            select(col(Business.id))
            .where(col(Business.connection_status) == "connected")
            .order_by(col(Business.id))
        )
        return [
            business_id for business_id in (await session.scalars(statement)).all() if business_id
        ]


async def sync_business(
    business_id: int,
    *,
    sessions: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    settings: QboSettings,
    secret_key: SecretKey,
    full: bool = False,
    trigger: Trigger = "manual",
    options: SyncOptions | None = None,
    throttle: Throttle | None = None,
    on_progress: ProgressCallback | None = None,
    on_started: Callable[[int], None] | None = None,
    now: Callable[[], datetime] = _utc_now,
) -> SyncOutcome:
    """Sync one business (full or incremental, see the module docstring) and record the run.

    Errors are recorded and returned as a failed outcome, never raised (only a database that
    fails while recording raises); cancelling the task records the run as failed ("cancelled")
    and propagates, leaving committed pages and the resume position in place. A ``full`` request
    while a full sync is unfinished resumes it. ``on_started`` receives the ``SyncRun`` id once
    the row is committed, so a caller can answer with the run and let the sync go on.
    """
    options = options or SyncOptions.from_settings(settings)
    throttle = throttle or shared_throttle(
        requests_per_minute=settings.requests_per_minute,
        max_concurrent=settings.max_concurrent_per_realm,
    )
    # The business's lock before a slot: a sync queued behind another of the same business
    # waits without holding a slot that another business could use.
    async with (
        named_lock("sync", str(business_id)),
        sync_slots(options.max_concurrent_businesses).slot(business_id),
    ):
        async with sessions() as session:
            business = await session.get(Business, business_id)
        if business is None:
            return SyncOutcome.unrecorded(business_id, f"business {business_id} does not exist")
        if business.connection_status == DEMO_STATUS:
            return SyncOutcome.unrecorded(business_id, demo_refusal(business.name))
        run = _BusinessRun(
            business, sessions, http, settings, secret_key, options, throttle, on_progress, now
        )
        return await run.execute(full=full, trigger=trigger, on_started=on_started)


class _BusinessRun:
    """One sync of one business, from choosing its kind to recording how it ended."""

    def __init__(
        self,
        business: Business,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        settings: QboSettings,
        secret_key: SecretKey,
        options: SyncOptions,
        throttle: Throttle,
        on_progress: ProgressCallback | None,
        now: Callable[[], datetime],
    ) -> None:
        assert business.id is not None
        self.business = business
        self.business_id = business.id
        self.sessions = sessions
        self.options = options
        self.now = now
        tokens = RealmTokens(
            business_id=business.id,
            realm_id=business.realm_id,
            sessions=sessions,
            http=http,
            settings=settings,
            secret_key=secret_key,
            retry=options.retry,
            now=now,
        )
        self.client = QboClient(
            http,
            realm_id=business.realm_id,
            settings=settings,
            throttle=throttle,
            auth=QboAuth(tokens),
            retry=options.retry,
        )
        self.writer = MirrorWriter(
            sessions=sessions, business_id=business.id, client=self.client, on_progress=on_progress
        )

    def _chosen_kind(self, full: bool) -> SyncKind:
        unfinished = bool(self.business.sync_progress.get("full"))
        if full or unfinished or not cursor_usable(self.business.cdc_cursor, now=self.now()):
            return "full"
        return "incremental"

    async def execute(
        self, *, full: bool, trigger: Trigger, on_started: Callable[[int], None] | None
    ) -> SyncOutcome:
        kind = self._chosen_kind(full)
        run_id = await self._start_run(kind, trigger)
        if on_started is not None:
            on_started(run_id)
        try:
            if kind == "incremental":
                try:
                    await incremental_sync(
                        self.client,
                        self.writer,
                        cursor=self.business.cdc_cursor or self.now(),
                        overlap=self.options.cdc_overlap,
                        now=self.now(),
                    )
                except CursorExpired:
                    logger.info(
                        "business %s: CDC cursor expired, syncing in full", self.business_id
                    )
                    kind = "full"
            if kind == "full":
                await self._full()
        except asyncio.CancelledError:
            await self._finish(run_id, kind, error="cancelled")
            raise
        except Exception as error:
            if isinstance(error, SyncError):
                logger.warning("business %s: sync failed: %s", self.business_id, error)
            else:
                logger.exception("business %s: sync failed unexpectedly", self.business_id)
            return await self._finish(run_id, kind, error=_describe(error))
        return await self._finish(run_id, kind)

    async def _full(self) -> None:
        progress: dict[str, Any] | None = self.business.sync_progress.get("full")
        if not progress:
            values, server_time = await company_values(self.client)
            cursor = (server_time or self.now()) - self.options.cdc_overlap
            progress = {"cursor": cursor.isoformat(), "entities": {}}
            await self.writer.update_business(sync_progress={"full": progress}, **values)
        progress = await full_sync(
            self.client, self.writer, progress=progress, page_size=self.options.page_size
        )
        await self.writer.update_business(
            cdc_cursor=datetime.fromisoformat(progress["cursor"]), sync_progress={}
        )

    async def _start_run(self, kind: SyncKind, trigger: Trigger) -> int:
        async with self.sessions.begin() as session:
            run = SyncRun(
                business_id=self.business_id, kind=kind, trigger=trigger, started_at=self.now()
            )
            session.add(run)
            await session.flush()
            assert run.id is not None
            return run.id

    async def _finish(
        self, run_id: int, kind: SyncKind, *, error: str | None = None
    ) -> SyncOutcome:
        finished = self.now()
        outcome = SyncOutcome(
            business_id=self.business_id,
            run_id=run_id,
            kind=kind,
            status="failed" if error else "succeeded",
            # Unary plus drops the entities with nothing to count.
            changed=dict(+self.writer.changed),
            fetched=dict(+self.writer.fetched),
            problems=dict(+self.writer.problems),
            api_calls=self.client.calls,
            error=error,
        )
        async with self.sessions.begin() as session:
            await session.execute(
                update(SyncRun)
                .where(col(SyncRun.id) == run_id)
                .values(
                    kind=kind,
                    status=outcome.status,
                    finished_at=finished,
                    changed=outcome.changed,
                    api_calls=outcome.api_calls,
                    error=error,
                )
            )
        if error:
            await self.writer.update_business(last_sync_error=error, last_sync_error_at=finished)
        else:
            await self.writer.update_business(
                last_synced_at=finished, last_sync_error=None, last_sync_error_at=None
            )
        return outcome


def demo_refusal(name: str) -> str:
    """Why a demo business is not synced, and what to do instead, in the operator's words."""
    return (
        f"{name} is a demo business generated by 'runway demo': it has no QuickBooks Online "
        "company to sync from. Run 'runway demo' again to regenerate it, or connect a real "
        "company with 'runway qbo connect'."
    )


def _describe(error: Exception) -> str:
    """The error as an operator reads it on the business (QBO errors already name the realm)."""
    if isinstance(error, SyncError):
        return str(error)
    return f"{type(error).__name__}: {error}"
