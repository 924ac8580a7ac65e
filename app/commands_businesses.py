"""``runway business list|deactivate|activate|remove``: the businesses an operator looks after.

Ids are shown in both forms: the number the CLI prints and accepts, and the global id the API
takes (every command accepts either).
"""

from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli_support import (
    console,
    fail,
    load_settings,
    parse_business_id,
    run_in_transaction,
)
from domains.access import queries as access_queries
from domains.core import queries as core_queries
from domains.core.models import Business
from schema.relay import global_id

business_cli = typer.Typer(help="Businesses: list, deactivate, remove.", no_args_is_help=True)

BusinessArgument = Annotated[
    int,
    typer.Argument(
        help="The business, by id (2) or global id (QnVzaW5lc3M6Mg==).",
        parser=parse_business_id,
        metavar="ID",
        show_default=False,
    ),
]


@business_cli.command("list")
def list_businesses() -> None:
    """Every business with both ids, its QBO realm, connection and last sync."""
    settings = load_settings()
    rows = run_in_transaction(
        settings.database_url, lambda session: core_queries.list_every_business(session)
    )
    if not rows:
        console.print("No businesses yet: connect one (runway qbo connect) or run runway demo.")
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("global id", no_wrap=True)
    table.add_column("business (QBO realm)", min_width=16)
    table.add_column("status")
    table.add_column("synced (UTC)")
    table.add_column("last error", overflow="fold", min_width=10)
    for row in rows:
        status = row.connection_status if row.active else f"{row.connection_status}, inactive"
        table.add_row(
            str(row.id),
            global_id("Business", row.id),
            f"{escape(row.name)}\n[dim]{escape(row.realm_id)}[/dim]",
            escape(status),
            row.last_synced_at.strftime("%Y-%m-%d %H:%M") if row.last_synced_at else "never",
            escape(row.last_sync_error or ""),
        )
    console.print(table)


@business_cli.command("deactivate")
def deactivate(
    business: BusinessArgument,
    keep_tokens: Annotated[
        bool,
        typer.Option(
            "--keep-tokens", help="Leave it in the tokens scoped to it (default: take it out)."
        ),
    ] = False,
) -> None:
    """Stop working on a business but keep its data: the assessment job and digest runs of
    every business leave it out; `runway business activate` brings it back."""
    settings = load_settings()

    async def work(session: AsyncSession) -> tuple[Business | None, list[str]]:
        row = await core_queries.set_business_active(session, business_id=business, active=False)
        if row is None or keep_tokens:
            return row, []
        return row, await access_queries.unlink_business(session, business_id=business)

    row, unlinked = run_in_transaction(settings.database_url, work)
    if row is None:
        raise fail(f"No business with id {business}.")
    console.print(f"Deactivated business {business} ({escape(row.name)}).", highlight=False)
    _report_unlinked(unlinked)


@business_cli.command("activate")
def activate(business: BusinessArgument) -> None:
    """Work on a deactivated business again (tokens it was taken from stay without it)."""
    settings = load_settings()
    row = run_in_transaction(
        settings.database_url,
        lambda session: core_queries.set_business_active(
            session, business_id=business, active=True
        ),
    )
    if row is None:
        raise fail(f"No business with id {business}.")
    console.print(f"Activated business {business} ({escape(row.name)}).", highlight=False)


@business_cli.command("remove")
def remove(
    business: BusinessArgument,
    yes: Annotated[
        bool, typer.Option("--yes", help="Don't ask for confirmation (for scripts).")
    ] = False,
) -> None:
    """Delete a business for good: its mirror, sync runs, decisions, stored assessments and
    digests, and its place in every token. Its id is never given to another business."""
    settings = load_settings()
    row = run_in_transaction(
        settings.database_url,
        lambda session: core_queries.get_business(session, business_id=business),
    )
    if row is None:
        raise fail(f"No business with id {business}.")
    if not yes and not typer.confirm(
        f"Delete business {business} ({row.name}) and all its data? This cannot be undone."
    ):
        raise fail("Nothing removed.", code=1)

    async def work(session: AsyncSession) -> tuple[list[str], dict[str, int] | None]:
        unlinked = await access_queries.unlink_business(session, business_id=business)
        return unlinked, await core_queries.remove_business(session, business_id=business)

    unlinked, removed = run_in_transaction(settings.database_url, work)
    if removed is None:  # removed by someone else in between
        raise fail(f"No business with id {business}.")
    rows = sum(removed.values())
    console.print(
        f"Removed business {business} ({escape(row.name)}) and {rows} rows of its data.",
        highlight=False,
    )
    _report_unlinked(unlinked)


def _report_unlinked(names: list[str]) -> None:
    if names:
        console.print(
            f"Taken out of {len(names)} token(s): {escape(', '.join(names))}. A token left with no "
            "business sees nothing; revoke it with `runway token revoke --name NAME`.",
            highlight=False,
        )
