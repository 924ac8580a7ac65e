"""What every ``runway`` command shares: the console it prints to, its settings, its database,
the business ids it accepts, and how it explains a database it cannot use.

The ``commands_*`` modules import this and ``app.cli`` imports them to assemble the typer apps,
so this module never imports ``app.cli`` (nor any command module).

Exit codes: 0 done; 1 the work itself failed (a sync, a digest run); 2 a bad argument or setting;
3 the database cannot be used (unreachable, missing, not migrated). Each failure prints one or two
lines (the cause, then the fix), never a traceback.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.database_problems import DatabaseProblem, check_database, explain, unopenable_file
from app.db import create_engine, create_session_factory
from app.logs import configure_logging
from app.settings import Settings, describe_settings_error
from resolvers.errors import InvalidRequest
from schema.relay import global_id, parse_global_id

T = TypeVar("T")

DATABASE_UNUSABLE = 3
"""Exit code of a command whose database cannot be used (see the module docstring)."""

console = Console()
error_console = Console(stderr=True, highlight=False, soft_wrap=True)
"""Where failures go: stderr, so a script reading a command's output never reads them."""


def load_settings() -> Settings:
    """Settings from the environment, or a one-screen error naming the bad variable and exit 2."""
    try:
        settings = Settings()
    except ValueError as error:
        error_console.print(f"[red]{escape(describe_settings_error(error))}[/red]")
        raise typer.Exit(code=2) from error
    configure_logging(settings.log_level)
    return settings


def fail(message: str, *, code: int = 2) -> typer.Exit:
    """Print ``message`` (in red, on stderr) and return the exit to raise."""
    error_console.print(f"[red]{escape(message)}[/red]")
    return typer.Exit(code=code)


def report_problem(problem: DatabaseProblem) -> typer.Exit:
    """The problem's cause and fix, one line each; the exit to raise."""
    error_console.print(f"[red]{escape(problem.cause)}[/red]")
    error_console.print(escape(problem.fix))
    return typer.Exit(code=DATABASE_UNUSABLE)


@contextmanager
def database_errors_explained(database_url: str) -> Iterator[None]:
    """Turn a database that can't be used into its cause and fix and exit 3; anything else is a
    bug and propagates as one. Runs outside any event loop (it may open one to look closer)."""
    unopenable = unopenable_file(database_url)
    if unopenable is not None:
        raise report_problem(unopenable)
    try:
        yield
    except Exception as error:
        problem = asyncio.run(_explain(error, database_url))
        if problem is None:
            raise
        raise report_problem(problem) from None


async def _explain(error: Exception, database_url: str) -> DatabaseProblem | None:
    engine = create_engine(database_url)
    try:
        return await explain(error, engine)
    finally:
        await engine.dispose()


def ensure_database_ready(database_url: str) -> None:
    """Exit 3 with the cause and fix unless the database answers at this code's schema: what a
    server or worker checks before it starts, rather than failing on its first request."""

    async def check() -> DatabaseProblem | None:
        engine = create_engine(database_url)
        try:
            return await check_database(engine)
        finally:
            await engine.dispose()

    problem = asyncio.run(check())
    if problem is not None:
        raise report_problem(problem)


def parse_business_id(value: str) -> int:
    """A business id in either form: as the CLI lists it (``2``) or as the API returns it
    (``QnVzaW5lc3M6Mg==``), so an id copied from either works in both places."""
    text = value.strip()
    if text.isascii() and text.isdigit() and 0 < int(text) < 2**63:
        return int(text)
    try:
        parsed = parse_global_id(text, "Business")
    except InvalidRequest:  # a number out of range
        parsed = None
    if parsed is None:
        raise typer.BadParameter(
            f"{value!r} is neither a business id (like 2) nor a business's global id (like "
            f"{global_id('Business', 2)}); `runway business list` shows both."
        )
    return parsed[1]


BusinessIds = Annotated[
    list[int] | None,
    typer.Option(
        "--business",
        help="A business, by id (2) or global id (QnVzaW5lc3M6Mg==); repeat for several.",
        parser=parse_business_id,
        metavar="ID",
        show_default=False,
    ),
]
"""The ``--business`` option every command shares."""


def when(moment: datetime | None) -> str:
    """A stored time as tables show it (in UTC, which their headers say)."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


def run_with_sessions(
    database_url: str, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]
) -> T:
    """Open the database at ``database_url``, run ``work`` with a session factory, dispose.

    A command's one event loop: the engine is disposed inside it, however ``work`` ends. A
    database that can't be used ends the command with its cause and fix (exit 3).
    """

    async def run() -> T:
        engine = create_engine(database_url)
        try:
            return await work(create_session_factory(engine))
        finally:
            await engine.dispose()

    with database_errors_explained(database_url):
        return asyncio.run(run())


def run_in_transaction(database_url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """``run_with_sessions`` for one database operation: ``work`` in one committed transaction."""

    async def run(sessions: async_sessionmaker[AsyncSession]) -> T:
        async with sessions.begin() as session:
            return await work(session)

    return run_with_sessions(database_url, run)
