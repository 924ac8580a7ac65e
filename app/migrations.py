"""Apply Alembic migrations from code, so ``runway db upgrade`` works from any directory."""

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

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
