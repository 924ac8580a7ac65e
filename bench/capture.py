"""The SQL a block of code sends, and the floor: the same reads replayed with the bare driver.

``capturing`` keeps every statement sent to one database URL, exactly as SQLAlchemy hands it to
the driver (final SQL text and bound parameters), through a class-level ``before_cursor_execute``
listener on ``Engine`` filtered by URL, as ``tests/schema/test_statement_counts.py`` counts them;
so the app's own engine, built in its lifespan, is counted without reaching into it.
``read_with_driver`` replays the captured reads of the mirror with asyncpg or aiosqlite alone:
same statements, same parameters, same rows, and nothing else (no ORM, no type conversion
beyond the driver's, no rules). That is the floor a view or the bulk digest is compared against.
"""

import asyncio
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url

from bench.databases import Target
from domains import tables

FLOOR_TABLES = frozenset(
    model.__tablename__
    for model in (
        tables.Account,
        tables.Bill,
        tables.BillDecision,
        tables.BillLine,
        tables.BillPayment,
        tables.Business,
        tables.Customer,
        tables.Invoice,
        tables.InvoiceLine,
        tables.Payment,
        tables.PaymentLine,
        tables.Purchase,
        tables.Term,
        tables.Vendor,
        # The stored assessments: what the views read since they stopped assessing per request.
        tables.Assessment,
        tables.AssessedHygieneItem,
        tables.AssessedBill,
        tables.AssessedInvoice,
    )
)
"""The tables of a business's books, its row and its stored assessments: what the views and
digests read (the floor replays their SELECTs; authentication and bookkeeping are left out)."""


@dataclass(frozen=True)
class Statement:
    """One statement as the driver received it."""

    sql: str
    parameters: Any
    executemany: bool

    @property
    def table(self) -> str:
        """The first table after FROM (or the first two words), to name a statement briefly."""
        words = self.sql.split()
        upper = [word.upper() for word in words]
        if "FROM" in upper:
            return words[upper.index("FROM") + 1].strip('"')
        return " ".join(words[:2])

    @property
    def reads_books(self) -> bool:
        """A SELECT of the books or their stored assessments: part of the floor."""
        return (
            not self.executemany
            and self.sql.lstrip().upper().startswith("SELECT")
            and self.table in FLOOR_TABLES
        )


@contextmanager
def capturing(database_url: str) -> Iterator[list[Statement]]:
    """Collect every statement sent to ``database_url`` while the block runs."""
    wanted = make_url(database_url)
    statements: list[Statement] = []

    def record(
        conn: Connection, _cursor: Any, sql: str, parameters: Any, _context: Any, many: bool
    ) -> None:
        if conn.engine.url == wanted:
            statements.append(Statement(sql, parameters, many))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def tables_of(statements: Sequence[Statement]) -> list[str]:
    """The table each statement reads, sorted: a readable fingerprint of a request's SQL."""
    return sorted(statement.table for statement in statements)


@dataclass(frozen=True)
class DriverRead:
    """How long the bare driver took to read what the statements read, and how many rows."""

    seconds: float
    statements: int
    rows: int


async def read_with_driver(target: Target, statements: Sequence[Statement]) -> DriverRead:
    """Replay the reads among ``statements`` on one fresh driver connection, timed warm.

    Each is run once untimed first (asyncpg prepares statements, as SQLAlchemy's pool keeps them
    prepared; both databases then have the pages cached), then timed, fetching every row.
    """
    reads = [statement for statement in statements if statement.reads_books]
    if target.kind == "sqlite":
        return await _sqlite_reads(target, reads)
    return await _postgres_reads(target, reads)


async def _sqlite_reads(target: Target, reads: Sequence[Statement]) -> DriverRead:
    async with aiosqlite.connect(target.driver_dsn) as connection:
        for statement in reads:
            async with connection.execute(statement.sql, statement.parameters) as cursor:
                await cursor.fetchall()
        rows = 0
        started = time.perf_counter()
        for statement in reads:
            async with connection.execute(statement.sql, statement.parameters) as cursor:
                rows += len(list(await cursor.fetchall()))
        seconds = time.perf_counter() - started
    return DriverRead(seconds, len(reads), rows)


async def _postgres_reads(target: Target, reads: Sequence[Statement]) -> DriverRead:
    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    connection = await asyncpg.connect(target.driver_dsn)
    try:
        for statement in reads:
            await connection.fetch(statement.sql, *statement.parameters)
        rows = 0
        started = time.perf_counter()
        for statement in reads:
            rows += len(await connection.fetch(statement.sql, *statement.parameters))
        seconds = time.perf_counter() - started
    finally:
        await connection.close()
    return DriverRead(seconds, len(reads), rows)


async def warm_caches(target: Target) -> None:
    """Bring the books into the OS page cache, so the first measurement doesn't pay for a cold
    disk: the SQLite file read through, or every PostgreSQL mirror table scanned once."""
    if target.kind == "sqlite":
        await asyncio.to_thread(_read_through, target.driver_dsn)
        return
    reads = [
        Statement(f"SELECT count(*) FROM {table}", (), False)  # noqa: S608  (our table names)
        for table in sorted(FLOOR_TABLES)
    ]
    await read_with_driver(target, reads)


def _read_through(path: str) -> None:
    with open(path, "rb") as file:
        while file.read(1 << 24):
            pass
