"""Per-request loaders for payables: one query per entity type for any number of businesses."""

from collections.abc import Collection

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.ap.models import Bill, BillLine, Vendor
from domains.row_loaders import RowsByBusiness

Sessions = async_sessionmaker[AsyncSession]


def _under_review() -> ColumnElement[bool]:
    """Open bills, and zero-total ones (never open, yet a ZERO_AMOUNT issue), not deleted."""
    return and_(
        col(Bill.deleted_at).is_(None), or_(col(Bill.balance) > 0, col(Bill.total_amt) == 0)
    )


def bills_under_review(sessions: Sessions, allowed: Collection[int] | None) -> RowsByBusiness[Bill]:
    """The bills hygiene examines; the decision console keeps the open ones."""
    return RowsByBusiness(
        sessions,
        allowed,
        lambda ids: select(Bill).where(col(Bill.business_id).in_(ids), _under_review()),
    )


def lines_of_bills_under_review(
    sessions: Sessions, allowed: Collection[int] | None
) -> RowsByBusiness[BillLine]:
    """Lines of those bills (for UNCATEGORIZED), fetched in the same batch shape."""
    return RowsByBusiness(
        sessions,
        allowed,
        lambda ids: (
            select(BillLine)
            .join(Bill, col(Bill.id) == col(BillLine.bill_id))
            .where(col(Bill.business_id).in_(ids), _under_review())
        ),
    )


def vendors(sessions: Sessions, allowed: Collection[int] | None) -> RowsByBusiness[Vendor]:
    """Every vendor, deleted and inactive included: a bill pointing at one is itself an issue."""
    return RowsByBusiness(
        sessions, allowed, lambda ids: select(Vendor).where(col(Vendor.business_id).in_(ids))
    )
