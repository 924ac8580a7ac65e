"""The ``runway`` command line (docs/design.md#operating-it): the typer apps of the ``commands_*``
modules."""

from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer

from app.commands_businesses import business_cli
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
cli.add_typer(business_cli, name="business")
cli.add_typer(tokens_cli, name="token")
cli.add_typer(qbo_cli, name="qbo")
cli.add_typer(digest_cli, name="digest")
cli.add_typer(documents_cli, name="documents")
cli.command("sync")(sync_command)
cli.command()(serve)
cli.command()(demo)
cli.command()(worker)


def _show_version(wanted: bool) -> None:
    if wanted:
        try:
            number = version("runway")
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "unknown (not installed)"
        typer.echo(f"runway {number}")
        raise typer.Exit()


@cli.callback()
def options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_show_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Runway: a GraphQL API over a mirror of QuickBooks Online."""


def main() -> None:
    """Console-script entry point."""
    cli()
