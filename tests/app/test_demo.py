"""``runway demo``'s database: businesses that differ, and that say why they cannot be synced."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from app.asgi import create_app
from app.db import create_engine, create_session_factory
from app.demo import build_demo_database
from app.settings import Settings
from domains.core.models import Business, SyncRun
from tests.factories import make_token

OVERVIEW = """{
  businesses(first: 10) { edges { node { id name hygiene(first: 0) { issueCount highCount } } } }
}"""
REQUEST_SYNC = """mutation($id: ID!) { requestSync(businessId: $id) { id status error } }"""


@dataclass
class Demo:
    http: httpx.AsyncClient
    token: str
    url: str

    async def query(self, query: str, **variables: str) -> dict[str, object]:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        body: dict[str, object] = response.json()
        return body


@pytest.fixture
async def demo(database_url: str) -> AsyncIterator[Demo]:
    settings = Settings(database_url=database_url, _env_file=None)  # type: ignore[call-arg]
    today = datetime.now(UTC).date()
    await build_demo_database(database_url, businesses=4, seed=7, as_of=today, settings=settings)
    engine = create_engine(database_url)
    try:
        token = await make_token(create_session_factory(engine), role="admin", name="demo")
    finally:
        await engine.dispose()
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            yield Demo(http, token, database_url)


async def test_demo_businesses_differ_in_their_issues(demo: Demo) -> None:
    body = await demo.query(OVERVIEW)
    nodes = [edge["node"] for edge in body["data"]["businesses"]["edges"]]  # type: ignore[index]
    counts = [(node["hygiene"]["issueCount"], node["hygiene"]["highCount"]) for node in nodes]
    assert len(counts) == 4
    assert len(set(counts)) == 4, counts  # every demo business had 54 issues, 21 high


async def test_a_demo_business_cannot_be_synced_and_says_why(demo: Demo) -> None:
    body = await demo.query(OVERVIEW)
    node = body["data"]["businesses"]["edges"][0]["node"]  # type: ignore[index]

    answer = await demo.query(REQUEST_SYNC, id=node["id"])

    (error,) = answer["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert error["message"].startswith(f"{node['name']} is a demo business")
    engine = create_engine(demo.url)
    try:
        async with create_session_factory(engine)() as session:
            assert await session.scalar(select(func.count()).select_from(SyncRun)) == 4  # the load
            errors = (await session.scalars(select(Business.last_sync_error))).all()
    finally:
        await engine.dispose()
    assert errors == [None] * 4
