"""Reads and writes of digest runs, their items and stored digests (typed, keyword-only).

The claim is the heart of it: one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)``
statement that takes pending items, and ``running`` ones whose lease has expired, for one worker.
On PostgreSQL, ``SKIP LOCKED`` lets several processes claim from the same run without waiting on
or taking each other's rows; on SQLite the clause is dropped and the single statement is atomic
because SQLite runs one writer at a time. Every write that finishes an item is guarded by its
lease owner, so a worker that lost its lease can't overwrite the outcome of the one that took over.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domains.core.models import Business
from domains.digests.models import DigestRun, DigestRunItem, StoredDigest

RUN_QUEUED = "QUEUED"
RUN_RUNNING = "RUNNING"
RUN_SUCCEEDED = "SUCCEEDED"
RUN_PARTIAL = "PARTIAL"
RUN_FAILED = "FAILED"
UNFINISHED_RUN_STATUSES = (RUN_QUEUED, RUN_RUNNING)

ITEM_PENDING = "pending"
ITEM_RUNNING = "running"
ITEM_DONE = "done"
ITEM_FAILED = "failed"
OPEN_ITEM_STATUSES = (ITEM_PENDING, ITEM_RUNNING)


@dataclass(frozen=True)
class NewDigest:
    """The columns of a stored digest as a worker computed them."""

    business_id: int
    week_start: date
    as_of: date
    generated_at: datetime
    run_id: int
    status: str
    subject: str
    snapshot: dict[str, Any]
    html: str
    text: str


@dataclass(frozen=True)
class ItemCounts:
    """A run's items by status."""

    pending: int = 0
    running: int = 0
    done: int = 0
    failed: int = 0

    @property
    def open(self) -> int:
        return self.pending + self.running


def bulk_update(model: type[DigestRun] | type[DigestRunItem]) -> Any:
    """A bulk UPDATE that leaves the session's objects alone (callers read rows afresh)."""
    return update(model).execution_options(synchronize_session=False)


def _visible(allowed_ids: Collection[int] | None) -> ColumnElement[bool]:
    if allowed_ids is None:
        return true()
    return col(Business.id).in_(list(allowed_ids))


async def list_active_business_ids(
    session: AsyncSession, *, allowed_ids: Collection[int] | None
) -> list[int]:
    """The active businesses among the caller's: who a run covers when none are named."""
    statement = (
        select(col(Business.id))
        .where(col(Business.active).is_(True), _visible(allowed_ids))
        .order_by(col(Business.id))
    )
    return [business_id for business_id in (await session.scalars(statement)).all() if business_id]


async def list_visible_business_ids(
    session: AsyncSession, *, ids: Collection[int], allowed_ids: Collection[int] | None
) -> set[int]:
    """Which of ``ids`` exist and are the caller's."""
    statement = select(col(Business.id)).where(
        col(Business.id).in_(list(ids)), _visible(allowed_ids)
    )
    return {business_id for business_id in (await session.scalars(statement)).all() if business_id}


async def create_run(
    session: AsyncSession,
    *,
    week_start: date,
    requested_by: str,
    business_ids: Sequence[int],
    deliver: bool,
    force: bool,
    now: datetime,
) -> DigestRun:
    """A queued run with one pending item per business (two statements, whatever the count)."""
    run = DigestRun(
        week_start=week_start,
        requested_by=requested_by,
        deliver=deliver,
        force=force,
        total=len(business_ids),
        created_at=now,
    )
    session.add(run)
    await session.flush()
    if business_ids:
        await session.execute(
            insert(DigestRunItem),
            [
                {"run_id": run.id, "business_id": business_id, "updated_at": now}
                for business_id in business_ids
            ],
        )
    return run


async def get_run(session: AsyncSession, *, run_id: int) -> DigestRun | None:
    """The run's current row, read afresh (not from the session's identity map)."""
    statement = select(DigestRun).where(col(DigestRun.id) == run_id)
    return (
        await session.scalars(statement.execution_options(populate_existing=True))
    ).one_or_none()


async def run_is_visible(
    session: AsyncSession, *, run_id: int, allowed_ids: Collection[int] | None
) -> bool:
    """A run is the caller's when every business in it is: counts would leak the others.

    A run of no business belongs to no scoped caller (only to those who see every business):
    "all of its none" would show any scoped admin another token's name and activity.
    """
    if allowed_ids is None:
        return True
    outside = col(DigestRunItem.business_id).not_in(list(allowed_ids))
    statement = select(func.count(), func.count(case((outside, 1)))).where(
        col(DigestRunItem.run_id) == run_id
    )
    items, foreign = (await session.execute(statement)).one()
    return int(items) > 0 and int(foreign) == 0


async def list_unfinished_run_ids(session: AsyncSession) -> list[int]:
    """Runs still queued or running, oldest first: what a starting worker resumes."""
    statement = (
        select(col(DigestRun.id))
        .where(col(DigestRun.status).in_(UNFINISHED_RUN_STATUSES))
        .order_by(col(DigestRun.id))
    )
    return [run_id for run_id in (await session.scalars(statement)).all() if run_id]


async def start_run(session: AsyncSession, *, run_id: int, now: datetime) -> None:
    """Mark a queued run running (a no-op once some worker has)."""
    await session.execute(
        bulk_update(DigestRun)
        .where(col(DigestRun.id) == run_id, col(DigestRun.status) == RUN_QUEUED)
        .values(status=RUN_RUNNING, started_at=now)
    )


async def get_stored_digest_ids(
    session: AsyncSession, *, business_ids: Collection[int], week_start: date
) -> dict[int, int]:
    """The stored digest of each business for the week, if any: business id to digest id."""
    statement = select(col(StoredDigest.business_id), col(StoredDigest.id)).where(
        col(StoredDigest.business_id).in_(list(business_ids)),
        col(StoredDigest.week_start) == week_start,
    )
    return {row.business_id: row.id for row in (await session.execute(statement)).all()}


def _insert_for(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(StoredDigest)
    if dialect == "sqlite":
        return sqlite.insert(StoredDigest)
    raise NotImplementedError(f"upsert is not implemented for {dialect}")


async def upsert_stored_digests(
    session: AsyncSession, *, digests: Sequence[NewDigest], replace: bool
) -> tuple[dict[int, int], set[int]]:
    """Store the digests, one statement for all; the (business, week) key decides the row.

    With ``replace`` an existing digest is overwritten in place (same id); without it the
    existing one is kept (another run stored it first). Returns business id to digest id, and
    the businesses whose existing digest was kept.
    """
    if not digests:
        return {}, set()
    rows = [vars(digest) for digest in digests]
    statement = _insert_for(session).values(rows)
    key = [col(StoredDigest.business_id), col(StoredDigest.week_start)]
    if replace:
        written = statement.excluded
        changing = ("as_of", "generated_at", "run_id", "status", "subject", "snapshot", "html")
        statement = statement.on_conflict_do_update(
            index_elements=key,
            set_={name: written[name] for name in (*changing, "text")},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=key)
    statement = statement.returning(col(StoredDigest.business_id), col(StoredDigest.id))
    stored = {row.business_id: row.id for row in (await session.execute(statement)).all()}
    kept = {digest.business_id for digest in digests} - stored.keys()
    if kept:
        stored.update(
            await get_stored_digest_ids(
                session, business_ids=kept, week_start=digests[0].week_start
            )
        )
    return stored, kept


async def add_to_run_counts(
    session: AsyncSession, *, run_id: int, done: int, failed: int
) -> DigestRun | None:
    """Add finished items to the run's progress (increments, so concurrent workers add up)."""
    statement = (
        bulk_update(DigestRun)
        .where(col(DigestRun.id) == run_id)
        .values(done=col(DigestRun.done) + done, failed=col(DigestRun.failed) + failed)
        .returning(DigestRun)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()


async def count_items(session: AsyncSession, *, run_id: int) -> ItemCounts:
    """The run's items by status."""
    statement = (
        select(col(DigestRunItem.status), func.count())
        .where(col(DigestRunItem.run_id) == run_id)
        .group_by(col(DigestRunItem.status))
    )
    by_status = {row[0]: int(row[1]) for row in (await session.execute(statement)).all()}
    return ItemCounts(**{status: by_status.get(status, 0) for status in vars(ItemCounts())})


async def finish_run(session: AsyncSession, *, run_id: int, now: datetime) -> DigestRun | None:
    """Close a run whose items are all done or failed, with exact counts and its verdict.

    Returns the run if this call closed it; ``None`` if items are still open or another worker
    closed it first (the status guard makes exactly one closer win).
    """
    counts = await count_items(session, run_id=run_id)
    if counts.open:
        return None
    if counts.failed == 0:
        status = RUN_SUCCEEDED
    elif counts.done == 0:
        status = RUN_FAILED
    else:
        status = RUN_PARTIAL
    statement = (
        bulk_update(DigestRun)
        .where(col(DigestRun.id) == run_id, col(DigestRun.status).in_(UNFINISHED_RUN_STATUSES))
        .values(
            status=status,
            done=counts.done,
            failed=counts.failed,
            started_at=func.coalesce(col(DigestRun.started_at), now),
            finished_at=now,
        )
        .returning(DigestRun)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()


async def list_run_digest_ids(session: AsyncSession, *, run_id: int) -> list[int]:
    """The stored digests of a run's done items (computed or reused): what delivery sends."""
    statement = (
        select(col(DigestRunItem.digest_id))
        .where(
            col(DigestRunItem.run_id) == run_id,
            col(DigestRunItem.status) == ITEM_DONE,
            col(DigestRunItem.digest_id).is_not(None),
        )
        .order_by(col(DigestRunItem.id))
    )
    return [digest_id for digest_id in (await session.scalars(statement)).all() if digest_id]


async def list_run_items(
    session: AsyncSession,
    *,
    run_id: int,
    status: str | None,
    after_id: int | None,
    limit: int,
) -> list[tuple[DigestRunItem, str]]:
    """A page of a run's items by id, each with its business's name."""
    statement = (
        select(DigestRunItem, col(Business.name))
        .join(Business, col(Business.id) == col(DigestRunItem.business_id))
        .where(col(DigestRunItem.run_id) == run_id)
        .order_by(col(DigestRunItem.id))
        .limit(limit)
    )
    if status is not None:
        statement = statement.where(col(DigestRunItem.status) == status)
    if after_id is not None:
        statement = statement.where(col(DigestRunItem.id) > after_id)
    return [(row[0], row[1]) for row in (await session.execute(statement)).all()]


async def count_run_items(session: AsyncSession, *, run_id: int, status: str | None) -> int:
    """How many items of the run (with ``status``, if given)."""
    statement = select(func.count()).where(col(DigestRunItem.run_id) == run_id)
    if status is not None:
        statement = statement.where(col(DigestRunItem.status) == status)
    return int((await session.execute(statement)).scalar_one())


STORED_DIGEST_HEADER_COLUMNS = (
    col(StoredDigest.id),
    col(StoredDigest.business_id),
    col(StoredDigest.week_start),
    col(StoredDigest.as_of),
    col(StoredDigest.generated_at),
    col(StoredDigest.run_id),
    col(StoredDigest.status),
    col(StoredDigest.subject),
)
"""Everything about a stored digest but its (large) snapshot and renderings."""


def stored_digest_headers(business_ids: list[int]) -> Select[*tuple[Any, ...]]:
    """The statement behind the stored-digests loader: headers of many businesses at once."""
    return select(*STORED_DIGEST_HEADER_COLUMNS).where(
        col(StoredDigest.business_id).in_(business_ids)
    )
