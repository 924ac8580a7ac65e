"""Apply Alembic migrations from code, so ``runway db upgrade`` works from any directory, and
read which revision a database is at, so a server and the CLI can tell an old schema from a bug."""

import asyncio
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic config for the packaged migrations, aimed at ``database_url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Bring the database at ``database_url`` to ``revision`` (creating it if it is empty)."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade_database(database_url: str, revision: str) -> None:
    """Take the database at ``database_url`` back to ``revision`` (``base`` empties it)."""
    command.downgrade(alembic_config(database_url), revision)


async def upgrade_database_async(database_url: str, revision: str = "head") -> None:
    """``upgrade_database`` from inside a running event loop (env.py runs its own loop)."""
    await asyncio.to_thread(upgrade_database, database_url, revision)


@dataclass(frozen=True)
class SchemaState:
    """The revisions a database is at, against those this code's migrations end at."""

    current: frozenset[str]
    """Empty for a database Alembic never migrated (no ``alembic_version`` table, or no row)."""
    heads: frozenset[str]
    known: frozenset[str]
    """Every revision this code has: a current one outside it was made by a newer Runway."""

    @property
    def up_to_date(self) -> bool:
        return self.current == self.heads

    @property
    def newer_than_code(self) -> bool:
        return bool(self.current - self.known)


@lru_cache(maxsize=1)
def _script_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """(heads, every revision) of the packaged migrations: read from disk once per process."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = frozenset(revision.revision for revision in script.walk_revisions())
    return frozenset(script.get_heads()), known


def code_heads() -> frozenset[str]:
    """The revisions a fully migrated database is at (one, once parallel branches are merged)."""
    return _script_revisions()[0]


async def read_schema_state(connection: AsyncConnection) -> SchemaState:
    """Where the database behind ``connection`` stands: one small read of ``alembic_version``."""

    def current(sync_connection: Connection) -> frozenset[str]:
        # Read directly: Alembic's MigrationContext would log two INFO lines per health check.
        if not inspect(sync_connection).has_table("alembic_version"):
            return frozenset()
        rows = sync_connection.execute(text("select version_num from alembic_version"))
        return frozenset(rows.scalars())

    heads, known = _script_revisions()
    return SchemaState(current=await connection.run_sync(current), heads=heads, known=known)
