"""Reads and writes of businesses, each a typed, keyword-only function over an ``AsyncSession``."""

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

import domains.tables  # noqa: F401  (every table registered: removal must reach them all)
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
    """Create the business for ``realm_id`` or refresh its company details; returns it.

    Details the views show (its name, currency, time zone, e-mail) that changed mark its stored
    views stale (``data_version``), as a changed bill would.
    """
    business = (
        await session.scalars(select(Business).where(col(Business.realm_id) == realm_id))
    ).one_or_none()
    if business is None:
        business = Business(realm_id=realm_id, **values)
        session.add(business)
    else:
        changed = False
        for name, value in values.items():
            changed = changed or getattr(business, name) != value
            setattr(business, name, value)
        if changed:
            business.data_version += 1
    await session.flush()
    return business


async def bump_data_version(session: AsyncSession, *, business_id: int) -> None:
    """Mark the business's stored views stale: what they show changed, in this transaction."""
    await session.execute(
        update(Business)
        .where(col(Business.id) == business_id)
        .values(data_version=col(Business.data_version) + 1)
    )


async def list_every_business(session: AsyncSession) -> Sequence[Business]:
    """Every business, active or not, by id: what an operator lists."""
    return (await session.scalars(select(Business).order_by(col(Business.id)))).all()


async def get_business(session: AsyncSession, *, business_id: int) -> Business | None:
    """One business by id, whatever its state."""
    return await session.get(Business, business_id)


async def set_business_active(
    session: AsyncSession, *, business_id: int, active: bool
) -> Business | None:
    """Mark a business active or inactive; ``None`` if there is no such business.

    Inactive businesses keep their mirror and stay visible to the tokens that may see them, but
    the assessment job and digest runs over every business leave them out.
    """
    business = await session.get(Business, business_id)
    if business is not None:
        business.active = active
        await session.flush()
    return business


async def remove_business(session: AsyncSession, *, business_id: int) -> dict[str, int] | None:
    """Delete a business and every row that belongs to it; rows deleted per table, or ``None``
    if there is no such business.

    Generic over the schema rather than a list of tables, so a table added later is removed
    too: every table with a ``business_id`` loses that business's rows, and a table keyed only
    through a parent (assessed items through their assessment) loses the rows of the parent's
    doomed ones; children go before parents, so no foreign key is ever left dangling and no
    ``ON DELETE`` rule is relied on (SQLite enforces them only when told to).
    """
    if await session.get(Business, business_id) is None:
        return None
    removed: dict[str, int] = {}
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name == Business.__tablename__:
            continue
        doomed = _rows_of(table, business_id)
        if doomed is None:
            continue
        result = await session.execute(delete(table).where(doomed))
        if result.rowcount:  # type: ignore[attr-defined]
            removed[table.name] = int(result.rowcount)  # type: ignore[attr-defined]
    await session.execute(delete(Business).where(col(Business.id) == business_id))
    return removed


def _rows_of(table: Table, business_id: int) -> ColumnElement[bool] | None:
    """Which rows of ``table`` belong to the business, or ``None`` if none can."""
    if "business_id" in table.c:
        return table.c.business_id == business_id
    through = [
        foreign_key.parent.in_(
            select(foreign_key.column).where(foreign_key.column.table.c.business_id == business_id)
        )
        for foreign_key in table.foreign_keys
        if "business_id" in foreign_key.column.table.c
    ]
    return or_(*through) if through else None
