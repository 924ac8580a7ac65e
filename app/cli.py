"""The ``runway`` command line: database, server and demo (DESIGN.md §7)."""

import asyncio
import json
from datetime import date
from typing import Annotated
from urllib.parse import quote

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from app.commands_digest import digest_cli
from app.commands_sync import qbo_cli, sync_command
from app.commands_tokens import create_api_token, tokens_cli
from app.logs import configure_logging
from app.settings import Settings, describe_settings_error

cli = typer.Typer(
    help="Runway: a GraphQL API over a mirror of QuickBooks Online.", no_args_is_help=True
)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(tokens_cli, name="token")
cli.add_typer(qbo_cli, name="qbo")
cli.add_typer(digest_cli, name="digest")
cli.command("sync")(sync_command)
console = Console()

HostOption = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOption = Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)]


def load_settings() -> Settings:
    """Settings from the environment, or a one-screen error naming the bad variable and exit 2."""
    try:
        settings = Settings()
    except ValueError as error:
        console.print(f"[red]{describe_settings_error(error)}[/red]")
        raise typer.Exit(code=2) from error
    configure_logging(settings.log_level)
    return settings


def _serve(settings: Settings, host: str, port: int) -> None:
    from app.asgi import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level.lower())


@db_cli.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the database at RUNWAY_DATABASE_URL."""
    settings = load_settings()
    from app.migrations import upgrade_database

    upgrade_database(settings.database_url, revision)
    console.print(f"Database at {_safe_url(settings.database_url)} is at revision {revision}.")


@cli.command()
def serve(host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """Serve the GraphQL API (run `runway db upgrade` first)."""
    _serve(load_settings(), host, port)


@cli.command()
def demo(
    businesses: Annotated[int, typer.Option(help="How many companies to generate.", min=1)] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the company generator.")] = 7,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    serve: Annotated[bool, typer.Option(help="Start the server after building.")] = True,
) -> None:
    """Build a demo database of generated companies at RUNWAY_DATABASE_URL, then serve it."""
    settings = load_settings()
    from app.demo import build_demo_database

    with console.status(f"Generating and loading {businesses} demo businesses…"):
        loaded = asyncio.run(
            build_demo_database(
                settings.database_url, businesses=businesses, seed=seed, as_of=date.today()
            )
        )
    table = Table("id", "business", "objects", "skipped (malformed)", title="Demo businesses")
    for company in loaded:
        table.add_row(
            str(company.business_id), company.name, str(company.objects), str(company.problems)
        )
    console.print(table)
    token = asyncio.run(
        create_api_token(
            settings.database_url, name="demo", role="admin", business_ids=[], all_businesses=True
        )
    )
    headers = json.dumps({"Authorization": f"Bearer {token}"})
    console.print(
        f"GraphiQL, with the token in its Headers tab: http://{host}:{port}/graphql"
        f"?headers={quote(headers)}",
        soft_wrap=True,
    )
    console.print("Admin API token for every demo business (send 'Authorization: Bearer <token>'):")
    print(token, flush=True)  # noqa: T201  (alone on its line, for scripts)
    if serve:
        _serve(settings, host, port)


def _safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Console-script entry point."""
    cli()
