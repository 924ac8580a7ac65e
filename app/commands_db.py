"""``runway db upgrade``: create or migrate the database."""

from typing import Annotated

import typer

from app.cli_support import console, database_errors_explained, load_settings
from app.database_problems import describe_database

db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_cli.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the database at RUNWAY_DATABASE_URL."""
    settings = load_settings()
    from app.migrations import code_heads, upgrade_database  # only this command needs Alembic

    with database_errors_explained(settings.database_url):
        upgrade_database(settings.database_url, revision)
    reached = ", ".join(sorted(code_heads())) if revision == "head" else revision
    console.print(
        f"The database {describe_database(settings.database_url)} is at revision {reached}.",
        highlight=False,
        soft_wrap=True,
    )
