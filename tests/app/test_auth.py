"""Bearer tokens: who may call, what each role may do, and which businesses each token sees."""

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select, update
from sqlmodel import col

from app.asgi import create_app
from app.db import create_engine, create_session_factory
from app.migrations import upgrade_database_async
from app.settings import Settings
from domains.access.models import ApiToken
from domains.access.queries import get_caller, hash_token
from tests.conftest import Database
from tests.factories import make_business, make_token

NAMES = "{ businesses { totalCount edges { node { name } } } }"
ONE = "query($id: ID!) { business(id: $id) { name } }"

Client = Callable[[str | None], httpx.AsyncClient]


@pytest.fixture
async def client_for(database: Database) -> AsyncIterator[Client]:
    """Clients of one app, each sending the given token (or none)."""
    app = create_app(Settings(database_url=database.url, _env_file=None))  # type: ignore[call-arg]
    transport = httpx.ASGITransport(app=app)
    clients: list[httpx.AsyncClient] = []

    def make(token: str | None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers)
        clients.append(client)
        return client

    async with app.router.lifespan_context(app):
        yield make
    for client in clients:
        await client.aclose()


async def _post(client: httpx.AsyncClient, query: str, **variables: object) -> dict[str, object]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, object] = response.json()
    return body


async def test_missing_token_is_unauthenticated(database: Database, client_for: Client) -> None:
    await make_business(database.sessions, name="Alder Dental")
    body = await _post(client_for(None), NAMES)
    assert body["data"] is None
    error = body["errors"][0]  # type: ignore[index]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Bearer" in error["message"]


@pytest.mark.parametrize("token", ["rwy_not-a-real-token", "Basic abc"])
async def test_unknown_token_is_unauthenticated(client_for: Client, token: str) -> None:
    body = await _post(client_for(token), NAMES)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]


async def test_a_revoked_token_is_unauthenticated(database: Database, client_for: Client) -> None:
    await make_business(database.sessions, name="Mine Bakery")
    token = await make_token(database.sessions)
    client = client_for(token)
    assert "errors" not in await _post(client, NAMES)

    async with database.sessions.begin() as session:
        await session.execute(
            update(ApiToken)
            .where(col(ApiToken.token_hash) == hash_token(token))
            .values(revoked_at=datetime.now(UTC))
        )

    body = await _post(client, NAMES)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]
    assert body["data"] is None


async def test_scoped_token_sees_only_its_businesses(
    database: Database, client_for: Client
) -> None:
    mine = await make_business(database.sessions, name="Mine Bakery")
    theirs = await make_business(database.sessions, name="Theirs Plumbing")
    assert mine.id is not None and theirs.id is not None
    token = await make_token(database.sessions, role="viewer", business_ids=[mine.id])
    client = client_for(token)

    listed = await _post(client, NAMES)
    assert listed["data"] == {
        "businesses": {"totalCount": 1, "edges": [{"node": {"name": "Mine Bakery"}}]}
    }
    admin = client_for(await make_token(database.sessions))
    everyone = await _post(admin, "{ businesses { edges { node { id name } } } }")
    ids = {e["node"]["name"]: e["node"]["id"] for e in everyone["data"]["businesses"]["edges"]}  # type: ignore[index]

    assert (await _post(client, ONE, id=ids["Mine Bakery"]))["data"] == {
        "business": {"name": "Mine Bakery"}
    }
    # Another tenant's business answers exactly as a missing one.
    other = await _post(client, ONE, id=ids["Theirs Plumbing"])
    missing = await _post(client, ONE, id="QnVzaW5lc3M6OTk5OTk5")
    assert other == missing == {"data": {"business": None}}


def _runway(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RUNWAY_DATABASE_URL": database_url}
    return subprocess.run(  # noqa: S603  (our own CLI, fixed arguments)
        [sys.executable, "-m", "app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_token_create_prints_the_token_alone_on_the_last_line(database_url: str) -> None:
    await upgrade_database_async(database_url)
    result = _runway(
        "token", "create", "--role", "admin", "--all-businesses", database_url=database_url
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("rwy_") and " " not in token


async def test_token_create_refuses_bad_input_and_writes_nothing(database_url: str) -> None:
    await upgrade_database_async(database_url)
    for args in (
        ["--role", "superuser", "--all-businesses"],
        ["--role", "viewer"],
        ["--role", "viewer", "--business", "424242"],
    ):
        result = _runway("token", "create", *args, database_url=database_url)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
    from app.db import create_engine, create_session_factory

    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            assert (await session.scalars(select(ApiToken))).all() == []
    finally:
        await engine.dispose()


async def test_token_revoke_by_token_or_name_refuses_the_token_from_then_on(
    database_url: str,
) -> None:
    await upgrade_database_async(database_url)
    created = [
        _runway("token", "create", "--role", "viewer", "--all-businesses", "--name", name,
                database_url=database_url).stdout.strip().splitlines()[-1]
        for name in ("leaked", "ci", "ci")
    ]  # fmt: skip

    assert _runway("token", "revoke", created[0], database_url=database_url).returncode == 0
    by_name = _runway("token", "revoke", "--name", "ci", database_url=database_url)
    assert by_name.returncode == 0 and "Revoked 2 tokens" in by_name.stdout
    again = _runway("token", "revoke", created[0], database_url=database_url)
    assert again.returncode == 1 and "Revoked 0 tokens" in again.stdout
    assert _runway("token", "revoke", database_url=database_url).returncode == 2

    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            callers = [await get_caller(session, token=token) for token in created]
    finally:
        await engine.dispose()
    assert callers == [None, None, None]
