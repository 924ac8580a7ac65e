"""Stored-assessment rows as the domain tests build them: plain column values, no rules.

``domains/assessments`` stores whatever its callers hand it (``resolvers.assessment_records``
builds the real rows); these tests choose sort keys, flags and amounts by hand so each criterion,
order and total can be checked against a Python statement of the same thing.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from domains.assessments import queries
from domains.assessments.models import AssessedBill, AssessedHygieneItem, AssessedInvoice
from domains.assessments.queries import AssessmentKey, NewAssessment
from tests.conftest import Database
from tests.factories import make_business

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
KEY = "k" * 64
"""A thresholds key (the real ones are sha256 hex digests, 64 characters)."""


def item(sort_key: str, **values: Any) -> dict[str, Any]:
    """A flagged-record row: a low-severity bill of 10.00 with one issue unless overridden."""
    row: dict[str, Any] = {
        "sort_key": sort_key,
        "entity_type": "BILL",
        "severity_rank": 1,
        "code_mask": 1,
        "amount": Decimal("10.00"),
        "counterparty_qbo_id": None,
        "search_text": sort_key.casefold(),
        "issue_count": 1,
        "payload": {"sort_key": sort_key},
    }
    return {**row, **values}


def bill(sort_key: str, **values: Any) -> dict[str, Any]:
    """A bill row: ready, due in 5 days, 100.00, PAY_NOW in MUST_PAY unless overridden."""
    row: dict[str, Any] = {
        "sort_key": sort_key,
        "ready": True,
        "days_until_due": 5,
        "amount": Decimal("100.00"),
        "vendor_qbo_id": "V1",
        "action": "PAY_NOW",
        "urgency": "DUE_SOON",
        "bill_group": "MUST_PAY",
        "discount_savings": None,
        "plan_cash_after": None,
        "payload": {"sort_key": sort_key},
    }
    return {**row, **values}


def invoice(sort_key: str, **values: Any) -> dict[str, Any]:
    """An invoice row: 500.00, OVERDUE unless overridden."""
    row: dict[str, Any] = {
        "sort_key": sort_key,
        "amount": Decimal("500.00"),
        "urgency": "OVERDUE",
        "payload": {"sort_key": sort_key},
    }
    return {**row, **values}


def assessment(
    business_id: int,
    *,
    as_of: date = TODAY,
    version: int = 1,
    key: str = KEY,
    computed_at: datetime = NOW,
    status: str = "HEALTHY",
    items: list[dict[str, Any]] | None = None,
    bills: list[dict[str, Any]] | None = None,
    invoices: list[dict[str, Any]] | None = None,
) -> NewAssessment:
    """An assessment to store; its summary and detail name its version, to tell writes apart."""
    return NewAssessment(
        business_id=business_id,
        as_of=as_of,
        data_version=version,
        thresholds_key=key,
        computed_at=computed_at,
        status=status,
        summary={"version": version, "key": key[:4]},
        detail={"detail_of": version},
        hygiene_items=items or [],
        bills=bills or [],
        invoices=invoices or [],
    )


async def business_ids(database: Database, count: int, **values: Any) -> list[int]:
    """``count`` new businesses (``values`` override any column)."""
    ids = []
    for _ in range(count):
        business = await make_business(database.sessions, **values)
        assert business.id is not None
        ids.append(business.id)
    return ids


async def store(database: Database, *assessments: NewAssessment) -> dict[AssessmentKey, int]:
    """``replace_assessments`` in a committed transaction of its own."""
    async with database.sessions.begin() as session:
        return await queries.replace_assessments(session, assessments=list(assessments))


async def stored_id(database: Database, new: NewAssessment) -> int:
    """The id of a freshly stored assessment."""
    return (await store(database, new))[new.key]


async def record_keys(database: Database, assessment_id: int) -> dict[str, list[str]]:
    """The sort keys of an assessment's stored records, per table, in sort-key order."""
    found: dict[str, list[str]] = {}
    async with database.sessions() as session:
        for model in (AssessedHygieneItem, AssessedBill, AssessedInvoice):
            statement = (
                select(col(model.sort_key))
                .where(col(model.assessment_id) == assessment_id)
                .order_by(col(model.sort_key))
            )
            found[model.__tablename__] = list((await session.scalars(statement)).all())  # type: ignore[arg-type]
    return found


async def record_count(database: Database) -> int:
    """Record rows of every assessment, all tables together."""
    total = 0
    async with database.sessions() as session:
        for model in (AssessedHygieneItem, AssessedBill, AssessedInvoice):
            total += await session.scalar(select(func.count()).select_from(model)) or 0
    return total
