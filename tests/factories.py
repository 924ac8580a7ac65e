"""Small factories for test data: one place that knows how to make a valid row."""

import itertools
from collections.abc import Collection
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.access import queries as access_queries
from domains.core import queries as core_queries
from domains.core.models import Business

_realm_numbers = itertools.count(9_130_000_000_000_001)


async def make_token(
    sessions: async_sessionmaker[AsyncSession],
    *,
    role: str = "admin",
    business_ids: Collection[int] = (),
    name: str = "test",
) -> str:
    """A clear-text API token; without ``business_ids`` it sees every business."""
    async with sessions.begin() as session:
        return await access_queries.create_token(
            session,
            name=name,
            role=role,
            business_ids=business_ids,
            all_businesses=not business_ids,
        )


async def make_business(sessions: async_sessionmaker[AsyncSession], **values: Any) -> Business:
    """A committed business with a unique realm; ``values`` override any column."""
    realm_id = str(values.pop("realm_id", next(_realm_numbers)))
    values.setdefault("name", f"Business {realm_id[-4:]}")
    async with sessions.begin() as session:
        return await core_queries.upsert_business(session, realm_id=realm_id, values=values)
