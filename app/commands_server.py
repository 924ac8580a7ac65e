"""``runway serve``, ``runway worker`` and ``runway demo``: serve the API, work its jobs, or
build a demo database and serve it."""

import asyncio
import json
from datetime import date
from typing import Annotated
from urllib.parse import quote

import typer
import uvicorn
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli_support import (
    console,
    database_errors_explained,
    ensure_database_ready,
    load_settings,
    run_in_transaction,
)
from app.settings import Settings
from domains.access import queries as access_queries
from resolvers.clock import utc_now
from schema.relay import global_id

HostOption = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOption = Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)]

DEMO_TOKEN_NAME = "demo"  # noqa: S105  (a token's name, not a secret)
"""The name of the admin token ``runway demo`` prints; a new run revokes the previous one."""

WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        help="Server processes on this host (each with its own connections and jobs).",
        min=1,
        max=64,
    ),
]


def _serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    if workers > 1:  # each process builds its app from the environment, as this one checked it
        uvicorn.run(
            "app.asgi:create_app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=settings.log_level.lower(),
            log_config=None,  # uvicorn's records go through app.logs, to stderr
        )
        return
    from app.asgi import create_app  # building the schema is slow; other commands skip it

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        log_config=None,  # uvicorn's records go through app.logs, to stderr
    )


def serve(
    host: HostOption = "127.0.0.1", port: PortOption = 8000, workers: WorkersOption = 1
) -> None:
    """Serve the GraphQL API (run `runway db upgrade` first: it refuses an older schema)."""
    settings = load_settings()
    ensure_database_ready(settings.database_url)
    _serve(settings, host, port, workers)


def worker() -> None:
    """Keep assessments current and work digest runs, apart from the API.

    Run as many as you like, on any host, against one PostgreSQL; stop with Ctrl-C or SIGTERM.
    """
    settings = load_settings()
    ensure_database_ready(settings.database_url)
    from app.worker import run_worker  # the jobs bring the rules and the renderer: only here

    asyncio.run(run_worker(settings))


def demo(
    businesses: Annotated[int, typer.Option(help="How many companies to generate.", min=1)] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the company generator.")] = 7,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    serve: Annotated[bool, typer.Option(help="Start the server after building.")] = True,
) -> None:
    """Build a demo database of generated companies at RUNWAY_DATABASE_URL, then serve it."""
    settings = load_settings()
    from app.demo import build_demo_database  # the fake QBO and its generator: only here

    columns = (SpinnerColumn(finished_text="✓"), TextColumn("{task.description}"))
    with (
        database_errors_explained(settings.database_url),
        Progress(*columns, TimeElapsedColumn(), console=console) as progress,
    ):
        steps: dict[str, TaskID] = {}

        def show(step: str, status: str) -> None:
            if step not in steps:
                for earlier in steps.values():
                    progress.update(earlier, total=1, completed=1)
                steps[step] = progress.add_task(status, total=None)
            progress.update(steps[step], description=status)

        loaded = asyncio.run(
            build_demo_database(
                settings.database_url,
                businesses=businesses,
                seed=seed,
                as_of=date.today(),
                on_step=show,
            )
        )
        for task in steps.values():
            progress.update(task, total=1, completed=1)
    table = Table(
        "id", "global id", "business", "objects", "skipped (malformed)", title="Demo businesses"
    )
    for company in loaded:
        table.add_row(
            str(company.business_id),
            global_id("Business", company.business_id),
            escape(company.name),
            str(company.objects),
            str(company.problems),
        )
    console.print(table)
    token = run_in_transaction(settings.database_url, _replace_demo_token)
    headers = json.dumps({"Authorization": f"Bearer {token}"})
    console.print(
        f"GraphiQL, with the token in its Headers tab: http://{host}:{port}/graphql"
        f"?headers={quote(headers)}",
        soft_wrap=True,
    )
    console.print("Admin API token for every demo business (earlier demo tokens are revoked):")
    print(token, flush=True)  # noqa: T201  (alone on its line, for scripts)
    if serve:
        _serve(settings, host, port)


async def _replace_demo_token(session: AsyncSession) -> str:
    """A new admin token named ``demo``, revoking the live ones earlier runs printed: tokens are
    stored hashed, so an old one can't be shown again, and each run would otherwise leave one
    more live admin token behind."""
    await access_queries.revoke_tokens(session, name=DEMO_TOKEN_NAME, now=utc_now())
    return await access_queries.create_token(
        session, name=DEMO_TOKEN_NAME, role="admin", business_ids=[], all_businesses=True
    )
