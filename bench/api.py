"""The real app over HTTP in this process (``httpx.ASGITransport``), its clock pinned at ``NOW``."""

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.asgi import create_app
from app.settings import Settings
from bench.databases import Target
from bench.fixtures import NOW
from domains.access import queries as access_queries

QUERIES = Path(__file__).resolve().parent.parent / "docs" / "queries"
ADVISOR_OVERVIEW = (QUERIES / "advisor_overview.graphql").read_text()


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
    settings = Settings(database_url=target.url, _env_file=None)
    app = create_app(settings, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://runway.bench", timeout=600
        ) as http:
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
