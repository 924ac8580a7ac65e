"""Build the demo database: migrate, then connect and sync generated companies from a fake QBO.

The companies are served by the in-process fake QBO (``httpx.ASGITransport``, no socket) and go
through exactly what a real company goes through: the OAuth code exchange, CompanyInfo, and a full
sync by the sync engine. Only afterwards are they marked ``demo``, so ``runway sync --all`` leaves
them alone (their tokens belong to a fake that no longer runs).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import httpx
from sqlalchemy import update
from sqlmodel import col

from app.assessment_jobs import assess_stale_now
from app.db import create_engine, create_session_factory
from app.migrations import upgrade_database_async
from app.settings import Settings
from domains.core.models import Business
from resolvers.clock import utc_now
from sync.connection import connect_realm
from sync.engine import SyncOptions, sync_businesses
from sync.fakeqbo.generator import CompanySize, generate_companies
from sync.fakeqbo.server import FakeQbo, create_fake_qbo_app
from sync.settings import QboSettings
from sync.writer import SyncProgress

FAKE_QBO_URL = "http://fakeqbo.demo"

StepCallback = Callable[[str, str], None]
"""Called with (step, status) as each long step of the build starts and moves on: a progress
display shows one line per step instead of a log line per request."""


def _ignore(_step: str, _status: str) -> None:
    """The default ``on_step``: nothing to show."""


@dataclass(frozen=True)
class LoadedCompany:
    """What the demo loaded for one company, for the CLI to show."""

    business_id: int
    name: str
    objects: int
    problems: int


async def build_demo_database(
    database_url: str,
    *,
    businesses: int,
    seed: int,
    as_of: date,
    settings: Settings | None = None,
    on_step: StepCallback = _ignore,
) -> list[LoadedCompany]:
    """Migrate ``database_url`` and sync generated companies into it; re-running refreshes them.

    ``settings`` supplies the secret key the tokens are encrypted with (default: the environment's).
    """
    on_step("migrate", "Migrating the database")
    await upgrade_database_async(database_url)
    # Varied: each business gets its own size and flaws, drawn from the seed, so a fleet shows
    # the spread an advisor sees (and the same seed gives the same fleet again).
    companies = generate_companies(
        count=businesses, seed=seed, as_of=as_of, size=CompanySize.realistic(), varied=True
    )
    fake = FakeQbo(companies)
    settings = settings or Settings(database_url=database_url)
    secret_key = settings.secret_key
    qbo = QboSettings(
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        api_base_url=FAKE_QBO_URL,
        token_url=f"{FAKE_QBO_URL}/oauth2/v1/tokens/bearer",
        redirect_uri=f"{FAKE_QBO_URL}/callback",
    )
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    transport = httpx.ASGITransport(app=create_fake_qbo_app(fake))
    try:
        async with httpx.AsyncClient(transport=transport, base_url=FAKE_QBO_URL) as http:
            connected = []
            for number, company in enumerate(companies, start=1):
                on_step("connect", f"Connecting company {number} of {len(companies)}")
                code = fake.authorization_code(company.realm_id)
                business = await connect_realm(
                    sessions=sessions,
                    http=http,
                    settings=qbo,
                    secret_key=secret_key,
                    code=code,
                    realm_id=company.realm_id,
                )
                assert business.id is not None
                connected.append(business)
            read: dict[tuple[int, str], int] = {}

            def show(progress: SyncProgress) -> None:
                read[progress.business_id, progress.entity] = progress.fetched
                on_step("sync", f"Syncing {len(companies)} companies: {sum(read.values())} read")

            on_step("sync", f"Syncing {len(companies)} companies")
            outcomes = await sync_businesses(
                [business.id for business in connected if business.id is not None],
                sessions=sessions,
                http=http,
                settings=qbo,
                secret_key=secret_key,
                full=True,
                options=SyncOptions(max_concurrent_businesses=4),
                on_progress=show,
            )
        failed = [outcome for outcome in outcomes if not outcome.ok]
        if failed:
            raise RuntimeError(f"demo sync failed: {failed[0].error}")
        # Assessed now, so the first request reads stored views instead of computing them.
        on_step("assess", f"Assessing {len(companies)} businesses")
        await assess_stale_now(sessions, thresholds=settings.thresholds, clock=utc_now)
        async with sessions.begin() as session:
            ids = [business.id for business in connected]
            await session.execute(
                update(Business).where(col(Business.id).in_(ids)).values(connection_status="demo")
            )
        return [
            LoadedCompany(
                business_id=outcome.business_id,
                name=business.name,
                objects=sum(outcome.fetched.values()),
                problems=sum(outcome.problems.values()),
            )
            for business, outcome in zip(connected, outcomes, strict=True)
        ]
    finally:
        await engine.dispose()
