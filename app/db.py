"""The async engine and session factory, for SQLite and PostgreSQL alike, from the URL alone."""

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from app.settings import Settings
from domains.sqltypes import dumps_json, loads_json


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    """An engine with exact JSON numbers, and foreign keys and WAL switched on for SQLite."""
    is_sqlite = database_url.startswith("sqlite")
    options: dict[str, Any] = {
        "json_serializer": dumps_json,
        "json_deserializer": loads_json,
        "pool_pre_ping": not is_sqlite,
    }
    if is_sqlite:
        options["connect_args"] = {"timeout": 30}
    options.update(kwargs)
    engine = create_async_engine(database_url, **options)
    if is_sqlite:
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    return engine


def pooled_engine(settings: Settings) -> AsyncEngine:
    """The engine of a long-running process (server or worker), pooled as ``settings`` say."""
    return create_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_pool_timeout,
    )


def _configure_sqlite(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    """SQLite leaves foreign keys off by default; WAL lets readers run beside one writer."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded rows usable after commit (results outlive the transaction)."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def database_reachable(database_url: str) -> bool:
    """Whether a database answers at ``database_url`` (for tools that fall back without one)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("select 1"))
        return True
    except OSError:
        return False
    finally:
        await engine.dispose()
