"""Per-token limits and the request timeout (app/limits.py), over real HTTP through the app."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from app.asgi import create_app
from app.job_options import AssessmentJobOptions
from app.limits import KnownTokens, RequestLimits, bearer_fingerprint, client_key
from app.settings import Settings
from tests.conftest import Database
from tests.factories import make_token

QUERY = b'{"query": "{ viewer { name } }"}'

Serve = Callable[[RequestLimits], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def serve(database: Database) -> AsyncIterator[Serve]:
    """Start the app with the given limits; every app started is stopped afterwards."""
    apps: list[tuple[object, httpx.AsyncClient]] = []
    stops: list[Callable[[], Awaitable[None]]] = []

    async def start(limits: RequestLimits) -> httpx.AsyncClient:
        settings = Settings(
            database_url=database.url,
            requests=limits,
            assessments=AssessmentJobOptions(in_server=False),
            _env_file=None,  # type: ignore[call-arg]
        )
        app = create_app(settings)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        apps.append((app, http))

        async def stop() -> None:
            await http.aclose()
            await lifespan.__aexit__(None, None, None)

        stops.append(stop)
        return http

    yield start
    for stop in reversed(stops):
        await stop()


class HeldBody:
    """A request body that arrives only when released: its request stays in flight meanwhile."""

    def __init__(self) -> None:
        self.reading = asyncio.Event()
        self.release = asyncio.Event()

    async def chunks(self) -> AsyncIterator[bytes]:
        self.reading.set()
        await self.release.wait()
        yield QUERY


def _post(
    http: httpx.AsyncClient, token: str, body: HeldBody | None = None
) -> Awaitable[httpx.Response]:
    content = body.chunks() if body is not None else QUERY
    return http.post(
        "/graphql",
        content=content,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


async def accepted(http: httpx.AsyncClient, database: Database, name: str) -> str:
    """A new token, used once: accepted by authentication, it counts against itself from now
    on (before that, against its sender's address)."""
    token = await make_token(database.sessions, name=name)
    assert (await _post(http, token)).status_code == 200
    return token


async def test_a_token_past_its_concurrency_gets_429_and_others_do_not(
    serve: Serve, database: Database
) -> None:
    http = await serve(RequestLimits(concurrent=1, queued=0))
    busy = await accepted(http, database, "busy")
    other = await accepted(http, database, "other")
    held = HeldBody()
    first = asyncio.create_task(_post(http, busy, held))
    await held.reading.wait()  # admitted, and reading its body

    refused = await _post(http, busy)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "1 requests at once" in refused.json()["errors"][0]["message"]
    assert (await _post(http, other)).json() == {"data": {"viewer": {"name": "other"}}}
    health = await http.get("/healthz")
    assert health.status_code == 200

    held.release.set()
    assert (await first).json() == {"data": {"viewer": {"name": "busy"}}}
    assert (await _post(http, busy)).status_code == 200  # its slot is free again


async def test_requests_past_the_running_slots_wait_their_turn(
    serve: Serve, database: Database
) -> None:
    http = await serve(RequestLimits(concurrent=1, queued=1))
    token = await accepted(http, database, "queued")
    held = HeldBody()
    first = asyncio.create_task(_post(http, token, held))
    await held.reading.wait()
    second = asyncio.create_task(_post(http, token))
    held.release.set()
    assert [(await task).status_code for task in (first, second)] == [200, 200]


async def test_a_token_past_its_rate_gets_429_with_retry_after(
    serve: Serve, database: Database
) -> None:
    # A bucket of 2 that refills one request every 1,000 seconds.
    http = await serve(RequestLimits(per_second=0.001, burst=2, tracked_clients=1))
    token = await accepted(http, database, "fast")
    statuses = [(await _post(http, token)).status_code for _ in range(2)]
    refused = await _post(http, token)
    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1000"
    assert "0.001 requests a second" in refused.json()["errors"][0]["message"]

    # Another token has a bucket of its own; remembering only one client, the first one's
    # bucket is forgotten (idle), so memory stays bounded however many tokens call.
    other = await accepted(http, database, "other")
    assert (await _post(http, other)).status_code == 200
    assert (await _post(http, token)).status_code == 200


async def test_a_request_past_the_timeout_is_stopped_with_a_coded_504(
    serve: Serve, database: Database
) -> None:
    http = await serve(RequestLimits(timeout_seconds=0.05))
    token = await accepted(http, database, "slow")
    held = HeldBody()  # never released: the request can only end by the timeout
    response = await _post(http, token, held)
    assert response.status_code == 504
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "TIMEOUT"
    assert "longer than 0.05 seconds" in error["message"]
    held.release.set()
    assert (await _post(http, token)).status_code == 200


def test_requests_count_against_their_accepted_token_else_their_address() -> None:
    def scope(headers: list[tuple[bytes, bytes]]) -> dict[str, object]:
        return {"headers": headers, "client": ("10.1.2.3", 5000)}

    known = KnownTokens()
    bearer = [(b"authorization", b"Bearer rwy_secret")]
    assert client_key(scope(bearer), known) == "address:10.1.2.3"  # not yet accepted
    fingerprint = bearer_fingerprint(b"Bearer rwy_secret")
    assert fingerprint is not None
    known.add(fingerprint)
    token = client_key(scope(bearer), known)
    assert token.startswith("token:") and "rwy_secret" not in token
    assert client_key(scope([(b"authorization", b"Bearer  rwy_secret ")]), known) == token
    assert client_key(scope([]), known) == "address:10.1.2.3"
    assert client_key(scope([(b"authorization", b"Basic abc")]), known) == "address:10.1.2.3"
    assert client_key({"headers": []}, known) == "address:unknown"


def test_known_tokens_keep_the_most_recent() -> None:
    known = KnownTokens(capacity=2)
    for fingerprint in ("a", "b", "a", "c"):
        known.add(fingerprint)
    assert ("a" in known, "b" in known, "c" in known) == (True, False, True)


async def test_made_up_tokens_share_their_address_s_limits(
    serve: Serve, database: Database
) -> None:
    """A new made-up token on every request gets no fresh bucket: unknown tokens count against
    the sender's address, while an accepted token keeps its own limits."""
    http = await serve(RequestLimits(per_second=0.01, burst=3))
    real = await make_token(database.sessions, name="real")
    assert (await _post(http, real)).status_code == 200  # accepted: it has its own bucket now
    answers = [(await _post(http, f"rwy_made_up_{n}")).status_code for n in range(4)]
    assert answers == [200, 200, 429, 429]  # the address's burst of 3, the first spent above
    assert (await http.get("/healthz")).status_code == 429  # the same address, limited too
    assert (await _post(http, real)).status_code == 200


async def test_the_body_limit_guards_every_route_the_webhook_included(serve: Serve) -> None:
    """The webhook is unauthenticated and reads its whole body to check the signature: the
    body limit refuses an oversized one before that, as it does for /graphql."""
    http = await serve(RequestLimits())
    oversized = b"[" + b"0," * 600_000 + b"0]"  # 1.2 MB of valid JSON
    for path in ("/webhooks/qbo", "/graphql"):
        response = await http.post(
            path, content=oversized, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413, path
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    unsigned = await http.post("/webhooks/qbo", content=b"[]")  # within the limit: verified
    assert unsigned.status_code == 401
