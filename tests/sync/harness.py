"""The sync engine's test bench: generated companies in the fake QBO, connected to a real database.

``qbo_bench`` wires the fake (in-process through ``httpx.ASGITransport``, or on a loopback socket
under uvicorn) to Runway's settings, records every token the fake hands out (so tests can prove no
token reaches a log or the database in clear text), and compares the mirror with what the fake
holds: per entity, the live (Id, SyncToken) pairs, the money sums and the number of lines.
"""

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr
from sqlalchemy import func, select
from starlette.types import ASGIApp

from app.settings import Settings
from domains.core.models import Business
from sync.client import RetryPolicy
from sync.connection import connect_realm
from sync.engine import SyncOptions, SyncOutcome, sync_business, sync_businesses
from sync.fakeqbo import CompanySize, GeneratedCompany, generate_companies
from sync.fakeqbo.server import FakeQbo, create_fake_qbo_app
from sync.mapping import ENTITY_ORDER, map_objects
from sync.mapping.entities import ENTITIES
from sync.settings import QboSettings
from tests.conftest import Database

FAKE_URL = "http://fakeqbo.test"
SECRET_KEY = "test-secret-key-for-token-encryption"
VERIFIER = "test-webhook-verifier-token"
FAST_RETRY = RetryPolicy(attempts=5, backoff_base=0.001, backoff_max=0.005, max_retry_after=1.0)
MONEY_FIELDS = {"TotalAmt": "total_amt", "Balance": "balance", "CurrentBalance": "current_balance"}


class Clock:
    """The fake's hand-driven clock: starts now (so CDC's 30-day window holds) and only moves on
    request, one second per change when tests want distinct timestamps."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


def runway_settings(database: Database, base_url: str = FAKE_URL, **qbo: Any) -> Settings:
    """Settings pointing Runway at the fake QBO at ``base_url``."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database.url,
        secret_key=SecretStr(SECRET_KEY),
        qbo=QboSettings(
            client_id="fake-client-id",
            client_secret=SecretStr("fake-client-secret"),
            api_base_url=base_url,
            token_url=f"{base_url}/oauth2/v1/tokens/bearer",
            redirect_uri="http://runway.test/qbo/callback",
            webhook_verifier_token=SecretStr(VERIFIER),
            **qbo,
        ),
    )


@dataclass(frozen=True)
class EntityMirror:
    """What must match between the fake and the mirror for one entity."""

    versions: frozenset[tuple[str, int]]
    sums: dict[str, Decimal]
    lines: int


@dataclass
class Bench:
    """The fake QBO, an HTTP client reaching it, Runway's settings and the database."""

    database: Database
    fake: FakeQbo
    clock: Clock
    companies: list[GeneratedCompany]
    http: httpx.AsyncClient
    settings: Settings
    issued_tokens: set[str] = field(default_factory=set)
    queries: dict[str, list[str]] = field(default_factory=dict)
    """Query statements sent, per realm, in order."""
    business_ids: dict[str, int] = field(default_factory=dict)

    @property
    def realms(self) -> list[str]:
        return [company.realm_id for company in self.companies]

    async def connect(self, realm_id: str) -> int:
        """Connect a realm the way the OAuth callback does; returns the business id."""
        code = self.fake.authorization_code(realm_id, redirect_uri=self.settings.qbo.redirect_uri)
        business = await connect_realm(
            sessions=self.database.sessions,
            http=self.http,
            settings=self.settings.qbo,
            secret_key=self.settings.secret_key,
            code=code,
            realm_id=realm_id,
            retry=FAST_RETRY,
        )
        assert business.id is not None
        self.business_ids[realm_id] = business.id
        return business.id

    async def connect_all(self) -> list[int]:
        return [await self.connect(realm_id) for realm_id in self.realms]

    async def sync(self, realm_id: str, **kwargs: Any) -> SyncOutcome:
        kwargs.setdefault("options", SyncOptions(retry=FAST_RETRY))
        return await sync_business(
            self.business_ids[realm_id],
            sessions=self.database.sessions,
            http=self.http,
            settings=self.settings.qbo,
            secret_key=self.settings.secret_key,
            **kwargs,
        )

    async def sync_all(self, **kwargs: Any) -> list[SyncOutcome]:
        kwargs.setdefault("options", SyncOptions(retry=FAST_RETRY))
        return await sync_businesses(
            [self.business_ids[realm_id] for realm_id in self.realms],
            sessions=self.database.sessions,
            http=self.http,
            settings=self.settings.qbo,
            secret_key=self.settings.secret_key,
            **kwargs,
        )

    async def business(self, realm_id: str) -> Business:
        async with self.database.sessions() as session:
            business = await session.get(Business, self.business_ids[realm_id])
            assert business is not None
            return business

    def expected(self, realm_id: str) -> dict[str, EntityMirror]:
        """The mirror the fake's current objects call for (inactive ones included)."""
        expected = {}
        for entity in ENTITY_ORDER:
            objects = self.fake.objects(realm_id, entity)
            batch = map_objects(entity, objects, business_id=0)
            assert not batch.problems, batch.problems
            sums = {
                column: sum((Decimal(str(obj.get(qbo_field) or 0)) for obj in objects), Decimal(0))
                for qbo_field, column in MONEY_FIELDS.items()
                if column in batch.table.c
            }
            lines = sum(
                len(rows) for child in batch.children for rows in child.rows_by_parent.values()
            )
            versions = frozenset((str(obj["Id"]), int(obj["SyncToken"])) for obj in objects)
            expected[entity] = EntityMirror(versions, sums, lines)
        return expected

    async def mirror(self, realm_id: str) -> dict[str, EntityMirror]:
        """The live rows the database holds for the realm's business."""
        business_id = self.business_ids[realm_id]
        mirror = {}
        async with self.database.sessions() as session:
            for entity in ENTITY_ORDER:
                mapping = ENTITIES[entity]
                table = mapping.table
                live = (table.c.business_id == business_id) & table.c.deleted_at.is_(None)
                rows = (
                    await session.execute(select(table.c.qbo_id, table.c.sync_token).where(live))
                ).all()
                sums = {}
                for column in MONEY_FIELDS.values():
                    if column in table.c:
                        total = await session.scalar(select(func.sum(table.c[column])).where(live))
                        sums[column] = Decimal(total or 0)
                lines = 0
                if mapping.line_table is not None:
                    parent = mapping.line_table.c[mapping.parent_key]
                    lines = (
                        await session.scalar(
                            select(func.count())
                            .select_from(mapping.line_table)
                            .where(parent.in_(select(table.c.id).where(live)))
                        )
                        or 0
                    )
                versions = frozenset((qbo_id, token) for qbo_id, token in rows)
                assert len(versions) == len(rows), f"duplicate {entity} rows"
                mirror[entity] = EntityMirror(versions, sums, lines)
        return mirror

    async def assert_mirrors(self, realm_id: str) -> None:
        expected, mirror = self.expected(realm_id), await self.mirror(realm_id)
        for entity in ENTITY_ORDER:
            assert mirror[entity] == expected[entity], entity


def record_queries(queries: dict[str, list[str]]) -> Callable[[httpx.Request], Any]:
    """An httpx request hook keeping each Query statement sent, per realm."""

    async def hook(request: httpx.Request) -> None:
        parts = request.url.path.split("/")
        if parts[-1] == "query" and "query" in request.url.params:
            queries.setdefault(parts[-2], []).append(request.url.params["query"])

    return hook


def record_tokens(issued: set[str]) -> Callable[[httpx.Response], Any]:
    """An httpx response hook keeping every token the token endpoint answers with."""

    async def hook(response: httpx.Response) -> None:
        if response.request.url.path.endswith("/oauth2/v1/tokens/bearer"):
            await response.aread()
            body = response.json()
            issued.update(body[key] for key in ("access_token", "refresh_token") if key in body)

    return hook


@asynccontextmanager
async def qbo_bench(
    database: Database,
    *,
    count: int = 2,
    seed: int = 11,
    size: CompanySize | None = None,
    loopback: bool = False,
    **qbo: Any,
) -> AsyncIterator[Bench]:
    """A bench of ``count`` small companies; ``qbo`` overrides ``QboSettings`` fields."""
    clock = Clock()
    companies = generate_companies(
        count=count,
        seed=seed,
        as_of=date.today() - timedelta(days=2),
        size=size or CompanySize.small(),
    )
    fake = FakeQbo(companies, now=clock)
    app = create_fake_qbo_app(fake)
    issued: set[str] = set()
    queries: dict[str, list[str]] = {}
    hooks = {"request": [record_queries(queries)], "response": [record_tokens(issued)]}
    if loopback:
        async with serve_loopback(app) as base_url:
            async with httpx.AsyncClient(base_url=base_url, event_hooks=hooks) as http:
                settings = runway_settings(database, base_url, **qbo)
                yield Bench(database, fake, clock, companies, http, settings, issued, queries)
        return
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=FAKE_URL, event_hooks=hooks) as http:
        settings = runway_settings(database, **qbo)
        yield Bench(database, fake, clock, companies, http, settings, issued, queries)


@asynccontextmanager
async def serve_loopback(app: ASGIApp, *, lifespan: str = "off") -> AsyncIterator[str]:
    """``app`` under uvicorn on a free loopback port, in this event loop; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        log_level="warning",
        ws="none",
        lifespan=lifespan,
        timeout_graceful_shutdown=5,  # a request a test left held must not hang the teardown
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        listener.close()


async def until(condition: Callable[[], bool], *, spins: int = 10_000) -> None:
    """Yield to the event loop until ``condition`` holds (bounded in loop turns, not in time)."""
    for _ in range(spins):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never held")
