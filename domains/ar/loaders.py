"""Per-request loaders for receivables: one query per entity type for any number of businesses."""

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.ar.models import Customer, Invoice, Payment, PaymentLine
from domains.loading import RowsByBusiness

Sessions = async_sessionmaker[AsyncSession]


def open_invoices(sessions: Sessions, allowed: Collection[int] | None) -> RowsByBusiness[Invoice]:
    """Invoices with a balance still owed and not deleted."""
    return RowsByBusiness(
        sessions,
        allowed,
        lambda ids: select(Invoice).where(
            col(Invoice.business_id).in_(ids),
            col(Invoice.balance) > 0,
            col(Invoice.deleted_at).is_(None),
        ),
    )


def customers(sessions: Sessions, allowed: Collection[int] | None) -> RowsByBusiness[Customer]:
    """Every customer, deleted and inactive included."""
    return RowsByBusiness(
        sessions, allowed, lambda ids: select(Customer).where(col(Customer.business_id).in_(ids))
    )


def payment_history_since(
    sessions: Sessions, allowed: Collection[int] | None, since: date
) -> RowsByBusiness[object]:
    """(business_id, customer_qbo_id, paid_on, due_date) per invoice payment since ``since``.

    How late each customer pays, from the invoices its payments settled: Core rows, not entities,
    because only four columns of a join are needed.
    """
    return RowsByBusiness(
        sessions,
        allowed,
        lambda ids: (
            select(
                col(Payment.business_id),
                col(Payment.customer_qbo_id),
                col(Payment.txn_date).label("paid_on"),
                col(Invoice.due_date),
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
            )
        ),
        entities=False,
    )
