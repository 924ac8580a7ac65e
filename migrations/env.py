"""Alembic environment: runs migrations over the async engine of ``RUNWAY_DATABASE_URL``.

The URL comes from the Alembic config's ``sqlalchemy.url`` when a caller sets it (the CLI and the
tests do), else from the settings, so ``alembic`` on the command line and ``runway db upgrade``
agree.
"""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import domains  # noqa: F401  (registers every table)
from app.db import create_engine
from app.settings import get_settings

target_metadata = SQLModel.metadata


def _database_url() -> str:
    return context.config.get_main_option("sqlalchemy.url") or get_settings().database_url


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_engine(_database_url())
    try:
        async with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # Batch migrations rebuild a table (copy, drop, rename), and with foreign keys
                # on, dropping it deletes the rows referencing it (ON DELETE CASCADE). Off while
                # migrating, as Alembic advises, and checked before committing instead.
                await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await connection.run_sync(_run)
            if sqlite:
                broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"migration left dangling foreign keys: {broken[:5]}")
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
