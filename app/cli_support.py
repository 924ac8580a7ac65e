"""What every ``runway`` command shares: the console it prints to, its settings, its database.

The ``commands_*`` modules import this and ``app.cli`` imports them to assemble the typer apps,
so this module never imports ``app.cli`` (nor any command module).
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import create_engine, create_session_factory
from app.logs import configure_logging
from app.settings import Settings, describe_settings_error

T = TypeVar("T")

console = Console()


def load_settings() -> Settings:
    """Settings from the environment, or a one-screen error naming the bad variable and exit 2."""
    try:
        settings = Settings()
    except ValueError as error:
        console.print(f"[red]{describe_settings_error(error)}[/red]")
        raise typer.Exit(code=2) from error
    configure_logging(settings.log_level)
    return settings


def run_with_sessions(
    database_url: str, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]
) -> T:
    """Open the database at ``database_url``, run ``work`` with a session factory, dispose.

    A command's one event loop: the engine is disposed inside it, however ``work`` ends.
    """

    async def run() -> T:
        engine = create_engine(database_url)
        try:
            return await work(create_session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def run_in_transaction(database_url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """``run_with_sessions`` for one database operation: ``work`` in one committed transaction."""

    async def run(sessions: async_sessionmaker[AsyncSession]) -> T:
        async with sessions.begin() as session:
            return await work(session)

    return run_with_sessions(database_url, run)
