"""``runway digest generate``: the ``generateDigests`` mutation for cron, worked in this process.

Same code as the mutation: the same business and week resolution, the same run and worker. A run
that other processes help with (PostgreSQL) is worked together; the command returns when the run
is finished, with exit code 1 if every business failed (FAILED), and lists each failure.
"""

from datetime import date
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.cli_support import BusinessIds, console, fail, load_settings, run_with_sessions
from app.settings import Settings
from domains.digests import queries
from domains.digests.models import DigestRun
from resolvers.clock import utc_now
from resolvers.digest_runs import DigestRequest, run_businesses, run_items_page, run_week
from resolvers.errors import DeliveryUnavailable, InvalidDigestRequest, UnknownBusinesses

digest_cli = typer.Typer(help="Weekly digests.", no_args_is_help=True)

REQUESTED_BY = "cli"
FAILURES_SHOWN = 500
"""Failures listed at the end (the rest are counted; ``digestRun`` pages through them all)."""


@digest_cli.command("generate")
def generate(
    business: BusinessIds = None,
    all_businesses: Annotated[
        bool, typer.Option("--all", "--all-businesses", help="Every active business.")
    ] = False,
    week_of: Annotated[
        str | None,
        typer.Option(
            "--week-of",
            help="Any day (YYYY-MM-DD) of the week to digest; default: this week in UTC.",
        ),
    ] = None,
    deliver: Annotated[
        bool, typer.Option("--deliver", help="E-mail the digests (needs RUNWAY_SMTP_URL).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Recompute digests already stored for the week.")
    ] = False,
) -> None:
    """Generate the week's digests, as the generateDigests mutation does (for cron)."""
    if bool(business) == all_businesses:
        raise fail("Give --business ID (repeatable) or --all, not both.")
    try:
        week = date.fromisoformat(week_of) if week_of else None
    except ValueError:
        raise fail(f"--week-of must be a date like 2026-11-16, got {week_of!r}.") from None
    settings = load_settings()
    try:
        run = run_with_sessions(
            settings.database_url,
            lambda sessions: _generate(settings, sessions, business or None, week, deliver, force),
        )
    except (InvalidDigestRequest, DeliveryUnavailable) as error:
        raise fail(str(error)) from None
    except UnknownBusinesses as error:
        missing = ", ".join(str(business_id) for business_id in error.missing)
        raise fail(f"No business with id {missing}; `runway business list` shows them.") from None
    if run.status == queries.RUN_FAILED:
        raise typer.Exit(code=1)


async def _generate(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    business_ids: list[int] | None,
    week_of: date | None,
    deliver: bool,
    force: bool,
) -> DigestRun:
    from app.digest_jobs import digest_jobs_for  # the renderer: no other command loads it

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Digests", total=None)

        def show(run: DigestRun) -> None:
            description = f"Digest run {run.id}, week of {run.week_start}: {run.failed} failed"
            progress.update(
                task, total=run.total, completed=run.done + run.failed, description=description
            )

        jobs = digest_jobs_for(settings, sessions, clock=utc_now, on_progress=show)
        request = DigestRequest(
            business_ids=await run_businesses(sessions, allowed_ids=None, requested=business_ids),
            week_start=run_week(week_of, now=utc_now()),
            requested_by=REQUESTED_BY,
            deliver=deliver,
            force=force,
        )
        created = await jobs.request(request)
        assert created.id is not None
        show(created)
        run = await jobs.work(created.id)
    await _report(sessions, run)
    return run


async def _report(sessions: async_sessionmaker[AsyncSession], run: DigestRun) -> None:
    """The run's outcome (saying how many digests were reused rather than computed), and a
    table of the businesses that failed and why."""
    assert run.id is not None
    colour = {"SUCCEEDED": "green", "PARTIAL": "yellow"}.get(run.status, "red")
    reused = await _count_reused(sessions, run.id)
    console.print(
        f"Digest run {run.id}, week of {run.week_start}: [{colour}]{run.status}[/{colour}] "
        f"({run.done} done, {run.failed} failed of {run.total})"
    )
    if reused:
        console.print(
            f"Reused the digests already stored for the week of {reused} business"
            f"{'' if reused == 1 else 'es'} (--force recomputes them).",
            highlight=False,
        )
    if not run.failed:
        return
    page = await run_items_page(
        sessions, run_id=run.id, status=queries.ITEM_FAILED, first=FAILURES_SHOWN, after=None
    )
    table = Table("business", "name", "error", title="Failed businesses")
    for failure in page.items:
        table.add_row(
            str(failure.item.business_id), failure.business_name, failure.item.error or ""
        )
    console.print(table)
    if page.has_next_page:
        console.print(f"…and {page.total_count - len(page.items)} more (see digestRun).")


async def _count_reused(sessions: async_sessionmaker[AsyncSession], run_id: int) -> int:
    """Done items whose digest was already stored, read a page (of 500) at a time."""
    reused, after = 0, None
    while True:
        page = await run_items_page(
            sessions, run_id=run_id, status=queries.ITEM_DONE, first=FAILURES_SHOWN, after=after
        )
        reused += sum(1 for done in page.items if done.item.reused)
        if not page.has_next_page:
            return reused
        after = page.cursors[-1]
