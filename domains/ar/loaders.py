"""Per-request loaders for receivables: one query per entity type for any number of businesses."""

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.ar.models import Customer, Invoice, Payment, PaymentLine
from domains.row_loaders import RowsByBusiness

Sessions = async_sessionmaker[AsyncSession]


def invoices_under_review(
    sessions: Sessions, allowed: Collection[int] | None
) -> RowsByBusiness[Invoice]:
    """Open invoices, and zero-total ones (a ZERO_AMOUNT issue), not deleted."""
    return RowsByBusiness(
        sessions,
        allowed,
        lambda ids: select(Invoice).where(
            col(Invoice.business_id).in_(ids),
            col(Invoice.deleted_at).is_(None),
            or_(col(Invoice.balance) > 0, col(Invoice.total_amt) == 0),
        ),
    )


def customers(sessions: Sessions, allowed: Collection[int] | None) -> RowsByBusiness[Customer]:
    """Every customer, deleted and inactive included."""
    return RowsByBusiness(
        sessions, allowed, lambda ids: select(Customer).where(col(Customer.business_id).in_(ids))
    )


def settlements_since(
    sessions: Sessions, allowed: Collection[int] | None, since: date
) -> RowsByBusiness[Any]:
    """(business_id, customer_qbo_id, invoice_qbo_id, due_date, paid_on) of paid invoices.

    One row per payment applied to a paid, dated invoice, for payments since ``since``: how late
    each customer pays. Core rows from one join, because only five columns are needed.
    """
    return RowsByBusiness(
        sessions,
        allowed,
        lambda ids: (
            select(
                col(Payment.business_id),
                col(Invoice.customer_qbo_id),
                col(Invoice.qbo_id).label("invoice_qbo_id"),
                col(Invoice.due_date),
                col(Payment.txn_date).label("paid_on"),
            )
            .join(PaymentLine, col(PaymentLine.payment_id) == col(Payment.id))
            .join(
                Invoice,
                (col(Invoice.business_id) == col(Payment.business_id))
                & (col(Invoice.qbo_id) == col(PaymentLine.invoice_qbo_id)),
            )
            .where(
                col(Payment.business_id).in_(ids),
                col(Payment.deleted_at).is_(None),
                col(Payment.txn_date) >= since,
                col(Invoice.deleted_at).is_(None),
                col(Invoice.balance) == 0,
                col(Invoice.total_amt) > 0,
                col(Invoice.due_date).is_not(None),
                col(Invoice.customer_qbo_id).is_not(None),
            )
        ),
        entities=False,
    )
