"""The real app over HTTP, its clock pinned at ``NOW``: in this process (``httpx.ASGITransport``),
or under uvicorn in a child process on a loopback port (``serve_tcp``).

``serve_tcp`` runs, from the repository's root, with ``RUNWAY_DATABASE_URL`` set to the target::

    python -m uvicorn bench.api:served_app --factory --host 127.0.0.1 --port PORT \
        --log-level warning --no-access-log

which is ``runway serve`` (one uvicorn process, the app's default settings) less the access log,
and with the per-token request limits lifted (``BENCH_LIMITS``): every benchmark client shares one
token, standing for many users, and what is measured is the server, not the limiter (the peer has
none).
"""

import sys
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from app.asgi import create_app
from app.job_options import AssessmentJobOptions
from app.limits import RequestLimits
from app.settings import Settings
from bench.databases import Target
from bench.fixtures import NOW
from bench.servers import HOST, serving
from domains.access import queries as access_queries

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "docs" / "queries"
ADVISOR_OVERVIEW = (QUERIES / "advisor_overview.graphql").read_text()


BENCH_LIMITS = RequestLimits(concurrent=1000, queued=10_000, per_second=1e9, burst=1_000_000_000)
"""Per-token limits no benchmark reaches (the defaults would refuse its single token's load)."""
BENCH_LIMITS_ENV = {
    "RUNWAY_REQUESTS__CONCURRENT": str(BENCH_LIMITS.concurrent),
    "RUNWAY_REQUESTS__QUEUED": str(BENCH_LIMITS.queued),
    "RUNWAY_REQUESTS__PER_SECOND": str(BENCH_LIMITS.per_second),
    "RUNWAY_REQUESTS__BURST": str(BENCH_LIMITS.burst),
}


class QueryFailed(RuntimeError):
    """A GraphQL answer with errors: a benchmark must never time a failure."""


@dataclass
class Api:
    """A client of one app."""

    http: httpx.AsyncClient

    async def query(self, query: str, token: str, **variables: Any) -> dict[str, Any]:
        """POST ``query`` and return its ``data``; errors raise."""
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise QueryFailed(f"HTTP {response.status_code}: {body.get('errors')}")
        data: dict[str, Any] = body["data"]
        return data


@asynccontextmanager
async def serve(target: Target) -> AsyncIterator[Api]:
    """``create_app`` on ``target`` with its lifespan running, reached through httpx."""
    # No assessment job in the measured server: what a request costs is what is measured.
    settings = Settings(
        database_url=target.url,
        assessments=AssessmentJobOptions(in_server=False),
        requests=BENCH_LIMITS,
        _env_file=None,
    )
    app = create_app(settings, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://runway.bench", timeout=600
        ) as http:
            yield Api(http)


def served_app() -> Starlette:
    """The app ``serve_tcp``'s uvicorn runs (a factory: settings from ``RUNWAY_*`` variables)."""
    return create_app(Settings(_env_file=None), clock=lambda: NOW)


def uvicorn_argv(port: int) -> Sequence[str]:
    """The command line of ``serve_tcp``'s child (see the module's docstring)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.api:served_app",
        "--factory",
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


async def _healthy(http: httpx.AsyncClient) -> bool:
    return (await http.get("/healthz")).status_code == 200


@asynccontextmanager
async def serve_tcp(target: Target, *, clients: int = 100) -> AsyncIterator[Api]:
    """The app on ``target`` under uvicorn in a child process, reached over loopback TCP by an
    httpx client keeping up to ``clients`` connections open; stopped (SIGTERM) afterwards."""
    async with serving(
        "runway",
        uvicorn_argv,
        ready=_healthy,
        cwd=ROOT,
        env={
            "RUNWAY_DATABASE_URL": target.url,
            "RUNWAY_ASSESSMENTS__IN_SERVER": "false",
            **BENCH_LIMITS_ENV,
        },
    ) as server:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=server.base_url, timeout=600, limits=limits) as http:
            yield Api(http)


async def make_token(
    sessions: async_sessionmaker[AsyncSession],
    *,
    role: str = "admin",
    business_ids: Collection[int] = (),
) -> str:
    """A token for ``business_ids`` (none: every business)."""
    async with sessions.begin() as session:
        return await access_queries.create_token(
            session,
            name="bench",
            role=role,
            business_ids=business_ids,
            all_businesses=not business_ids,
        )
