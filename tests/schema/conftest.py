"""Fixtures for GraphQL tests: the app over real HTTP with a pinned clock, and company loading."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.asgi import create_app
from app.job_options import AssessmentJobOptions
from app.settings import Settings
from sync.fakeqbo.generator import GeneratedCompany
from tests.conftest import Database
from tests.factories import land_companies, make_token
from tests.handbuilt.cinder_forge import cinder_forge
from tests.handbuilt.company import NOW, harborview  # NOW: many modules import it from here
from tests.schema.books import Books


@dataclass
class Api:
    """A client of one app; ``query`` posts GraphQL and returns the decoded body."""

    http: httpx.AsyncClient

    async def query(self, query: str, token: str | None = None, **variables: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        return response.json()


@pytest.fixture
async def api(database: Database) -> AsyncIterator[Api]:
    """The app on ``database`` with its clock pinned at ``NOW``, reached through httpx."""
    # The assessment job stays out of the way: requests assess what they show themselves, and
    # its own passes would land in the tests' statement counts (tests/app tests the job).
    settings = Settings(
        database_url=database.url,
        assessments=AssessmentJobOptions(in_server=False),
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            yield Api(http)


@pytest.fixture
async def admin_token(database: Database) -> str:
    """A token that sees every business."""
    return await make_token(database.sessions, role="admin", name="admin")


LoadCompanies = Callable[[Sequence[GeneratedCompany]], Awaitable[list[int]]]


@pytest.fixture
def load_companies(database: Database) -> LoadCompanies:
    """Load generated (or hand-built) QBO-shaped companies through the real mapper."""

    async def load(companies: Sequence[GeneratedCompany]) -> list[int]:
        return await land_companies(database.sessions, companies, synced_at=NOW)

    return load


@pytest.fixture
async def books(api: Api, admin_token: str, load_companies: LoadCompanies) -> Books:
    """The hand-built books loaded, reached through ``api`` with an admin token."""
    [pk] = await load_companies([harborview()])
    return Books(api, admin_token, pk)


@pytest.fixture
async def crunch(api: Api, admin_token: str, load_companies: LoadCompanies) -> Books:
    """Cinder Forge, the hand-built business in a cash crunch, reached like ``books``."""
    [pk] = await load_companies([cinder_forge()])
    return Books(api, admin_token, pk)
