"""Helpers the digest-run tests share: loaded businesses, runs and their items, a poison bill."""

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from app.digest_worker import DigestWorker
from app.job_options import DigestWorkerOptions
from domains.ap.models import Bill
from domains.core import queries as core_queries
from domains.digests.models import DigestRun, DigestRunItem, StoredDigest
from resolvers.digest_runs import DigestRequest, create_run
from resolvers.thresholds import Thresholds
from sync.fakeqbo.generator import CompanySize, generate_companies
from sync.fakeqbo.landing import land_company
from sync.settings import QboSettings
from tests.conftest import Database

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


WEEK = date(2026, 11, 16)


LEASE = timedelta(seconds=DigestWorkerOptions().lease_seconds)


HOLD_TIMEOUT = 20
"""Seconds any awaited event may take before the test fails instead of hanging."""


async def load_businesses(database: Database, count: int, *, seed: int = 31) -> list[int]:
    """``count`` small generated companies, loaded as a sync would land them."""
    companies = generate_companies(
        count=count, seed=seed, as_of=date(2026, 11, 20), size=CompanySize.small()
    )
    ids = []
    for company in companies:
        async with database.sessions.begin() as session:
            business = await land_company(session, company, synced_at=NOW)
        assert business.id is not None
        ids.append(business.id)
    return ids


async def new_run(database: Database, business_ids: Sequence[int], **options: Any) -> DigestRun:
    request = DigestRequest(
        business_ids=tuple(business_ids), week_start=WEEK, requested_by="test", **options
    )
    return await create_run(database.sessions, request, now=NOW)


def make_worker(
    database: Database,
    *,
    clock: Callable[[], datetime] = lambda: NOW,
    batch_size: int = 50,
    concurrency: int = 2,
    **kwargs: Any,
) -> DigestWorker:
    return DigestWorker(
        database.sessions,
        thresholds=Thresholds(),
        clock=clock,
        qbo_app_url=QboSettings().app_url,
        options=DigestWorkerOptions(batch_size=batch_size, concurrency=concurrency),
        **kwargs,
    )


async def items_of(database: Database, run_id: int | None) -> list[DigestRunItem]:
    async with database.sessions() as session:
        statement = (
            select(DigestRunItem)
            .where(col(DigestRunItem.run_id) == run_id)
            .order_by(col(DigestRunItem.id))
        )
        return list((await session.scalars(statement)).all())


async def stored_per_business(database: Database) -> Counter[int]:
    async with database.sessions() as session:
        rows = (await session.execute(select(col(StoredDigest.business_id)))).scalars().all()
    return Counter(rows)


async def insert_unpayable_bill(database: Database, business_id: int) -> None:
    """A bill due 0001-01-02 (a mistyped year QBO accepts): the latest safe pay date, three days
    before, is before the first day a ``date`` can hold, and the rules raise ``OverflowError``.

    Written as a sync writes: with the business's data version bumped, so what was assessed
    before it is stale."""
    async with database.sessions.begin() as session:
        await core_queries.bump_data_version(session, business_id=business_id)
        session.add(
            Bill(
                business_id=business_id,
                qbo_id="typo-1",
                qbo_updated_at=NOW,
                doc_number="TYPO",
                txn_date=date(1, 1, 1),
                due_date=date(1, 1, 2),
                total_amt=Decimal("120.00"),
                balance=Decimal("120.00"),
                vendor_qbo_id="1",
                vendor_name="Typo Supply",
            )
        )
