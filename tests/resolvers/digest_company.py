"""The digested company the render and snapshot tests share: generated, seeded and small."""

from datetime import date
from typing import Any

from domains.core.models import Business
from resolvers.clock import business_today
from resolvers.digest import digest
from resolvers.loaders import Loaders
from resolvers.thresholds import Thresholds
from schema.digest_snapshot import digest_snapshot
from sync.fakeqbo.generator import CompanySize, generate_company
from sync.settings import QboSettings
from tests.conftest import Database
from tests.schema.conftest import NOW, LoadCompanies

QBO_APP_URL = QboSettings().app_url
SEED, INDEX = 7, 4
"""Copper Builders Group (small): CRITICAL, a forecast that goes below zero, a bill due this week,
overdue invoices and three moves that add runway: every section has something to show."""


async def load_business(
    database: Database, load_companies: LoadCompanies, name: str | None = None
) -> Business:
    company = generate_company(seed=SEED, index=INDEX, as_of=NOW.date(), size=CompanySize.small())
    if name is not None:
        company.company_info["CompanyName"] = company.company_info["LegalName"] = name
    (pk,) = await load_companies([company])
    async with database.sessions() as session:
        business = await session.get(Business, pk)
    assert business is not None
    return business


async def snapshot_of(
    database: Database, business: Business, week_of: date | None = None
) -> dict[str, Any]:
    result = await digest(
        Loaders(database.sessions, None),
        business,
        today=business_today(business.timezone, NOW),
        week_of=week_of,
        now=NOW,
        thresholds=Thresholds(),
    )
    return digest_snapshot(result, app_url=QBO_APP_URL)
