"""``bench sync``: a full sync of ~50,000 objects through the real engine, then CDC of 100 changes.

The fake QBO runs in this process behind ``httpx.ASGITransport`` (no socket, no injected latency,
QBO's throttle lifted so only our own work paces the sync); companies are connected the way the
OAuth callback does and synced with ``sync_businesses`` at the configured concurrency into an empty
database. The time spent inside the fake (rendering its JSON) is measured apart, since a real QBO
does that work on Intuit's machines. Beside it, the upsert alone: ``sync.mapping.upsert_batch``
against the previous writer kept in ``bench.upsert``, on the same mapped pages.
Target (docs/design.md#performance-targets): ≥5,000 objects a second into each database.
"""

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import httpx
from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

from app.assessment_jobs import assess_stale_now
from app.migrations import upgrade_database_async
from app.settings import Settings
from bench.context import BenchContext
from bench.databases import Connected, Kind, connect
from bench.fixtures import NOW
from bench.report import Table, verdict
from bench.timing import profile_notes, profiled, timed
from bench.upsert import measure_upserts
from resolvers.thresholds import Thresholds
from sync.client import RetryPolicy
from sync.connection import connect_realm
from sync.engine import SyncOptions, SyncOutcome, sync_businesses
from sync.fakeqbo.generator import CompanySize, GeneratedCompany, generate_company
from sync.fakeqbo.server import FakeQbo, create_fake_qbo_app
from sync.settings import QboSettings

logger = logging.getLogger(__name__)

FAKE_URL = "http://fakeqbo.bench"
OBJECTS_TARGET = 5_000.0
SEED = 4242
RETRY = RetryPolicy(attempts=3, backoff_base=0.001, backoff_max=0.01)
STAGES = (
    ("sync/mapping/fields.py", "parse_qbo_json"),
    ("sync/mapping/batch.py", "map_objects"),
    ("sync/mapping/fields.py", "json_safe"),
    ("sqlalchemy/sql/elements.py", "_compile_w_cache"),
    ("sqlalchemy/engine/default.py", "_init_compiled"),
    ("domains/sqltypes.py", "process_bind_param"),
    ("domains/sqltypes.py", "dumps_json"),
)
"""The synchronous stages of a sync whose cumulative time the profile reports."""


class TimedApp:
    """An ASGI app that adds up the time spent inside it.

    In process the fake never really suspends (no I/O, no latency), so the time inside a call is
    the fake's own work, uninterrupted by other tasks.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seconds = 0.0
        self.requests = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.seconds += time.perf_counter() - started
            self.requests += 1


def sync_companies(total_objects: int, size: CompanySize) -> list[GeneratedCompany]:
    """Companies of ``size`` until they hold at least ``total_objects`` objects."""
    as_of = date.today() - timedelta(days=2)  # CDC wants the fake's real clock near the data
    companies: list[GeneratedCompany] = []
    while sum(_objects(c) for c in companies) < total_objects:
        companies.append(generate_company(seed=SEED, index=len(companies), as_of=as_of, size=size))
    return companies


def _objects(company: GeneratedCompany) -> int:
    return sum(len(objects) for objects in company.entities.values())


def _settings(database_url: str, fake: FakeQbo) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        secret_key=SecretStr("bench-secret-key-for-token-encryption"),
        qbo=QboSettings(
            client_id=fake.client_id,
            client_secret=SecretStr(fake.client_secret),
            api_base_url=FAKE_URL,
            token_url=f"{FAKE_URL}/oauth2/v1/tokens/bearer",
            redirect_uri=f"{FAKE_URL}/callback",
            requests_per_minute=1_000_000,  # QBO's 500 a minute is not what is measured here
        ),
    )


@dataclass
class SyncBench:
    """A fake QBO holding ``companies``, connected to an empty database."""

    database: Connected
    fake: FakeQbo
    app: TimedApp
    http: httpx.AsyncClient
    settings: Settings
    business_ids: dict[str, int]

    async def sync(self, *, full: bool) -> list[SyncOutcome]:
        outcomes = await sync_businesses(
            list(self.business_ids.values()),
            sessions=self.database.sessions,
            http=self.http,
            settings=self.settings.qbo,
            secret_key=self.settings.secret_key,
            full=full,
            options=SyncOptions(
                max_concurrent_businesses=self.settings.qbo.max_concurrent_syncs, retry=RETRY
            ),
        )
        failed = [outcome for outcome in outcomes if not outcome.ok]
        if failed:
            raise RuntimeError(f"sync failed: {failed[0].error}")
        return outcomes


async def with_sync_bench(
    database: Connected,
    companies: Sequence[GeneratedCompany],
    use: Callable[[SyncBench], Awaitable[None]],
) -> None:
    """Migrate, start the fake, connect every company (untimed), then ``use`` the bench."""
    await upgrade_database_async(database.target.url)
    fake = FakeQbo(companies)
    app = TimedApp(create_fake_qbo_app(fake))
    settings = _settings(database.target.url, fake)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=FAKE_URL) as http:
        ids = {}
        for company in companies:
            code = fake.authorization_code(company.realm_id, redirect_uri=settings.qbo.redirect_uri)
            business = await connect_realm(
                sessions=database.sessions,
                http=http,
                settings=settings.qbo,
                secret_key=settings.secret_key,
                code=code,
                realm_id=company.realm_id,
                retry=RETRY,
            )
            assert business.id is not None
            ids[company.realm_id] = business.id
        app.seconds, app.requests = 0.0, 0
        await use(SyncBench(database, fake, app, http, settings, ids))


def change_bills(fake: FakeQbo, realms: Sequence[str], count: int) -> None:
    """Pay ``count`` open bills in full, spread over the realms, as a bookkeeper would in QBO."""
    open_bills = {
        realm: [
            bill["Id"] for bill in fake.objects(realm, "Bill") if float(bill.get("Balance", 0)) > 0
        ]
        for realm in realms
    }
    for number in range(count):
        realm = realms[number % len(realms)]
        fake.change(realm, "Bill", open_bills[realm][number // len(realms)], Balance=0)


@dataclass(frozen=True)
class SyncResult:
    kind: Kind
    businesses: int
    objects: int
    seconds: float
    """The full sync alone."""
    assess_seconds: float
    """Assessing every business once after it (what a sync run triggers: once per run)."""
    fake_seconds: float
    api_calls: int
    cdc_changes: int
    cdc_seconds: float
    cdc_assess_seconds: float
    cdc_api_calls: int

    @property
    def rate(self) -> float:
        """Objects a second, the stored assessments' refresh included (the target's measure)."""
        return self.objects / (self.seconds + self.assess_seconds)

    @property
    def sync_rate(self) -> float:
        return self.objects / self.seconds

    @property
    def rate_without_fake(self) -> float:
        return self.objects / (self.seconds + self.assess_seconds - self.fake_seconds)

    @property
    def assessed_per_second(self) -> float:
        """Businesses assessed a second by one process (this one), after the full sync."""
        return self.businesses / self.assess_seconds


async def _measure_sync(
    kind: Kind, database: Connected, companies: Sequence[GeneratedCompany], changes: int
) -> SyncResult:
    found: list[SyncResult] = []

    async def assess() -> int:
        return await assess_stale_now(database.sessions, thresholds=Thresholds(), clock=lambda: NOW)

    async def use(bench: SyncBench) -> None:
        outcomes, seconds = await timed(partial(bench.sync, full=True))
        assessed, assess_seconds = await timed(assess)
        if assessed != len(outcomes):
            raise RuntimeError(f"assessed {assessed} of {len(outcomes)} businesses")
        fake_seconds = bench.app.seconds
        change_bills(bench.fake, list(bench.business_ids), changes)
        cdc, cdc_seconds = await timed(partial(bench.sync, full=False))
        _, cdc_assess_seconds = await timed(assess)
        if (
            any(o.kind != "incremental" for o in cdc)
            or sum(sum(o.changed.values()) for o in cdc) != changes
        ):
            raise RuntimeError(f"CDC did not apply exactly {changes} changes: {cdc}")
        found.append(
            SyncResult(
                kind=kind,
                businesses=len(outcomes),
                objects=sum(sum(o.fetched.values()) for o in outcomes),
                seconds=seconds,
                assess_seconds=assess_seconds,
                fake_seconds=fake_seconds,
                api_calls=sum(o.api_calls for o in outcomes),
                cdc_changes=changes,
                cdc_seconds=cdc_seconds,
                cdc_assess_seconds=cdc_assess_seconds,
                cdc_api_calls=sum(o.api_calls for o in cdc),
            )
        )

    await with_sync_bench(database, companies, use)
    return found[0]


async def _profile_sync(
    context: BenchContext, kind: Kind, companies: Sequence[GeneratedCompany]
) -> list[str]:
    """A full sync of ``companies`` into a fresh database under cProfile, as report notes."""
    notes: list[str] = []
    objects = sum(_objects(c) for c in companies)

    async def use(bench: SyncBench) -> None:
        _, profile = await profiled(partial(bench.sync, full=True))
        title = f"profile of a full sync, {kind}, {objects:,} objects"
        notes.extend(profile_notes(title, profile, context.size.profile_lines, STAGES))

    target = await context.workspace.scratch(kind, "sync_profile")
    async with connect(target) as database:
        await with_sync_bench(database, companies, use)
    await context.workspace.drop(target)
    return notes


async def run(context: BenchContext) -> list[Table]:
    """Full sync and CDC on every database, the upsert side by side, and a profile."""
    size = context.size
    companies = sync_companies(size.sync_objects, size.sync_company)
    total = sum(_objects(c) for c in companies)
    table = Table(
        f"Sync: full sync of {total:,} objects ({len(companies)} businesses) from the in-process "
        "fake QBO through the engine, then CDC",
        [
            "db",
            "objects",
            "sync s",
            "assess s",
            "objects/s",
            "≥5,000/s",
            "sync-only obj/s",
            "biz assessed/s",
            "fake s",
            "objects/s w/o fake",
            "API calls",
            "CDC changes",
            "CDC s",
            "CDC assess s",
            "CDC calls",
        ],
    )
    upserts = Table(
        "Upsert alone: upsert_batch vs the previous statement per chunk (bench/upsert.py)",
        ["db", "objects", "current s", "current obj/s", "previous s", "previous obj/s", "x"],
    )
    notes: list[str] = []
    for kind in context.kinds:
        target = await context.workspace.scratch(kind, "sync")
        async with connect(target) as database:
            result = await _measure_sync(kind, database, companies, size.cdc_changes)
        await context.workspace.drop(target)
        logger.info("sync %s: %.0f objects/s", kind, result.rate)
        table.rows.append(
            [
                kind,
                result.objects,
                result.seconds,
                result.assess_seconds,
                result.rate,
                verdict(result.rate >= OBJECTS_TARGET),
                result.sync_rate,
                result.assessed_per_second,
                result.fake_seconds,
                result.rate_without_fake,
                result.api_calls,
                result.cdc_changes,
                result.cdc_seconds,
                result.cdc_assess_seconds,
                result.cdc_api_calls,
            ]
        )
        sample = companies[: max(2, len(companies) // 4)]
        rates = await measure_upserts(context, kind, sample)
        upserts.rows.append(
            [
                kind,
                rates.rows,
                rates.current_seconds,
                rates.current_rate,
                rates.previous_seconds,
                rates.previous_rate,
                rates.previous_seconds / rates.current_seconds,
            ]
        )
        if context.profile:
            notes.extend(await _profile_sync(context, kind, sample))
    table.notes = [
        "objects/s: the full sync and the assessment of every business it changed, once (what a",
        "sync run triggers); biz assessed/s: businesses assessed a second by this one process.",
        "objects: QBO objects read (lines ride inside them); fake s: time inside the fake QBO app",
        "(its JSON rendering, in this process; a real QBO spends it on Intuit's side). CDC: "
        f"{size.cdc_changes} bills paid in QBO, then an incremental sync of every business.",
        f"concurrency: {Settings().qbo.max_concurrent_syncs} businesses at once (the default).",
    ]
    upserts.notes = [
        "objects: mapped rows upserted (their lines too, untimed mapping), into an empty table,",
        "a transaction per business; x = previous s / current s (the fix's speed-up).",
        *notes,
    ]
    return [table, upserts]
