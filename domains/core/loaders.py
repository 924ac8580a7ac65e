"""Per-request loaders for businesses: many ``business(id)`` lookups become one ``IN (…)`` query.

Created fresh for every request (a module-level loader would cache across tenants), each batch
opening its own short session, because one ``AsyncSession`` can't serve concurrent resolvers.
"""

from collections.abc import Collection, Sequence

from aiodataloader import DataLoader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.core import queries as core_queries
from domains.core.models import Business, Term
from domains.row_loaders import RowsByBusiness


class BusinessByIdLoader(DataLoader[int, Business | None]):
    """Businesses by primary key, limited to those the caller may see (others load as ``None``)."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], allowed_ids: Collection[int] | None
    ) -> None:
        super().__init__()
        self._sessions = sessions
        self._allowed_ids = allowed_ids

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Business | None]:
        async with self._sessions() as session:
            rows = await core_queries.list_businesses_by_ids(
                session, ids=set(keys), allowed_ids=self._allowed_ids
            )
        by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in keys]


def terms(
    sessions: async_sessionmaker[AsyncSession], allowed_ids: Collection[int] | None
) -> RowsByBusiness[Term]:
    """Payment terms (due days, early-payment discounts) of each business."""
    return RowsByBusiness(
        sessions,
        allowed_ids,
        lambda ids: select(Term).where(
            col(Term.business_id).in_(ids), col(Term.deleted_at).is_(None)
        ),
    )
