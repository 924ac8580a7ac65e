"""``runway token create`` (a new API token, printed once, alone on the last line) and
``runway token revoke``."""

import asyncio
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from app.db import create_engine, create_session_factory
from domains.access import queries as access_queries

tokens_cli = typer.Typer(help="API tokens.", no_args_is_help=True)
console = Console()


async def create_api_token(
    database_url: str, *, name: str, role: str, business_ids: list[int], all_businesses: bool
) -> str:
    """Store a new token in the database at ``database_url``; returns it in clear text."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            return await access_queries.create_token(
                session,
                name=name,
                role=role,
                business_ids=business_ids,
                all_businesses=all_businesses,
            )
    finally:
        await engine.dispose()


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
) -> None:
    """Create a token; it is shown once and stored only as a hash."""
    from app.cli import load_settings

    settings = load_settings()
    try:
        token = asyncio.run(
            create_api_token(
                settings.database_url,
                name=name,
                role=role,
                business_ids=business or [],
                all_businesses=all_businesses,
            )
        )
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
    console.print(f"Created a {role} token '{name}'. It is shown only now:", highlight=False)
    print(token)  # noqa: T201  (alone on the last line, for scripts)


async def revoke_api_tokens(database_url: str, *, token: str | None, name: str | None) -> int:
    """Revoke by token or by name in the database at ``database_url``; returns how many."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            return await access_queries.revoke_tokens(
                session, token=token, name=name, now=datetime.now(UTC)
            )
    finally:
        await engine.dispose()


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
    from app.cli import load_settings

    settings = load_settings()
    try:
        revoked = asyncio.run(revoke_api_tokens(settings.database_url, token=token, name=name))
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
    console.print(f"Revoked {revoked} token{'' if revoked == 1 else 's'}.", highlight=False)
    if revoked == 0:
        raise typer.Exit(code=1)
