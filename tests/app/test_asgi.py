"""The app over real HTTP (httpx through the ASGI transport): health and the businesses query."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from app.asgi import create_app
from app.limits import RequestLimits
from app.migrations import code_heads, upgrade_database_async
from app.settings import Settings
from schema.relay import global_id
from tests.conftest import Database
from tests.factories import make_business, make_token

BUSINESSES = """
query Businesses($first: Int, $after: String, $search: String) {
  businesses(first: $first, after: $after, search: $search) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id realmId name currency timezone } }
  }
}
"""


@pytest.fixture
async def client(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An admin client that sees every business."""
    token = await make_token(database.sessions)
    app: Starlette = create_app(Settings(database_url=database.url, _env_file=None))  # type: ignore[call-arg]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://runway.test",
            headers={"Authorization": f"Bearer {token}"},
        ) as http:
            yield http


async def _graphql(client: httpx.AsyncClient, query: str, **variables: object) -> dict[str, object]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@asynccontextmanager
async def served(database_url: str, token: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """The app at ``database_url`` through the ASGI transport, with ``token`` if given."""
    app = create_app(Settings(database_url=database_url, _env_file=None))  # type: ignore[call-arg]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://runway.test", headers=headers
        ) as http:
            yield http


async def test_healthz_is_ready_only_at_the_code_s_migration_head(database_url: str) -> None:
    """Never migrated, then behind, then at the head: only the last is ready."""
    async with served(database_url) as http:
        never = await http.get("/healthz")
    await upgrade_database_async(database_url, "0003")
    async with served(database_url) as http:
        behind = await http.get("/healthz")
    await upgrade_database_async(database_url)
    async with served(database_url) as http:
        ready = await http.get("/healthz")

    assert never.status_code == 503
    assert never.json()["database"] == "schema_missing"
    assert "runway db upgrade" in never.json()["message"]
    assert behind.status_code == 503
    assert behind.json()["database"] == "schema_outdated"
    assert behind.json()["revision"] == ["0003"]
    assert behind.json()["expected"] == sorted(code_heads())
    assert (ready.status_code, ready.json()) == (200, {"status": "ok", "database": "ok"})


UNREACHABLE_URL = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
"""Nothing listens on port 1: connecting is refused at once."""


async def test_healthz_reports_an_unreachable_database() -> None:
    async with served(UNREACHABLE_URL) as http:
        response = await http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


async def test_graphql_with_postgresql_unreachable_is_a_coded_503_to_retry() -> None:
    """Authentication is the first to touch the database; its failure is JSON, not a bare 500."""
    async with served(UNREACHABLE_URL, token="rwy_anything") as http:
        response = await http.post("/graphql", json={"query": "{ viewer { name } }"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "UNAVAILABLE", "reason": "unreachable"}
    assert "retry" in error["message"]


async def test_graphql_on_a_never_migrated_database_says_to_upgrade_not_retry(
    database_url: str,
) -> None:
    async with served(database_url, token="rwy_anything") as http:
        response = await http.post("/graphql", json={"query": "{ viewer { name } }"})
    assert response.status_code == 503
    assert "retry-after" not in response.headers
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "UNAVAILABLE", "reason": "schema_missing"}
    assert "runway db upgrade" in error["message"]


async def test_graphql_on_a_database_that_cannot_be_opened_names_the_reason(
    database_url: str,
) -> None:
    """A PostgreSQL database never created; a SQLite file in a directory that doesn't exist."""
    if database_url.startswith("postgresql"):
        missing, reason = database_url.rsplit("/", 1)[0] + "/runway_never_created", "missing"
    else:
        missing, reason = database_url.replace("/runway.db", "/gone/runway.db"), "cannot_open"
    async with served(missing, token="rwy_anything") as http:
        response = await http.post("/graphql", json={"query": "{ viewer { name } }"})
        health = await http.get("/healthz")
    assert response.status_code == 503
    assert "retry-after" not in response.headers
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAVAILABLE", "reason": reason}
    assert health.json()["database"] == reason


async def test_businesses_pages_by_name_with_stable_cursors(
    client: httpx.AsyncClient, database: Database
) -> None:
    for name in ["Cedar Bakery", "Alder Dental", "Birch Plumbing"]:
        await make_business(database.sessions, name=name, timezone="America/New_York")

    first = await _graphql(client, BUSINESSES, first=2)
    connection = first["data"]["businesses"]  # type: ignore[index]
    assert connection["totalCount"] == 3
    assert [e["node"]["name"] for e in connection["edges"]] == ["Alder Dental", "Birch Plumbing"]
    assert connection["pageInfo"]["hasNextPage"] is True
    assert connection["edges"][0]["node"]["timezone"] == "America/New_York"

    # A business inserted before the cursor must not shift the next page.
    await make_business(database.sessions, name="Aspen Cafe")
    second = await _graphql(client, BUSINESSES, first=2, after=connection["pageInfo"]["endCursor"])
    page = second["data"]["businesses"]  # type: ignore[index]
    assert [e["node"]["name"] for e in page["edges"]] == ["Cedar Bakery"]
    assert page["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": page["edges"][0]["cursor"],
    }


async def test_business_by_global_id_and_search(
    client: httpx.AsyncClient, database: Database
) -> None:
    await make_business(database.sessions, name="Alder Dental", realm_id="4620816365000000001")
    found = await _graphql(client, BUSINESSES, search="dental")
    edges = found["data"]["businesses"]["edges"]  # type: ignore[index]
    assert [e["node"]["realmId"] for e in edges] == ["4620816365000000001"]

    global_id = edges[0]["node"]["id"]
    one = await _graphql(
        client, "query($id: ID!) { business(id: $id) { name currency } }", id=global_id
    )
    assert one["data"] == {"business": {"name": "Alder Dental", "currency": "USD"}}

    missing = await _graphql(
        client, "query($id: ID!) { business(id: $id) { name } }", id="QnVzaW5lc3M6OTk5OTk="
    )
    assert missing["data"] == {"business": None}


async def test_search_treats_like_wildcards_literally(
    client: httpx.AsyncClient, database: Database
) -> None:
    await make_business(database.sessions, name="100% Organic")
    await make_business(database.sessions, name="1000 Lakes")
    found = await _graphql(client, BUSINESSES, search="100%")
    names = [e["node"]["name"] for e in found["data"]["businesses"]["edges"]]  # type: ignore[index]
    assert names == ["100% Organic"]


@pytest.mark.parametrize(("first", "after"), [(501, None), (-1, None), (10, "not-a-cursor")])
async def test_bad_page_requests_are_clear_errors(
    client: httpx.AsyncClient, first: int, after: str | None
) -> None:
    body = await _graphql(client, BUSINESSES, first=first, after=after)
    assert body["data"] is None
    errors = body["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"  # type: ignore[index]


async def test_graphiql_is_served_to_browsers(
    client: httpx.AsyncClient, database: Database
) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
    async with database.engine.connect() as connection:
        assert (await connection.execute(text("select count(*) from business"))).scalar_one() == 0


async def test_oversized_bodies_are_refused_before_parsing(client: httpx.AsyncClient) -> None:
    declared = await client.post("/graphql", content=b"x" * 1_100_000)
    assert declared.status_code == 413
    assert declared.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

    async def stream() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * 100_000

    streamed = await client.post(
        "/graphql", content=stream(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    after = await client.post("/graphql", json={"query": "{ viewer { name } }"})
    assert after.status_code == 200  # the server goes on answering


async def test_database_trouble_gives_clients_the_reason_but_no_host_user_or_path(
    database_url: str,
) -> None:
    """The operator's message names the host, user, database or file (the CLI and the server's
    log); an API client, on /graphql and /healthz alike, gets the reason and nothing of that."""
    if database_url.startswith("postgresql"):
        url = make_url(database_url)
        troubled = [
            "postgresql+asyncpg://runway_secret_user@127.0.0.1:1/runway_secret_db",
            url.set(database="runway_never_created").render_as_string(hide_password=False),
            url.set(username="runway_no_such_role").render_as_string(hide_password=False),
        ]
        hidden = ["127.0.0.1", "runway_secret", "runway_never_created", "runway_no_such_role"]
    else:
        directory = database_url.removeprefix("sqlite+aiosqlite:///").rsplit("/", 1)[0]
        troubled = [database_url.replace("/runway.db", "/gone/runway.db")]
        hidden = [directory, "gone"]
    reasons = []
    for troubled_url in troubled:
        async with served(troubled_url, token="rwy_anything") as http:
            answers = [
                await http.post("/graphql", json={"query": "{ viewer { name } }"}),
                await http.get("/healthz"),
            ]
        for answer in answers:
            assert answer.status_code == 503, answer.text
            assert [part for part in hidden if part in answer.text] == [], answer.text
        reasons.append(answers[0].json()["errors"][0]["extensions"]["reason"])
    expected = ["unreachable", "missing", "login_refused"]
    assert reasons == (expected if len(troubled) == 3 else ["cannot_open"])


async def test_cors_answers_only_the_configured_origins_and_never_with_credentials(
    database: Database,
) -> None:
    token = await make_token(database.sessions)
    allowed, other = "https://app.example.com", "https://evil.example"
    settings = Settings(
        database_url=database.url,
        cors_origins=[allowed],
        requests=RequestLimits(burst=2, per_second=0.001),  # the token's third is refused
        _env_file=None,  # type: ignore[call-arg]
    )
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    request = {"json": {"query": "{ viewer { name } }"}}
    bearer = {"Authorization": f"Bearer {token}"}
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            granted = await http.options("/graphql", headers={"Origin": allowed, **preflight})
            refused = await http.options("/graphql", headers={"Origin": other, **preflight})
            mine = await http.post("/graphql", headers={"Origin": allowed, **bearer}, **request)
            theirs = await http.post("/graphql", headers={"Origin": other, **bearer}, **request)
            # The first request counted against the address (the token was not accepted yet);
            # ``theirs`` and this one spend the token's own bucket of 2.
            await http.post("/graphql", headers={"Origin": allowed, **bearer}, **request)
            limited = await http.post("/graphql", headers={"Origin": allowed, **bearer}, **request)

    assert granted.status_code == 200
    assert granted.headers["access-control-allow-origin"] == allowed
    assert set(granted.headers["access-control-allow-methods"].split(", ")) == {"GET", "POST"}
    assert "access-control-allow-credentials" not in granted.headers
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert mine.headers["access-control-allow-origin"] == allowed
    assert "access-control-allow-credentials" not in mine.headers
    assert "access-control-allow-origin" not in theirs.headers  # a browser can't read it
    # Refusals are labelled too, so the allowed app can read its 429 and Retry-After.
    assert limited.status_code == 429
    assert limited.headers["access-control-allow-origin"] == allowed

    # Without RUNWAY_CORS_ORIGINS, no origin is allowed at all.
    async with served(database.url, token=token) as http:
        plain = await http.post("/graphql", headers={"Origin": allowed}, **request)
    assert plain.status_code == 200
    assert "access-control-allow-origin" not in plain.headers


async def test_a_request_finding_no_free_connection_is_a_503_to_retry(database: Database) -> None:
    """The pool is exhausted (one connection, held here): the request waits its timeout, then
    gets a coded 503 with Retry-After instead of a 500; freed, the same request succeeds."""
    token = await make_token(database.sessions)
    settings = Settings(
        database_url=database.url,
        database_pool_size=1,
        database_max_overflow=0,
        database_pool_timeout=0.2,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://runway.test",
            headers={"Authorization": f"Bearer {token}"},
        ) as http:
            request = {"query": "{ viewer { name } }"}
            async with app.state.resources.engine.connect() as held:
                await held.execute(text("select 1"))
                busy = await http.post("/graphql", json=request)
            free = await http.post("/graphql", json=request)

    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert busy.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    assert "Traceback" not in busy.text
    assert (free.status_code, free.json()) == (200, {"data": {"viewer": {"name": "test"}}})


async def test_a_bare_database_id_is_bad_input_naming_the_global_id(
    client: httpx.AsyncClient, database: Database
) -> None:
    """``business(id: "2")`` used to be a silent null; the CLI shows both forms of id."""
    business = await make_business(database.sessions)
    number = str(business.id)
    wanted = global_id("Business", business.id)

    body = await _graphql(client, "query($id: ID!) { business(id: $id) { name } }", id=number)
    tray = await _graphql(
        client, "query($id: ID!) { hygieneTray(businessId: $id) { totalCount } }", id=number
    )
    found = await _graphql(client, "query($id: ID!) { business(id: $id) { name } }", id=wanted)

    for answer in (body, tray):
        error = answer["errors"][0]  # type: ignore[index]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert f"is {wanted!r}" in error["message"]
    assert found == {"data": {"business": {"name": business.name}}}


async def test_an_inactive_business_is_still_listed_and_its_views_still_answer(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Deactivating stops the background work on a business, not what its tokens can read."""
    business = await make_business(database.sessions, name="Dormant Dental", active=False)
    query = (
        "query($id: ID!) { businesses { totalCount } "
        "hygieneTray(businessId: $id) { totalCount } "
        "decisionConsole(businessId: $id) { bills { totalCount } } }"
    )

    body = await _graphql(client, query, id=global_id("Business", business.id))

    assert body == {
        "data": {
            "businesses": {"totalCount": 1},
            "hygieneTray": {"totalCount": 0},
            "decisionConsole": {"bills": {"totalCount": 0}},
        }
    }
