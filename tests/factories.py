"""Small factories for test data: one place that knows how to make a valid row."""

import itertools
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel

from domains.access import queries as access_queries
from domains.ap.models import Bill, BillLine, BillPayment, Vendor
from domains.ar.models import Customer, Invoice, Payment, PaymentLine
from domains.banking.models import Account, Purchase
from domains.core import queries as core_queries
from domains.core.models import Business, Term
from domains.decisions.models import BillDecision
from sync.fakeqbo.generator import GeneratedCompany
from sync.fakeqbo.landing import land_company

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


async def land_companies(
    sessions: async_sessionmaker[AsyncSession],
    companies: Sequence[GeneratedCompany],
    *,
    synced_at: datetime,
) -> list[int]:
    """Land generated (or hand-built) QBO companies through the real mapper; their business ids."""
    ids = []
    for company in companies:
        async with sessions.begin() as session:
            business = await land_company(session, company, synced_at=synced_at)
        assert business.id is not None
        ids.append(business.id)
    return ids


# Mirrored rows, unsaved: build them, then ``save`` them in one transaction. Each takes its
# business and keyword overrides for any column; a row without ``qbo_id`` gets a fresh one.

UPDATED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
"""The QBO last-update time of every factory row unless overridden."""

_qbo_ids = itertools.count(1)


def _mirrored(business_id: int, values: dict[str, Any]) -> dict[str, Any]:
    values.setdefault("business_id", business_id)
    values.setdefault("qbo_id", str(next(_qbo_ids)))
    values.setdefault("qbo_updated_at", UPDATED)
    return values


def vendor(business_id: int, **values: Any) -> Vendor:
    values = _mirrored(business_id, values)
    values.setdefault("display_name", f"Vendor {values['qbo_id']}")
    return Vendor(**values)


def customer(business_id: int, **values: Any) -> Customer:
    values = _mirrored(business_id, values)
    values.setdefault("display_name", f"Customer {values['qbo_id']}")
    return Customer(**values)


def term(business_id: int, **values: Any) -> Term:
    values = _mirrored(business_id, values)
    values.setdefault("name", "Net 30")
    values.setdefault("due_days", 30)
    return Term(**values)


def account(business_id: int, **values: Any) -> Account:
    values = _mirrored(business_id, values)
    values.setdefault("name", f"Checking {values['qbo_id']}")
    values.setdefault("account_type", "Bank")
    values.setdefault("current_balance", Decimal("1000.00"))
    return Account(**values)


def bill(business_id: int, **values: Any) -> Bill:
    """An open bill: 100.00 owed in full, dated 2026-11-01, due 2026-12-01."""
    values = _mirrored(business_id, values)
    values.setdefault("txn_date", date(2026, 11, 1))
    values.setdefault("due_date", date(2026, 12, 1))
    values.setdefault("total_amt", Decimal("100.00"))
    values.setdefault("balance", values["total_amt"])
    return Bill(**values)


def bill_line(saved_bill: Bill, **values: Any) -> BillLine:
    """A line of a saved bill."""
    assert saved_bill.id is not None
    values.setdefault("bill_id", saved_bill.id)
    values.setdefault("business_id", saved_bill.business_id)
    values.setdefault("amount", Decimal("100.00"))
    return BillLine(**values)


def invoice(business_id: int, **values: Any) -> Invoice:
    """An open invoice: 500.00 owed in full, dated 2026-11-01, due 2026-12-01."""
    values = _mirrored(business_id, values)
    values.setdefault("txn_date", date(2026, 11, 1))
    values.setdefault("due_date", date(2026, 12, 1))
    values.setdefault("total_amt", Decimal("500.00"))
    values.setdefault("balance", values["total_amt"])
    return Invoice(**values)


def payment(business_id: int, **values: Any) -> Payment:
    values = _mirrored(business_id, values)
    values.setdefault("txn_date", date(2026, 11, 1))
    values.setdefault("total_amt", Decimal("100.00"))
    return Payment(**values)


def payment_line(saved_payment: Payment, paid: Invoice, **values: Any) -> PaymentLine:
    """The part of a saved payment applied to the invoice ``paid`` (by its QBO id)."""
    assert saved_payment.id is not None
    values.setdefault("payment_id", saved_payment.id)
    values.setdefault("business_id", saved_payment.business_id)
    values.setdefault("invoice_qbo_id", paid.qbo_id)
    values.setdefault("amount", paid.total_amt)
    return PaymentLine(**values)


def bill_payment(business_id: int, **values: Any) -> BillPayment:
    values = _mirrored(business_id, values)
    values.setdefault("txn_date", date(2026, 11, 1))
    values.setdefault("total_amt", Decimal("100.00"))
    return BillPayment(**values)


def purchase(business_id: int, **values: Any) -> Purchase:
    values = _mirrored(business_id, values)
    values.setdefault("txn_date", date(2026, 11, 1))
    values.setdefault("total_amt", Decimal("100.00"))
    return Purchase(**values)


def decision(saved_bill: Bill, **values: Any) -> BillDecision:
    """A decision to delay a saved bill to 2026-12-15."""
    assert saved_bill.id is not None
    values.setdefault("business_id", saved_bill.business_id)
    values.setdefault("bill_id", saved_bill.id)
    values.setdefault("action", "DELAY_TO")
    values.setdefault("decided_for", date(2026, 12, 15))
    values.setdefault("decided_by", "owner")
    values.setdefault("decided_at", UPDATED)
    return BillDecision(**values)


async def save(sessions: async_sessionmaker[AsyncSession], *rows: SQLModel) -> None:
    """Insert ``rows`` in one committed transaction; each then carries its new ``id``."""
    async with sessions.begin() as session:
        session.add_all(rows)
        await session.flush()
