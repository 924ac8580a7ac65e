"""``runway token create`` (a new API token, printed once, alone on the last line),
``runway token list`` and ``runway token revoke``."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from app.cli_support import (
    BusinessIds,
    console,
    fail,
    load_settings,
    run_in_transaction,
    when,
)
from domains.access import queries as access_queries

tokens_cli = typer.Typer(help="API tokens.", no_args_is_help=True)


class Role(StrEnum):
    """The roles of ``domains.access.queries.ROLES``, as a choice typer can list and check."""

    VIEWER = "viewer"
    OPERATOR = "operator"
    ADMIN = "admin"


@tokens_cli.command("create")
def create(
    role: Annotated[Role, typer.Option(help="What it may do.", case_sensitive=False)],
    business: BusinessIds = None,
    all_businesses: Annotated[
        bool, typer.Option("--all-businesses", "--all", help="May see every business.")
    ] = False,
    name: Annotated[str, typer.Option(help="Who or what the token is for.")] = "cli",
    ad_hoc: Annotated[
        bool, typer.Option("--ad-hoc", help="May send any query where only registered run.")
    ] = False,
) -> None:
    """Create a token; it is shown once and stored only as a hash."""
    if bool(business) == all_businesses:
        raise fail("Give --business ID (repeatable) or --all-businesses, not both.")
    settings = load_settings()
    try:
        token = run_in_transaction(
            settings.database_url,
            lambda session: access_queries.create_token(
                session,
                name=name,
                role=role.value,
                business_ids=business or [],
                all_businesses=all_businesses,
                ad_hoc=ad_hoc,
            ),
        )
    except ValueError as error:  # a business that does not exist
        raise fail(f"{str(error).capitalize()}; `runway business list` shows them.") from None
    article = "a" if role is Role.VIEWER else "an"
    shown = f"Created {article} {role} token '{escape(name)}', shown only now:"
    console.print(shown, highlight=False)
    print(token)  # noqa: T201  (alone on the last line, for scripts)


@tokens_cli.command("list")
def list_tokens(
    revoked: Annotated[
        bool, typer.Option("--revoked", help="Include revoked tokens (kept as a record).")
    ] = False,
) -> None:
    """Tokens with their role and businesses (the secrets themselves are never stored)."""
    settings = load_settings()
    tokens = run_in_transaction(
        settings.database_url,
        lambda session: access_queries.list_tokens(session, include_revoked=revoked),
    )
    if not tokens:
        console.print("No tokens: create one with `runway token create`.")
        return
    table = Table(
        "id",
        "name",
        "role",
        "businesses",
        "queries",
        "created (UTC)",
        "last used (UTC)",
        "revoked (UTC)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for token in tokens:
        reach = (
            "all"
            if token.business_ids is None
            else ", ".join(map(str, token.business_ids)) or "none"
        )
        table.add_row(
            str(token.id),
            escape(token.name),
            token.role,
            reach,
            "any" if token.ad_hoc else "registered",
            when(token.created_at),
            when(token.last_used_at),
            when(token.revoked_at) if token.revoked_at else "",
        )
    console.print(table)


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
    if (token is None) == (name is None):
        raise fail("Give the token (rwy_…) or --name NAME, not both.")
    settings = load_settings()
    revoked = run_in_transaction(
        settings.database_url,
        lambda session: access_queries.revoke_tokens(
            session, token=token, name=name, now=datetime.now(UTC)
        ),
    )
    console.print(f"Revoked {revoked} token{'' if revoked == 1 else 's'}.", highlight=False)
    if revoked == 0:
        raise typer.Exit(code=1)
