"""Database failures, met for real on SQLite and PostgreSQL, each named with its cause and fix."""

import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.database_problems import ProblemKind, check_database, explain
from app.db import create_engine, database_reachable
from app.migrations import upgrade_database_async
from tests.conftest import POSTGRES_URL


async def _check(database_url: str) -> tuple[ProblemKind | None, str]:
    engine = create_engine(database_url)
    try:
        problem = await check_database(engine)
    finally:
        await engine.dispose()
    return (problem.kind, f"{problem.cause} {problem.fix}") if problem else (None, "")


async def test_a_migrated_database_is_ready(database_url: str) -> None:
    await upgrade_database_async(database_url)
    assert await _check(database_url) == (None, "")


async def test_a_schema_from_a_newer_runway_is_named_as_such(database_url: str) -> None:
    await upgrade_database_async(database_url)
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("update alembic_version set version_num = '9999'"))
    finally:
        await engine.dispose()

    kind, words = await _check(database_url)

    assert kind is ProblemKind.SCHEMA_NEWER
    assert "9999" in words and "newer" in words


async def test_a_missing_table_at_the_head_is_a_bug_not_a_database_problem(
    database_url: str,
) -> None:
    """``explain`` asks the schema before blaming it: at the head, the query is at fault."""
    await upgrade_database_async(database_url)
    engine = create_engine(database_url)
    try:
        with pytest.raises(Exception) as caught:
            async with engine.connect() as connection:
                await connection.execute(text("select * from no_such_table"))
        assert await explain(caught.value, engine) is None
    finally:
        await engine.dispose()


async def test_a_refused_login_names_the_user_and_the_fix() -> None:
    if not await database_reachable(POSTGRES_URL):
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true ({POSTGRES_URL})")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    url = make_url(POSTGRES_URL).set(username="runway_no_such_role", password=None)

    kind, words = await _check(url.render_as_string(hide_password=False))

    assert kind is ProblemKind.LOGIN_REFUSED
    assert "runway_no_such_role" in words and "RUNWAY_DATABASE_URL" in words


async def test_a_sqlite_file_locked_by_another_writer_is_busy(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'runway.db'}"
    holder, waiter = create_engine(url), create_engine(url, connect_args={"timeout": 0})
    try:
        async with holder.connect() as held:
            await held.exec_driver_sql("create table t (x integer)")
            await held.exec_driver_sql("begin exclusive")
            with pytest.raises(Exception) as caught:
                async with waiter.connect() as connection:
                    await connection.execute(text("insert into t values (1)"))
            problem = await explain(caught.value, waiter)
            await held.exec_driver_sql("rollback")
    finally:
        await holder.dispose()
        await waiter.dispose()

    assert problem is not None and problem.kind is ProblemKind.BUSY
    assert problem.transient


async def test_an_unreachable_server_is_named_with_its_address() -> None:
    kind, words = await _check("postgresql+asyncpg://runway:s3cret@127.0.0.1:1/runway")
    assert kind is ProblemKind.UNREACHABLE
    assert "127.0.0.1:1" in words
    assert "s3cret" not in words
