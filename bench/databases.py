"""Where benchmark databases live: kept between runs under a name derived from what they hold.

A database of generated data is named by a hash of its parameters (``bench.fixtures``), so a
second run finds it and a change of parameters (or of the schema's migration head) builds a new
one. It is built under a temporary name and renamed only when complete: a run cut off halfway
leaves nothing that looks finished. Scratch databases (the empty targets the sync fills) are
dropped when the workspace closes.
"""

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.db import create_engine, create_session_factory, database_reachable

Kind = Literal["sqlite", "postgresql"]
KINDS: tuple[Kind, ...] = ("sqlite", "postgresql")
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
_PREFIX = "runway_bench_"


def postgres_server_url() -> str:
    """The server bench databases are created on (trust auth, like the test suite's)."""
    return os.environ.get(
        "RUNWAY_BENCH_POSTGRES_URL",
        os.environ.get("RUNWAY_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )


async def postgres_available(server_url: str) -> bool:
    """Whether a PostgreSQL server answers at ``server_url``."""
    return await database_reachable(server_url)


@dataclass(frozen=True)
class Target:
    """One database a benchmark reads or writes."""

    kind: Kind
    url: str

    @property
    def driver_dsn(self) -> str:
        """What the bare driver connects with: asyncpg's DSN, or the SQLite file's path."""
        url = make_url(self.url)
        if self.kind == "sqlite":
            return str(url.database)
        return url.set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass
class Connected:
    """An engine and session factory over a target, for the length of a ``connect`` block."""

    target: Target
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


@contextlib.asynccontextmanager
async def connect(target: Target) -> AsyncIterator[Connected]:
    """The app's own engine settings (WAL, exact JSON) over ``target``, disposed afterwards."""
    engine = create_engine(target.url)
    try:
        yield Connected(target, engine, create_session_factory(engine))
    finally:
        await engine.dispose()


def _is_file(path: str) -> bool:
    return Path(path).is_file()


def _remove_sqlite_files(path: str) -> None:
    """A SQLite database and its WAL files, if they exist (quick local calls, fine in a loop)."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{path}{suffix}")


@contextlib.asynccontextmanager
async def connect_all(targets: Sequence[Target]) -> AsyncIterator[list[Connected]]:
    """``connect`` to several targets at once, every engine disposed on the way out."""
    async with contextlib.AsyncExitStack() as stack:
        yield [await stack.enter_async_context(connect(target)) for target in targets]


class Workspace:
    """Creates, finds and drops the databases of one benchmark run.

    With ``keep`` (the command line) a built database stays, named by its key, and is found again
    by the next run. Without it (the smoke tests) every database gets a unique name and ``close``
    drops them all, so nothing outlives the test.
    """

    def __init__(self, directory: Path, postgres_url: str | None, *, keep: bool) -> None:
        """``postgres_url``: a database on the server to administer from; None: SQLite only."""
        self.directory = directory
        self.postgres_url = postgres_url
        self.keep = keep
        self._built: dict[tuple[Kind, str], Target] = {}
        self._to_drop: list[Target] = []

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return KINDS if self.postgres_url else ("sqlite",)

    async def find(self, kind: Kind, key: str) -> Target | None:
        """The finished database for ``key``, if one exists."""
        if (kind, key) in self._built:
            return self._built[(kind, key)]
        if not self.keep:
            return None
        target = self._final(kind, key)
        if kind == "sqlite":
            return target if _is_file(target.driver_dsn) else None
        return target if await self._pg_exists(self._pg_name(key)) else None

    async def begin(self, kind: Kind, key: str) -> Target:
        """An empty database to build ``key`` in; ``finish`` makes it the one ``find`` returns."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if kind == "sqlite":
            path = self.directory / f"{key}.db.building"
            _remove_sqlite_files(str(path))
            return Target("sqlite", f"sqlite+aiosqlite:///{path}")
        name = f"{self._pg_name(key)}_b"
        await self._pg_drop(name)
        await self._pg_create(name)
        return Target("postgresql", self._pg_url(name))

    async def finish(self, building: Target, key: str) -> Target:
        """Give a fully built database its final name (the engine on it must be disposed)."""
        if not self.keep:
            self._built[(building.kind, key)] = building
            self._to_drop.append(building)
            return building
        final = self._final(building.kind, key)
        if building.kind == "sqlite":
            os.replace(building.driver_dsn, final.driver_dsn)
            _remove_sqlite_files(building.driver_dsn)
        else:
            await self._pg_drop(self._pg_name(key))
            old, new = make_url(building.url).database, self._pg_name(key)
            await self._pg_admin(f'ALTER DATABASE "{old}" RENAME TO "{new}"')
        self._built[(building.kind, key)] = final
        return final

    async def scratch(self, kind: Kind, label: str) -> Target:
        """An empty database, dropped by ``close``."""
        self.directory.mkdir(parents=True, exist_ok=True)
        unique = uuid.uuid4().hex[:12]
        if kind == "sqlite":
            target = Target(
                "sqlite", f"sqlite+aiosqlite:///{self.directory / f'scratch-{label}-{unique}.db'}"
            )
        else:
            name = f"{_PREFIX}tmp_{label}_{unique}"
            await self._pg_create(name)
            target = Target("postgresql", self._pg_url(name))
        self._to_drop.append(target)
        return target

    async def drop(self, target: Target) -> None:
        """Remove a database now (a scratch one, or a kept one to rebuild)."""
        if target.kind == "sqlite":
            _remove_sqlite_files(target.driver_dsn)
        else:
            await self._pg_drop(str(make_url(target.url).database))
        self._built = {k: v for k, v in self._built.items() if v != target}

    async def close(self) -> None:
        """Drop every scratch database (and, without ``keep``, every built one)."""
        while self._to_drop:
            await self.drop(self._to_drop.pop())

    def _final(self, kind: Kind, key: str) -> Target:
        if kind == "sqlite":
            return Target("sqlite", f"sqlite+aiosqlite:///{self.directory / f'{key}.db'}")
        return Target("postgresql", self._pg_url(self._pg_name(key)))

    @staticmethod
    def _pg_name(key: str) -> str:
        return f"{_PREFIX}{key}"[:61]  # PostgreSQL names hold 63 bytes; "_b" must still fit

    def _pg_url(self, name: str) -> str:
        assert self.postgres_url is not None
        return make_url(self.postgres_url).set(database=name).render_as_string(hide_password=False)

    async def _pg_admin(self, statement: str) -> None:
        assert self.postgres_url is not None
        engine = create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    async def _pg_exists(self, name: str) -> bool:
        assert self.postgres_url is not None
        engine = create_engine(self.postgres_url)
        try:
            async with engine.connect() as connection:
                found = await connection.scalar(
                    text("select 1 from pg_database where datname = :name"), {"name": name}
                )
        finally:
            await engine.dispose()
        return found is not None

    async def _pg_create(self, name: str) -> None:
        # Names are ours (a prefix and hex digits), never user input.
        await self._pg_admin(f'CREATE DATABASE "{name}"')

    async def _pg_drop(self, name: str) -> None:
        await self._pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
