"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from app.db import create_engine
from app.migrations import downgrade_database, upgrade_database_async


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_upgrade_to_head_matches_the_models(database_url: str) -> None:
    await upgrade_database_async(database_url)

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(_tables)
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()

    assert tables == set(SQLModel.metadata.tables)
    assert differences == []


async def test_upgrade_is_repeatable_and_downgrade_empties(database_url: str) -> None:
    await upgrade_database_async(database_url)
    await upgrade_database_async(database_url)
    await asyncio.to_thread(downgrade_database, database_url, "base")

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
    finally:
        await engine.dispose()
