"""Claiming digest-run items under a lease: who works which business, and until when.

On PostgreSQL a claim is one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)``, so
concurrent workers never take the same item; on SQLite the single statement is atomic on its own.
An item's outcome is written only while its worker still holds the lease, so a worker that lost
it (and whose item someone else took over) cannot overwrite the new holder's result.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    String,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domains.digests.models import DigestRunItem
from domains.digests.queries import (
    ITEM_DONE,
    ITEM_FAILED,
    ITEM_PENDING,
    ITEM_RUNNING,
    ItemCounts,
    bulk_update,
)


@dataclass(frozen=True)
class ClaimedItem:
    """An item a worker now holds under its lease."""

    id: int
    business_id: int


@dataclass(frozen=True)
class ItemOutcome:
    """How one claimed item ended: done (with its digest, maybe reused) or failed (with why)."""

    item_id: int
    digest_id: int | None = None
    reused: bool = False
    error: str | None = None

    @property
    def status(self) -> str:
        return ITEM_FAILED if self.error is not None else ITEM_DONE


async def fail_abandoned_items(
    session: AsyncSession, *, run_id: int, now: datetime, max_attempts: int
) -> int:
    """Give up on items whose lease expired ``max_attempts`` times: each took a worker down.

    Without this, a business whose digest kills its process (memory, a native crash) would be
    reclaimed forever. Returns how many items were failed.
    """
    result = await session.execute(
        bulk_update(DigestRunItem)
        .where(
            col(DigestRunItem.run_id) == run_id,
            col(DigestRunItem.status) == ITEM_RUNNING,
            col(DigestRunItem.lease_expires_at) < now,
            col(DigestRunItem.attempts) >= max_attempts,
        )
        .values(
            status=ITEM_FAILED,
            error=f"abandoned: its worker stopped {max_attempts} times before finishing it",
            lease_owner=None,
            lease_expires_at=None,
            updated_at=now,
        )
        .returning(col(DigestRunItem.id))
    )
    return len(result.all())


def _claimable(run_id: int, now: datetime) -> ColumnElement[bool]:
    return and_(
        col(DigestRunItem.run_id) == run_id,
        or_(
            col(DigestRunItem.status) == ITEM_PENDING,
            and_(
                col(DigestRunItem.status) == ITEM_RUNNING,
                col(DigestRunItem.lease_expires_at) < now,
            ),
        ),
    )


async def claim_items(
    session: AsyncSession,
    *,
    run_id: int,
    owner: str,
    now: datetime,
    lease_until: datetime,
    limit: int,
) -> list[ClaimedItem]:
    """Take up to ``limit`` claimable items of the run for ``owner`` until ``lease_until``.

    Commit right after, so other workers see the lease.
    """
    claimable = (
        select(col(DigestRunItem.id))
        .where(_claimable(run_id, now))
        .order_by(col(DigestRunItem.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("claimable")
    )
    result = await session.execute(
        bulk_update(DigestRunItem)
        .where(col(DigestRunItem.id).in_(select(claimable.c.id)))
        .values(
            status=ITEM_RUNNING,
            lease_owner=owner,
            lease_expires_at=lease_until,
            attempts=col(DigestRunItem.attempts) + 1,
            updated_at=now,
        )
        .returning(col(DigestRunItem.id), col(DigestRunItem.business_id))
    )
    claimed = [ClaimedItem(row.id, row.business_id) for row in result.all()]
    return sorted(claimed, key=lambda item: item.id)


async def renew_leases(
    session: AsyncSession, *, item_ids: Collection[int], owner: str, lease_until: datetime
) -> None:
    """Extend ``owner``'s leases on items it still holds (a heartbeat during long batches)."""
    await session.execute(
        bulk_update(DigestRunItem)
        .where(
            col(DigestRunItem.id).in_(list(item_ids)),
            col(DigestRunItem.lease_owner) == owner,
            col(DigestRunItem.status) == ITEM_RUNNING,
        )
        .values(lease_expires_at=lease_until)
    )


async def release_items(
    session: AsyncSession, *, item_ids: Collection[int], owner: str, now: datetime
) -> None:
    """Hand ``owner``'s unfinished items back as pending (a worker stopping cleanly)."""
    await session.execute(
        bulk_update(DigestRunItem)
        .where(
            col(DigestRunItem.id).in_(list(item_ids)),
            col(DigestRunItem.lease_owner) == owner,
            col(DigestRunItem.status) == ITEM_RUNNING,
        )
        .values(status=ITEM_PENDING, lease_owner=None, lease_expires_at=None, updated_at=now)
    )


async def next_lease_expiry(session: AsyncSession, *, run_id: int) -> datetime | None:
    """When the first lease on the run's running items runs out (``None``: nothing is held)."""
    statement = select(func.min(col(DigestRunItem.lease_expires_at))).where(
        col(DigestRunItem.run_id) == run_id, col(DigestRunItem.status) == ITEM_RUNNING
    )
    expiry: datetime | None = (await session.execute(statement)).scalar_one()
    return expiry


async def finish_items(
    session: AsyncSession, *, outcomes: Sequence[ItemOutcome], owner: str, now: datetime
) -> ItemCounts:
    """Record outcomes of ``owner``'s items in one statement; returns what actually changed.

    An item whose lease ``owner`` lost meanwhile is left to the worker that took it over.
    """
    if not outcomes:
        return ItemCounts()
    item = col(DigestRunItem.id)

    def per_item(values: dict[int, Any], type_: Any) -> Any:
        return case(*((item == i, literal(v, type_)) for i, v in values.items()))

    result = await session.execute(
        bulk_update(DigestRunItem)
        .where(
            item.in_([o.item_id for o in outcomes]),
            col(DigestRunItem.lease_owner) == owner,
            col(DigestRunItem.status) == ITEM_RUNNING,
        )
        .values(
            status=per_item({o.item_id: o.status for o in outcomes}, String()),
            digest_id=per_item({o.item_id: o.digest_id for o in outcomes}, Integer()),
            reused=per_item({o.item_id: o.reused for o in outcomes}, Boolean()),
            error=per_item({o.item_id: o.error for o in outcomes}, String()),
            lease_owner=None,
            lease_expires_at=None,
            updated_at=now,
        )
        .returning(col(DigestRunItem.status))
    )
    statuses = [row.status for row in result.all()]
    return ItemCounts(done=statuses.count(ITEM_DONE), failed=statuses.count(ITEM_FAILED))
