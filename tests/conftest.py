"""Shared fixtures: every database test runs on a real SQLite file and on the local PostgreSQL.

Each PostgreSQL test gets a database of its own (dropped afterwards) so tests never see each
other's rows, and so a plain URL reaches it from the app, the CLI and alembic alike.
``RUNWAY_TEST_POSTGRES_URL`` points at the server (default: the local trust-auth
``test`` database). Without a reachable server the PostgreSQL half is skipped, except under
``CI=true`` where a missing PostgreSQL fails the run.
"""

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import SQLModel

import domains  # noqa: F401  (registers every table)
from app.db import create_engine, create_session_factory, database_reachable
from app.migrations import code_heads

# Hypothesis also caches character tables and literals in a storage directory, by default
# .hypothesis/ in the working directory: keep that out of the checkout too (overridable).
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "runway-hypothesis")
)
hypothesis_settings.register_profile(
    "runway",
    database=None,  # no example database: nothing is written to .hypothesis/ in the checkout
    derandomize=os.environ.get("CI") == "true",  # CI draws the same examples on every run
    deadline=None,  # examples share a loaded 2-CPU machine: their timing is noise, not a bug
)
hypothesis_settings.load_profile("runway")

POSTGRES_URL = os.environ.get(
    "RUNWAY_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


@dataclass
class Database:
    """A migrated, empty database for one test."""

    kind: str
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A URL for an empty database of each kind (a fresh file, or a fresh PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'runway.db'}"
        return
    if not await database_reachable(POSTGRES_URL):
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"PostgreSQL is required under CI=true and is not reachable at {POSTGRES_URL}"
            )
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    name = f"runway_t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """An engine and session factory over a database holding every table, empty, and stamped at
    the code's migration head (as ``runway db upgrade`` leaves it: ``/healthz`` and the server's
    start-up check read that; ``tests/app/test_migrations.py`` checks the models and migrations
    agree)."""
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
        await connection.execute(
            text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        )
        for head in sorted(code_heads()):
            await connection.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head}
            )
    kind = engine.dialect.name
    try:
        yield Database(kind, database_url, engine, create_session_factory(engine))
    finally:
        await engine.dispose()
