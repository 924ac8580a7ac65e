"""``runway db upgrade``: create or migrate the database."""

from typing import Annotated

import typer

from app.cli_support import console, load_settings

db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_cli.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the database at RUNWAY_DATABASE_URL."""
    settings = load_settings()
    from app.migrations import upgrade_database  # only this command needs Alembic

    upgrade_database(settings.database_url, revision)
    console.print(f"Database at {_safe_url(settings.database_url)} is at revision {revision}.")


def _safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
