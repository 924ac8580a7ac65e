"""Per-request loaders for accounts and purchases: one query per entity for many businesses."""

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.banking.models import Account
from domains.row_loaders import RowsByBusiness

Sessions = async_sessionmaker[AsyncSession]


def accounts(sessions: Sessions, allowed: Collection[int] | None) -> RowsByBusiness[Account]:
    """The chart of accounts (bank balances, and the "Uncategorized" accounts hygiene looks for)."""
    return RowsByBusiness(
        sessions,
        allowed,
        lambda ids: select(Account).where(
            col(Account.business_id).in_(ids), col(Account.deleted_at).is_(None)
        ),
    )
