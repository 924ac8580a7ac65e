"""``runway token create`` (a new API token, printed once, alone on the last line) and
``runway token revoke``."""

from datetime import UTC, datetime
from typing import Annotated

import typer

from app.cli_support import console, load_settings, run_in_transaction
from domains.access import queries as access_queries

tokens_cli = typer.Typer(help="API tokens.", no_args_is_help=True)


@tokens_cli.command("create")
def create(
    role: Annotated[str, typer.Option(help="viewer, operator or admin.")],
    business: Annotated[
        list[int] | None, typer.Option("--business", help="A business id it may see (repeat).")
    ] = None,
    all_businesses: Annotated[
        bool, typer.Option("--all-businesses", help="May see every business.")
    ] = False,
    name: Annotated[str, typer.Option(help="Who or what the token is for.")] = "cli",
    ad_hoc: Annotated[
        bool, typer.Option("--ad-hoc", help="May send any query where only registered run.")
    ] = False,
) -> None:
    """Create a token; it is shown once and stored only as a hash."""
    settings = load_settings()
    try:
        token = run_in_transaction(
            settings.database_url,
            lambda session: access_queries.create_token(
                session,
                name=name,
                role=role,
                business_ids=business or [],
                all_businesses=all_businesses,
                ad_hoc=ad_hoc,
            ),
        )
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
    console.print(f"Created a {role} token '{name}'. It is shown only now:", highlight=False)
    print(token)  # noqa: T201  (alone on the last line, for scripts)


@tokens_cli.command("revoke")
def revoke(
    token: Annotated[
        str | None, typer.Argument(help="The token itself (rwy_…), e.g. one that leaked.")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Revoke every live token with this name instead.")
    ] = None,
) -> None:
    """Revoke tokens: refused from their next request on; exits 1 when none matched."""
    settings = load_settings()
    try:
        revoked = run_in_transaction(
            settings.database_url,
            lambda session: access_queries.revoke_tokens(
                session, token=token, name=name, now=datetime.now(UTC)
            ),
        )
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
    console.print(f"Revoked {revoked} token{'' if revoked == 1 else 's'}.", highlight=False)
    if revoked == 0:
        raise typer.Exit(code=1)
