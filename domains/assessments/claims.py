"""Claiming businesses to assess under a lease, so several processes share the assessment job.

A claim is one compare-and-set per business: ``INSERT … ON CONFLICT (business_id) DO UPDATE …
WHERE`` the current lease has run out, ``RETURNING`` the businesses won. Two processes asking for
the same business at once never both win: PostgreSQL's second upsert waits for the first to
commit and then finds the lease taken; SQLite has one writer at a time. A process that dies
leaves its leases to run out.
"""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domains.assessments.models import AssessmentClaim


async def claim_businesses(
    session: AsyncSession,
    *,
    business_ids: Collection[int],
    owner: str,
    now: datetime,
    lease_until: datetime,
) -> list[int]:
    """Take the businesses among ``business_ids`` that nobody holds; commit right after."""
    if not business_ids:
        return []
    table: Table = AssessmentClaim.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert: Any = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    statement = insert.on_conflict_do_update(
        index_elements=[table.c.business_id],
        set_={"owner": insert.excluded.owner, "lease_until": insert.excluded.lease_until},
        where=table.c.lease_until < now,
    ).returning(table.c.business_id)
    rows = [
        {"business_id": business_id, "owner": owner, "lease_until": lease_until}
        for business_id in sorted(business_ids)
    ]
    return sorted(row.business_id for row in (await session.execute(statement, rows)).all())


async def release_businesses(
    session: AsyncSession, *, business_ids: Collection[int], owner: str
) -> None:
    """Give back ``owner``'s claims (done, or stopping)."""
    if business_ids:
        await session.execute(
            delete(AssessmentClaim).where(
                col(AssessmentClaim.business_id).in_(list(business_ids)),
                col(AssessmentClaim.owner) == owner,
            )
        )
