"""``runway serve`` and ``runway demo``: serve the API, or build a demo database and serve it."""

import asyncio
import json
from datetime import date
from typing import Annotated
from urllib.parse import quote

import typer
import uvicorn
from rich.table import Table

from app.cli_support import console, load_settings, run_in_transaction
from app.settings import Settings
from domains.access import queries as access_queries

HostOption = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOption = Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)]


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
    """Serve the GraphQL API (run `runway db upgrade` first)."""
    _serve(load_settings(), host, port, workers)


def worker() -> None:
    """Keep assessments current and work digest runs, apart from the API.

    Run as many as you like, on any host, against one PostgreSQL; stop with Ctrl-C or SIGTERM.
    """
    settings = load_settings()
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

    with console.status(f"Generating and loading {businesses} demo businesses…"):
        loaded = asyncio.run(
            build_demo_database(
                settings.database_url, businesses=businesses, seed=seed, as_of=date.today()
            )
        )
    table = Table("id", "business", "objects", "skipped (malformed)", title="Demo businesses")
    for company in loaded:
        table.add_row(
            str(company.business_id), company.name, str(company.objects), str(company.problems)
        )
    console.print(table)
    token = run_in_transaction(
        settings.database_url,
        lambda session: access_queries.create_token(
            session, name="demo", role="admin", business_ids=[], all_businesses=True
        ),
    )
    headers = json.dumps({"Authorization": f"Bearer {token}"})
    console.print(
        f"GraphiQL, with the token in its Headers tab: http://{host}:{port}/graphql"
        f"?headers={quote(headers)}",
        soft_wrap=True,
    )
    console.print("Admin API token for every demo business (send 'Authorization: Bearer <token>'):")
    print(token, flush=True)  # noqa: T201  (alone on its line, for scripts)
    if serve:
        _serve(settings, host, port)
