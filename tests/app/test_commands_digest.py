"""``runway digest generate`` as cron runs it: a real process on a migrated demo database.

The CLI runs as an asyncio subprocess, so the test's event loop stays free while it works.
"""

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.db import create_engine, create_session_factory
from app.demo import build_demo_database
from app.migrations import upgrade_database_async
from domains.core.models import Business
from domains.digests.models import DigestRun, StoredDigest
from tests.app.cli import run_runway
from tests.app.digest_runs import insert_unpayable_bill
from tests.conftest import Database
from tests.factories import make_business


async def runway(*args: str, database_url: str) -> tuple[int, str]:
    env = {**os.environ, "RUNWAY_DATABASE_URL": database_url, "COLUMNS": "200"}
    env.pop("RUNWAY_SMTP_URL", None)
    return await run_runway(*args, env=env)


@pytest.fixture
async def demo(database_url: str) -> AsyncIterator[Database]:
    """A database migrated by Alembic and filled by ``runway demo``'s own builder."""
    await build_demo_database(database_url, businesses=2, seed=7, as_of=datetime.now(UTC).date())
    engine = create_engine(database_url)
    try:
        yield Database(engine.dialect.name, database_url, engine, create_session_factory(engine))
    finally:
        await engine.dispose()


async def count(demo: Database, model: type[StoredDigest] | type[DigestRun]) -> int:
    async with demo.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_generate_all_stores_a_digest_per_business_and_reuses_them(demo: Database) -> None:
    code, output = await runway("digest", "generate", "--all", database_url=demo.url)

    assert code == 0, output
    assert "SUCCEEDED (2 done, 0 failed of 2)" in output
    assert await count(demo, StoredDigest) == 2

    assert "Reused" not in output
    code, output = await runway("digest", "generate", "--all", database_url=demo.url)

    assert code == 0, output
    assert "Reused the digests already stored for the week of 2 businesses" in output
    assert await count(demo, StoredDigest) == 2  # reused, not added
    assert await count(demo, DigestRun) == 2


async def test_a_failed_run_exits_1_and_names_each_failure(demo: Database) -> None:
    async with demo.sessions() as session:
        business = (await session.scalars(select(Business).order_by(col(Business.id)))).first()
    assert business is not None and business.id is not None
    await insert_unpayable_bill(demo, business.id)

    code, output = await runway(
        "digest", "generate", "--business", str(business.id), database_url=demo.url
    )

    assert code == 1, output
    assert "FAILED (0 done, 1 failed of 1)" in output
    assert business.name in output and "OverflowError" in output
    assert await count(demo, StoredDigest) == 0


async def test_requests_it_cannot_honour_exit_2_before_creating_a_run(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'runway.db'}"
    await upgrade_database_async(url)
    engine = create_engine(url)
    database = Database("sqlite", url, engine, create_session_factory(engine))
    try:
        code, output = await runway("digest", "generate", "--all", database_url=url)
        assert (code, "There is no active business" in output) == (2, True), output
        await make_business(database.sessions, name="Alder Dental")
        for args, says in [
            ([], "--all"),
            (["--all", "--business", "1"], "--all"),
            (["--all", "--week-of", "next friday"], "--week-of"),
            (["--all", "--week-of", "2999-01-04"], "has not started yet"),
            (["--business", "999999"], "No business with id 999999"),
            (["--all", "--deliver"], "RUNWAY_SMTP_URL"),
        ]:
            code, output = await runway("digest", "generate", *args, database_url=url)
            assert (code, says in output) == (2, True), output
        assert await count(database, DigestRun) == 0
    finally:
        await engine.dispose()
