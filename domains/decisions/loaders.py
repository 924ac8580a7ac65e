"""Per-request loader for recorded bill decisions."""

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.decisions.models import BillDecision
from domains.row_loaders import RowsByBusiness


def bill_decisions(
    sessions: async_sessionmaker[AsyncSession], allowed: Collection[int] | None
) -> RowsByBusiness[BillDecision]:
    """Every decision of the businesses, oldest first: the last one per bill is in force."""
    return RowsByBusiness(
        sessions,
        allowed,
        lambda ids: (
            select(BillDecision)
            .where(col(BillDecision.business_id).in_(ids))
            .order_by(col(BillDecision.decided_at), col(BillDecision.id))
        ),
    )
