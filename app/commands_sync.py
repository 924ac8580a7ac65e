"""``runway sync`` and ``runway qbo connect``: keep mirrors current and connect new companies."""

from typing import Annotated

import httpx
import typer
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.assessment_jobs import assess_stale_now
from app.cli_support import BusinessIds, console, fail, load_settings, run_with_sessions
from app.settings import Settings
from resolvers.clock import utc_now
from sync.engine import SyncOutcome, sync_businesses
from sync.oauth import authorize_url
from sync.oauth_state import sign_state
from sync.writer import SyncProgress

qbo_cli = typer.Typer(help="The QuickBooks Online connection.", no_args_is_help=True)


def sync_command(
    business: BusinessIds = None,
    all_businesses: Annotated[
        bool,
        typer.Option("--all", "--all-businesses", help="Sync every connected business."),
    ] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Re-read everything instead of the changes.")
    ] = False,
) -> None:
    """Bring businesses' mirrors up to date from QBO (incremental unless --full or needed)."""
    if bool(business) == all_businesses:
        raise fail("Give --business ID (repeatable) or --all, not both.")
    settings = load_settings()
    outcomes = run_with_sessions(
        settings.database_url,
        lambda sessions: _sync(settings, sessions, business or None, full=full),
    )
    table = Table("business", "kind", "status", "changed", "API calls", "error", title="Sync")
    for outcome in outcomes:
        table.add_row(
            str(outcome.business_id),
            outcome.kind,
            outcome.status,
            str(sum(outcome.changed.values())),
            str(outcome.api_calls),
            outcome.error or "",
        )
    console.print(table if outcomes else "No connected businesses to sync.")
    if any(not outcome.ok for outcome in outcomes):
        raise typer.Exit(code=1)


async def _sync(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    business_ids: list[int] | None,
    *,
    full: bool,
) -> list[SyncOutcome]:
    tasks: dict[int, TaskID] = {}
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:

        def show(step: SyncProgress) -> None:
            description = f"business {step.business_id}: {step.entity}, {step.fetched} read"
            if step.business_id not in tasks:
                tasks[step.business_id] = progress.add_task(description, total=None)
            progress.update(tasks[step.business_id], description=description)

        async with httpx.AsyncClient(timeout=settings.qbo.timeout_seconds) as http:
            outcomes = await sync_businesses(
                business_ids,
                sessions=sessions,
                http=http,
                settings=settings.qbo,
                secret_key=settings.secret_key,
                full=full,
                on_progress=show,
            )
        progress.add_task("Assessing the businesses whose books changed…", total=None)
        await assess_stale_now(
            sessions,
            thresholds=settings.thresholds,
            clock=utc_now,
            options=settings.assessments,
        )
        return outcomes


@qbo_cli.command("connect")
def connect() -> None:
    """Print the URL that connects a QuickBooks company to Runway (valid for 15 minutes)."""
    settings = load_settings()
    if not settings.qbo.client_id:
        raise fail("Set RUNWAY_QBO__CLIENT_ID (and its secret) to your Intuit app's.")
    state = sign_state(settings.secret_key.get_secret_value())
    console.print("Open this URL, choose the company and approve; QBO then redirects to")
    console.print(f"{settings.qbo.redirect_uri}, which stores the connection:")
    # Printed alone on its last line, unwrapped, so scripts can take it.
    console.print(authorize_url(settings.qbo, state=state), soft_wrap=True, highlight=False)
