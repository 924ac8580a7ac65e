"""The assessment runner: computing happens off the caller's event loop, once per key at a time.

"Off the loop" is shown by ordering, never by timing. A ticker coroutine on the test's loop
counts its turns, and at each turn looks at what the runner's thread is executing at that very
moment (``sys._current_frames``): a turn taken while that thread is inside the rules
(``resolvers/rules``) or turning their results into rows (``resolvers/assessment_records``)
is a turn the caller's loop took *during* the computation. Computed on the caller's loop, the
rules would never be mid-way while the loop turns (a coroutine is only ever suspended at an
``await``, and the rules have none), so there would be no such turn at all.

Through the real app, ``/healthz`` and another tenant's hygiene page, asked for once the runner
is inside the rules for a heavy page's business, are answered before that heavy page.
"""

import asyncio
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from types import FrameType
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import ORMExecuteState, Session
from sqlmodel import col

from app.asgi import create_app
from app.assessment_runner import AssessmentRunner
from app.job_options import AssessmentJobOptions
from app.settings import Settings
from domains.assessments.models import Assessment
from domains.core import queries as core_queries
from domains.core.models import Business
from resolvers.clock import business_today
from resolvers.loaders import Loaders
from resolvers.stored_assessments import current_assessment
from resolvers.thresholds import Thresholds
from schema.relay import global_id
from sync.fakeqbo.generator import CompanySize, generate_company
from tests.app.refresh_log import NOW, Clock
from tests.conftest import Database
from tests.factories import land_companies, make_token
from tests.statements import counting_statements

HOLD_TIMEOUT = 120
"""Seconds a test waits on the runner before failing instead of hanging."""
HEAVY = CompanySize(vendors=40, customers=40, bills=6_000, invoices=200, bank_accounts=2)
"""About 3,000 open bills (the rest paid history) and their lines."""
LIGHT = CompanySize.small()
MANY_TURNS = 20
"""Turns of the caller's loop taken while the runner was mid-computation (it takes thousands
on this machine; computed on the caller's loop, it would take none)."""
COMPUTING = ("/resolvers/rules/", "/resolvers/assessment_records.py")


def computing(frame: FrameType | None) -> bool:
    """Whether a thread whose innermost frame is ``frame`` is assessing (rules or records)."""
    depth = 0
    while frame is not None and depth < 200:
        if any(part in frame.f_code.co_filename for part in COMPUTING):
            return True
        frame, depth = frame.f_back, depth + 1
    return False


@dataclass
class Ticker:
    """A coroutine on the caller's loop counting its turns, and those taken while the watched
    thread (the first other thread seen sending a statement: the runner's) was computing."""

    turns: int = 0
    turns_while_computing: int = 0
    watched: int | None = None
    started_computing: asyncio.Event = field(default_factory=asyncio.Event)
    stored: list[int] = field(default_factory=list)
    """The ticker's count each time an assessment's store was asked for (by any thread)."""

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.turns += 1
            if self.watched is not None and computing(sys._current_frames().get(self.watched)):
                self.turns_while_computing += 1
                self.started_computing.set()
            await asyncio.sleep(0)


@contextmanager
def watching(database_url: str, ticker: Ticker) -> Iterator[None]:
    """Point the ticker at the thread sending statements that isn't the caller's, and note when
    an assessment's store is asked for (before its connection is even taken)."""
    wanted = make_url(database_url)
    caller = threading.get_ident()

    def sent(conn: Connection, *_args: Any) -> None:
        if conn.engine.url == wanted and threading.get_ident() != caller:
            ticker.watched = ticker.watched or threading.get_ident()

    def asked(state: ORMExecuteState) -> None:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if state.is_insert and table == "assessment":
            ticker.stored.append(ticker.turns)

    event.listen(Engine, "before_cursor_execute", sent)
    event.listen(Session, "do_orm_execute", asked)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", sent)
        event.remove(Session, "do_orm_execute", asked)


@asynccontextmanager
async def ticking(ticker: Ticker) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(ticker.run(stop))
    try:
        yield
    finally:
        stop.set()
        await task


@asynccontextmanager
async def started(database: Database) -> AsyncIterator[AssessmentRunner]:
    runner = AssessmentRunner(database.url, clock=Clock())
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


async def land(database: Database, size: CompanySize, index: int) -> tuple[int, date]:
    """A generated company landed through the mapper: its business id and its today."""
    company = generate_company(seed=61, index=index, as_of=NOW.date(), size=size)
    [business_id] = await land_companies(database.sessions, [company], synced_at=NOW)
    return business_id, business_today(company.timezone, NOW)


def stored_count(statements: list[str]) -> int:
    return sum(1 for s in statements if s.split()[:3] == ["INSERT", "INTO", "assessment"])


async def test_the_computation_runs_off_the_callers_loop(database: Database) -> None:
    key = await land(database, HEAVY, 0)
    ticker = Ticker()

    async with started(database) as runner:
        with watching(database.url, ticker):
            async with ticking(ticker), asyncio.timeout(HOLD_TIMEOUT):
                at_start = ticker.turns
                assert await runner.refresh([key], Thresholds()) == {}
                at_end = ticker.turns

    assert ticker.watched is not None and ticker.watched != threading.get_ident()
    assert ticker.turns_while_computing >= MANY_TURNS
    assert at_end - at_start >= ticker.turns_while_computing
    [stored_at] = ticker.stored
    assert at_start < stored_at <= at_end
    async with database.sessions() as session:
        stored = (await session.scalars(select(col(Assessment.business_id)))).all()
    assert list(stored) == [key[0]]


async def test_concurrent_refreshes_of_one_key_compute_once(database: Database) -> None:
    key = await land(database, LIGHT, 0)
    other = await land(database, LIGHT, 1)

    async with started(database) as runner:
        with counting_statements(database.url) as statements:
            results = await asyncio.gather(
                runner.refresh([key], Thresholds()),
                runner.refresh([key, key], Thresholds()),
                runner.refresh([key], Thresholds()),
            )
        stores_at_once = stored_count(statements)
        with counting_statements(database.url) as statements:
            # Once done, the key is free: a later refresh computes again; so do other thresholds
            # for the same key at the same time, and a batch holding it beside another key.
            await runner.refresh([key], Thresholds())
            await asyncio.gather(
                runner.refresh([key], Thresholds(decision_horizon_days=45)),
                runner.refresh([key, other], Thresholds()),
            )
        stores_after = stored_count(statements)

    assert results == [{}, {}, {}]
    assert stores_at_once == 1
    assert stores_after == 3


async def test_a_refresh_joining_one_in_flight_computes_only_its_new_keys(
    database: Database,
) -> None:
    first = await land(database, LIGHT, 0)
    second = await land(database, LIGHT, 1)
    third = await land(database, LIGHT, 2)

    async with started(database) as runner:
        with counting_statements(database.url) as statements:
            one, two = await asyncio.gather(
                runner.refresh([first, second], Thresholds()),
                runner.refresh([second, third], Thresholds()),  # waits for second, adds third
            )

    assert (one, two) == ({}, {})
    inserts = [s for s in statements if s.split()[:3] == ["INSERT", "INTO", "assessment"]]
    assert len(inserts) == 2  # [first, second], then [third]: second not computed again
    async with database.sessions() as session:
        rows = (await session.scalars(select(col(Assessment.business_id)))).all()
    assert sorted(rows) == [first[0], second[0], third[0]]


async def test_stop_lets_the_computation_in_flight_finish(database: Database) -> None:
    key = await land(database, LIGHT, 0)
    runner = AssessmentRunner(database.url, clock=Clock())
    with pytest.raises(RuntimeError, match="not started"):
        await runner.refresh([key], Thresholds())
    await runner.start()
    await runner.start()  # starting twice is harmless

    refreshing = asyncio.create_task(runner.refresh([key], Thresholds()))
    await asyncio.sleep(0)  # one turn: the refresh is handed to the runner's thread
    await runner.stop()

    assert refreshing.done() and refreshing.result() == {}
    async with database.sessions() as session:
        rows = (await session.scalars(select(col(Assessment.business_id)))).all()
    assert list(rows) == [key[0]]
    await runner.stop()  # stopping twice is harmless
    with pytest.raises(RuntimeError, match="not started"):
        await runner.refresh([key], Thresholds())


HYGIENE = """
query($id: ID!) { hygieneTray(businessId: $id, first: 5) { totalCount score } }
"""


async def test_other_requests_are_answered_while_a_heavy_page_computes(
    database: Database,
) -> None:
    heavy, _ = await land(database, HEAVY, 0)
    light, _ = await land(database, LIGHT, 1)
    heavy_token = await make_token(database.sessions, business_ids=[heavy], name="heavy")
    light_token = await make_token(database.sessions, business_ids=[light], name="light")
    settings = Settings(
        database_url=database.url,
        assessments=AssessmentJobOptions(in_server=False),  # only requests assess here
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings, clock=lambda: NOW)
    order: list[str] = []
    ticker = Ticker()

    async def tray(http: httpx.AsyncClient, business_id: int, token: str, name: str) -> None:
        response = await http.post(
            "/graphql",
            json={"query": HYGIENE, "variables": {"id": global_id("Business", business_id)}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        order.append(name)

    async def health(http: httpx.AsyncClient) -> None:
        assert (await http.get("/healthz")).status_code == 200
        order.append("healthz")

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            with watching(database.url, ticker):
                await tray(http, light, light_token, "light, first")  # its assessment stored
                async with ticking(ticker), asyncio.timeout(HOLD_TIMEOUT):
                    heavy_tray = asyncio.create_task(tray(http, heavy, heavy_token, "heavy"))
                    await ticker.started_computing.wait()  # the runner is in the rules now
                    await asyncio.gather(health(http), tray(http, light, light_token, "light"))
                    await heavy_tray

    assert order[0] == "light, first"
    assert sorted(order[1:3]) == ["healthz", "light"]
    assert order[3:] == ["heavy"]


async def test_a_request_joining_a_computation_of_older_data_computes_again(
    database: Database,
) -> None:
    """The runner's single flight lets a request wait for a computation already in flight. If
    that one began before the books changed, its result is older than what the request knows:
    the request must not serve it, but compute once more."""
    business_id, day = await land(database, HEAVY, 0)
    ticker = Ticker()

    async with started(database) as runner:
        with watching(database.url, ticker), counting_statements(database.url) as statements:
            async with ticking(ticker), asyncio.timeout(HOLD_TIMEOUT):
                earlier = asyncio.create_task(runner.refresh([(business_id, day)], Thresholds()))
                await ticker.started_computing.wait()  # it has read the version: it computes
                async with database.sessions.begin() as session:  # a sync page lands meanwhile
                    await core_queries.bump_data_version(session, business_id=business_id)
                async with database.sessions() as session:
                    business = await session.get(Business, business_id)
                assert business is not None
                served = await current_assessment(
                    Loaders(database.sessions, [business_id], refresher=runner.refresh),
                    business,
                    as_of=day,
                    thresholds=Thresholds(),
                )
                assert await earlier == {}

    async with database.sessions() as session:
        [row] = (await session.scalars(select(Assessment))).all()
    assert served.id == row.id
    assert row.data_version == business.data_version  # what was served is of the new data
    assert stored_count(statements) == 2
