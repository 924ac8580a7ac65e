"""Why the database can't be used, in an operator's words: the cause, and the fix.

The CLI, ``/healthz`` and the server's error handler meet the same failures (PostgreSQL down, a
database never created, a login refused, a SQLite file that can't be opened, a schema never
migrated or migrated by another version, a pool with no free connection). ``diagnose`` maps the
exception a driver raised to a ``DatabaseProblem``; ``schema_problem`` does the same for a schema
that is not at this code's migration head. Anything else (``None``) is not the database's
availability but a bug, and is left to surface as one.

Messages name the host, port, database, user or file, never a password.
"""

import os
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.migrations import SchemaState, read_schema_state

UPGRADE_FIX = "Run `runway db upgrade` (with the same RUNWAY_DATABASE_URL)."


class ProblemKind(StrEnum):
    """What kind of trouble; its value is the ``reason`` an API client and ``/healthz`` see."""

    UNREACHABLE = "unreachable"
    BUSY = "busy"
    MISSING = "missing"
    LOGIN_REFUSED = "login_refused"
    CANNOT_OPEN = "cannot_open"
    SCHEMA_MISSING = "schema_missing"
    SCHEMA_OUTDATED = "schema_outdated"
    SCHEMA_NEWER = "schema_newer"


_CLIENT_MESSAGES = {
    ProblemKind.UNREACHABLE: "The database is unreachable; retry shortly.",
    ProblemKind.BUSY: "The database is busy; retry shortly.",
    ProblemKind.SCHEMA_MISSING: "The database has no schema yet: an operator must run "
    "`runway db upgrade`.",
    ProblemKind.SCHEMA_OUTDATED: "The database schema is out of date: an operator must run "
    "`runway db upgrade`.",
    ProblemKind.SCHEMA_NEWER: "The database was migrated by a newer Runway than this server.",
}
_MISCONFIGURED = "The server cannot open its database: an operator must fix its settings."


@dataclass(frozen=True)
class DatabaseProblem:
    """One failure to use the database: what happened and what to do, each one line."""

    kind: ProblemKind
    cause: str
    fix: str
    state: SchemaState | None = None
    """For schema problems read from ``alembic_version``: the revisions found and expected."""

    @property
    def transient(self) -> bool:
        """Worth retrying as is (a client gets ``Retry-After``); the others need an operator."""
        return self.kind in (ProblemKind.UNREACHABLE, ProblemKind.BUSY)

    @property
    def client_message(self) -> str:
        """What an API client is told: the reason without hosts, users or paths."""
        return _CLIENT_MESSAGES.get(self.kind, _MISCONFIGURED)


def diagnose(error: BaseException, database_url: str | URL) -> DatabaseProblem | None:
    """The database problem behind ``error``, or ``None`` if it is not one (a bug)."""
    url = make_url(database_url)
    for link in _chain(error):
        problem = _diagnose_one(link, url)
        if problem is not None:
            return problem
    return None


def schema_problem(state: SchemaState, database_url: str | URL) -> DatabaseProblem | None:
    """A problem when the database is not at this code's migration head, else ``None``."""
    where = describe_database(database_url)
    if state.up_to_date:
        return None
    if not state.current:
        return DatabaseProblem(
            ProblemKind.SCHEMA_MISSING, f"The database {where} has no Runway schema.", UPGRADE_FIX
        )
    current, heads = ", ".join(sorted(state.current)), ", ".join(sorted(state.heads))
    if state.newer_than_code:
        return DatabaseProblem(
            ProblemKind.SCHEMA_NEWER,
            f"The database {where} is at schema revision {current}, which this Runway does not "
            "know: a newer version migrated it.",
            "Run that newer Runway, or point RUNWAY_DATABASE_URL at another database.",
            state,
        )
    return DatabaseProblem(
        ProblemKind.SCHEMA_OUTDATED,
        f"The database {where} is at schema revision {current}; this Runway needs {heads}.",
        UPGRADE_FIX,
        state,
    )


def unopenable_file(database_url: str | URL) -> DatabaseProblem | None:
    """A SQLite file whose directory is missing or read-only, found before connecting: aiosqlite's
    worker thread, after a failed open, can outlive the event loop and print a traceback of its
    own, so this is the one failure better predicted than caught."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = Path(url.database).resolve()
    directory = path.parent
    if path.exists() or (directory.is_dir() and os.access(directory, os.W_OK)):
        return None
    return _cannot_open(url)


async def check_database(engine: AsyncEngine) -> DatabaseProblem | None:
    """Connect and compare the schema's revision with the code's: ``None`` when ready."""
    unopenable = unopenable_file(engine.url)
    if unopenable is not None:
        return unopenable
    try:
        async with engine.connect() as connection:
            state = await read_schema_state(connection)
    except Exception as error:
        problem = diagnose(error, engine.url)
        if problem is None:
            raise
        return problem
    return schema_problem(state, engine.url)


async def explain(error: BaseException, engine: AsyncEngine) -> DatabaseProblem | None:
    """``diagnose``, made precise for a missing table or column: the schema's revision says
    whether it was never migrated or is behind; at the head, it is a bug after all (``None``)."""
    problem = diagnose(error, engine.url)
    if problem is None or problem.kind is not ProblemKind.SCHEMA_OUTDATED:
        return problem
    return await check_database(engine)


def describe_database(database_url: str | URL) -> str:
    """``at host:port/name`` or ``in the SQLite file path``: where, without the password."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"in the SQLite file {_sqlite_path(url)}"
    return f"{url.database or '(default)'!r} at {_server(url)}"


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, what it wraps (a DBAPI ``orig``, an explicit ``__cause__``), and an exception
    group's members: drivers raise their own exception inside SQLAlchemy's. (Not
    ``__context__``: an error raised while handling a database error is not that error.)"""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        for inner in (getattr(current, "orig", None), current.__cause__):
            if isinstance(inner, BaseException):
                pending.append(inner)


def _diagnose_one(error: BaseException, url: URL) -> DatabaseProblem | None:
    if isinstance(error, PoolTimeoutError):
        return DatabaseProblem(
            ProblemKind.BUSY,
            "Every pooled database connection stayed busy past RUNWAY_DATABASE_POOL_TIMEOUT.",
            "Retry shortly; if it lasts, raise RUNWAY_DATABASE_POOL_SIZE or find the long "
            "transactions.",
        )
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str):
        return _postgresql_problem(sqlstate, str(error), url)
    if isinstance(error, sqlite3.OperationalError):
        return _sqlite_problem(str(error), url)
    if isinstance(error, OSError):  # refused, unknown host, timed out: before any SQL
        return DatabaseProblem(
            ProblemKind.UNREACHABLE,
            f"Cannot reach PostgreSQL at {_server(url)} ({_os_reason(error)}).",
            "Start it, or point RUNWAY_DATABASE_URL at a running server.",
        )
    return None


def _postgresql_problem(sqlstate: str, message: str, url: URL) -> DatabaseProblem | None:
    """From the SQLSTATE of a PostgreSQL error (asyncpg's exceptions carry it)."""
    server, user, name = _server(url), url.username or "(default)", url.database or "(default)"
    if sqlstate == "3D000":  # invalid_catalog_name
        return DatabaseProblem(
            ProblemKind.MISSING,
            f"The database {name!r} does not exist on {server}.",
            f"Create it (createdb -h {url.host} -p {url.port or 5432} -U {user} {name}), then "
            "run `runway db upgrade`.",
        )
    if sqlstate in ("28000", "28P01"):  # invalid authorization / password
        return DatabaseProblem(
            ProblemKind.LOGIN_REFUSED,
            f"PostgreSQL at {server} refused the login of user {user!r}: {message}.",
            "Fix the user or password in RUNWAY_DATABASE_URL (or the server's pg_hba.conf).",
        )
    if sqlstate in ("42P01", "42703"):  # undefined table / column
        return _schema_lacks(message, url)
    if sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03"):
        return DatabaseProblem(
            ProblemKind.UNREACHABLE,
            f"PostgreSQL at {server} dropped or refused the connection: {message}.",
            "Retry shortly; if it lasts, check the server's state and logs.",
        )
    if sqlstate in ("53300", "53400"):  # too many connections, configuration limit
        return DatabaseProblem(
            ProblemKind.BUSY,
            f"PostgreSQL at {server} has no connection to spare: {message}.",
            "Retry shortly; if it lasts, lower RUNWAY_DATABASE_POOL_SIZE across processes or "
            "raise the server's max_connections.",
        )
    return None


def _sqlite_problem(message: str, url: URL) -> DatabaseProblem | None:
    path = _sqlite_path(url)
    if message.startswith(("no such table", "no such column", "table ")) or (
        "has no column named" in message
    ):
        return _schema_lacks(message, url)
    if message == "unable to open database file":
        return _cannot_open(url)
    if message.startswith("database is locked"):
        return DatabaseProblem(
            ProblemKind.BUSY,
            f"The SQLite file {path} stayed locked by another process's write.",
            "Retry shortly; if it lasts, look for a process holding a long transaction.",
        )
    return None


def _cannot_open(url: URL) -> DatabaseProblem:
    return DatabaseProblem(
        ProblemKind.CANNOT_OPEN,
        f"Cannot open the SQLite file {_sqlite_path(url)}: its directory is missing or not "
        "writable.",
        "Create the directory, or point RUNWAY_DATABASE_URL at a writable path.",
    )


def _schema_lacks(message: str, url: URL) -> DatabaseProblem:
    """A table or column this code reads is missing: the schema is older than the code (or was
    never created). ``check_database`` can tell which, from ``alembic_version``."""
    where = describe_database(url)
    return DatabaseProblem(
        ProblemKind.SCHEMA_OUTDATED,
        f"The database {where} lacks what this Runway uses ({message}).",
        UPGRADE_FIX,
    )


def _server(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _sqlite_path(url: URL) -> str:
    return str(Path(url.database).resolve()) if url.database else "(in memory)"


def _os_reason(error: OSError) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused: nothing listens there"
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, socket.gaierror):
        return "unknown host"
    return error.strerror or str(error) or error.__class__.__name__
