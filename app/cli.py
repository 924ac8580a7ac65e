"""The ``runway`` command line (DESIGN.md §7): the typer apps of the ``commands_*`` modules."""

import typer

from app.commands_db import db_cli
from app.commands_digest import digest_cli
from app.commands_documents import documents_cli
from app.commands_server import demo, serve, worker
from app.commands_sync import qbo_cli, sync_command
from app.commands_tokens import tokens_cli

cli = typer.Typer(
    help="Runway: a GraphQL API over a mirror of QuickBooks Online.", no_args_is_help=True
)
cli.add_typer(db_cli, name="db")
cli.add_typer(tokens_cli, name="token")
cli.add_typer(qbo_cli, name="qbo")
cli.add_typer(digest_cli, name="digest")
cli.add_typer(documents_cli, name="documents")
cli.command("sync")(sync_command)
cli.command()(serve)
cli.command()(demo)
cli.command()(worker)


def main() -> None:
    """Console-script entry point."""
    cli()
