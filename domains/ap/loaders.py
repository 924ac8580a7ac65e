"""Per-request loaders for payables: one query per entity type for any number of businesses."""

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.ap.models import Bill, BillLine, Vendor
from domains.loading import RowsByBusiness

Sessions = async_sessionmaker[AsyncSession]


def open_bills(sessions: Sessions, allowed: Collection[int] | None) -> RowsByBusiness[Bill]:
    """Bills with a balance left to pay and not deleted: "open" in every rule."""
    return RowsByBusiness(
        sessions,
        allowed,
        lambda ids: select(Bill).where(
            col(Bill.business_id).in_(ids), col(Bill.balance) > 0, col(Bill.deleted_at).is_(None)
        ),
    )


def open_bill_lines(
    sessions: Sessions, allowed: Collection[int] | None
) -> RowsByBusiness[BillLine]:
    """Lines of the open bills (for UNCATEGORIZED), fetched in the same batch shape."""
    return RowsByBusiness(
        sessions,
        allowed,
        lambda ids: (
            select(BillLine)
            .join(Bill, col(Bill.id) == col(BillLine.bill_id))
            .where(
                col(Bill.business_id).in_(ids),
                col(Bill.balance) > 0,
                col(Bill.deleted_at).is_(None),
            )
        ),
    )


def vendors(sessions: Sessions, allowed: Collection[int] | None) -> RowsByBusiness[Vendor]:
    """Every vendor, deleted and inactive included: a bill pointing at one is itself an issue."""
    return RowsByBusiness(
        sessions, allowed, lambda ids: select(Vendor).where(col(Vendor.business_id).in_(ids))
    )
