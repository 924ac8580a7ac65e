"""Reads and writes of businesses, each a typed, keyword-only function over an ``AsyncSession``."""

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domains.core.models import Business


def _visible(allowed_ids: Collection[int] | None) -> ColumnElement[bool]:
    """Restrict to the caller's businesses; ``None`` means every business (admin, CLI)."""
    if allowed_ids is None:
        return true()
    return col(Business.id).in_(list(allowed_ids))


def _matching(search: str | None) -> ColumnElement[bool]:
    if not search:
        return true()
    pattern = (
        "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    )
    return or_(
        func.lower(Business.name).like(pattern, escape="\\"),
        col(Business.realm_id).like(pattern, escape="\\"),
    )


async def list_businesses(
    session: AsyncSession,
    *,
    allowed_ids: Collection[int] | None,
    search: str | None = None,
    after: tuple[str, int] | None = None,
    limit: int,
) -> Sequence[Business]:
    """Businesses by (name, id), after the keyset ``after``, so pages are stable under inserts."""
    statement = select(Business).where(_visible(allowed_ids), _matching(search))
    if after is not None:
        name, business_id = after
        statement = statement.where(
            or_(
                col(Business.name) > name,
                and_(col(Business.name) == name, col(Business.id) > business_id),
            )
        )
    statement = statement.order_by(col(Business.name), col(Business.id)).limit(limit)
    return (await session.scalars(statement)).all()


async def count_businesses(
    session: AsyncSession, *, allowed_ids: Collection[int] | None, search: str | None = None
) -> int:
    """How many businesses the caller may see that match ``search``."""
    statement = (
        select(func.count()).select_from(Business).where(_visible(allowed_ids), _matching(search))
    )
    return int((await session.execute(statement)).scalar_one())


async def list_businesses_by_ids(
    session: AsyncSession, *, ids: Collection[int], allowed_ids: Collection[int] | None
) -> Sequence[Business]:
    """The visible businesses among ``ids``, in no particular order (loaders re-order)."""
    statement = select(Business).where(col(Business.id).in_(list(ids)), _visible(allowed_ids))
    return (await session.scalars(statement)).all()


async def upsert_business(
    session: AsyncSession, *, realm_id: str, values: dict[str, Any]
) -> Business:
    """Create the business for ``realm_id`` or refresh its company details; returns it."""
    business = (
        await session.scalars(select(Business).where(col(Business.realm_id) == realm_id))
    ).one_or_none()
    if business is None:
        business = Business(realm_id=realm_id, **values)
        session.add(business)
    else:
        for name, value in values.items():
            setattr(business, name, value)
    await session.flush()
    return business


async def bump_data_version(session: AsyncSession, *, business_id: int) -> None:
    """Mark the business's stored views stale: what they show changed, in this transaction."""
    await session.execute(
        update(Business)
        .where(col(Business.id) == business_id)
        .values(data_version=col(Business.data_version) + 1)
    )
