"""``runway token create``: a new API token, printed once, alone on the last line."""

import asyncio
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
