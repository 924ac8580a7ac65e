"""What one client may ask of the server over HTTP, refused before any GraphQL work is done.

- ``BodySizeLimit``: GraphQL's token and depth limits only run after the body is read and parsed;
  this refuses an oversized body first, by its ``Content-Length`` or as it streams in, with a 413.
- ``TokenLimits``: per bearer token that authentication accepted (otherwise per client
  address, so made-up tokens share their sender's limits), at most
  ``concurrent`` requests run at once and ``queued`` more wait their turn (beyond that a 429),
  a leaky bucket of ``burst`` requests refills at ``per_second`` (beyond that a 429 with the
  seconds until there is room in ``Retry-After``), and a request that runs longer than
  ``timeout_seconds`` is stopped with a 504 ``TIMEOUT``. The limits are per process: with
  ``runway serve --workers N`` a token gets N times them.

What a single query may cost is the schema's to refuse (``schema.query_cost``).
"""

import asyncio
import hashlib
import json
import math
from collections import OrderedDict
from dataclasses import dataclass, field

from aiolimiter import AsyncLimiter
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY_BYTES = 1_048_576


class RequestLimits(BaseModel):
    """``RUNWAY_REQUESTS__*``: what one token may ask of one server process."""

    concurrent: int = Field(default=8, ge=1, le=1000)
    """Requests of one token running at once."""
    queued: int = Field(default=32, ge=0, le=10_000)
    """Requests of one token waiting for one of its running slots; more get a 429."""
    per_second: float = Field(default=50.0, gt=0)
    """Sustained requests a second of one token."""
    burst: int = Field(default=100, ge=1)
    """Requests one token may send at once before ``per_second`` applies."""
    timeout_seconds: float = Field(default=30.0, gt=0)
    """A GraphQL request running longer is stopped and answered 504 ``TIMEOUT``."""
    tracked_clients: int = Field(default=10_000, ge=1)
    """Tokens (and addresses) whose buckets are remembered; the least recently seen go first."""


class BodySizeLimit:
    """ASGI middleware answering 413 for request bodies over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        tripped = refused = False

        async def limited_receive() -> Message:
            nonlocal received, tripped
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    tripped = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            # The app may catch _TooLarge and answer on its own (strawberry answers 400): once the
            # limit has tripped, whatever it sends is replaced by the 413.
            nonlocal refused
            if not tripped:
                await send(message)
            elif not refused:
                refused = True
                await self._refuse(send)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _TooLarge:
            if not refused:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "errors": [
                    {
                        "message": f"Request body is larger than {self.max_bytes} bytes.",
                        "extensions": {"code": "PAYLOAD_TOO_LARGE"},
                    }
                ]
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    """Raised inside ``receive`` to stop reading a body that grew past the limit."""


def _error_body(message: str, code: str) -> bytes:
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def bearer_fingerprint(authorization: bytes) -> str | None:
    """The SHA-256 of an ``Authorization: Bearer`` header's token (the clear token is kept
    nowhere), or ``None`` for any other header."""
    scheme, _, token = authorization.partition(b" ")
    if scheme.lower() == b"bearer" and token.strip():
        return hashlib.sha256(token.strip()).hexdigest()
    return None


class KnownTokens:
    """Fingerprints of the tokens authentication accepted lately (bounded, least recent out).

    Only these are counted as tokens: a made-up token on every request would otherwise get fresh
    buckets each time, so a request bearing a token never seen valid counts against its address.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._seen: OrderedDict[str, None] = OrderedDict()

    def add(self, fingerprint: str) -> None:
        self._seen[fingerprint] = None
        self._seen.move_to_end(fingerprint)
        while len(self._seen) > self._capacity:
            self._seen.popitem(last=False)

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self._seen


def client_key(scope: Scope, known: KnownTokens) -> str:
    """Whom a request counts against: its bearer token once authentication has accepted it,
    else the client's address."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            fingerprint = bearer_fingerprint(value)
            if fingerprint is not None and fingerprint in known:
                return "token:" + fingerprint
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


@dataclass
class _Client:
    """One token's running slots and leaky bucket."""

    slots: asyncio.Semaphore
    bucket: AsyncLimiter
    waiting: int = 0
    running: int = 0


@dataclass
class TokenLimits:
    """ASGI middleware applying ``RequestLimits`` to the paths in ``paths`` (see module)."""

    app: ASGIApp
    limits: RequestLimits = field(default_factory=RequestLimits)
    known: KnownTokens = field(default_factory=KnownTokens)
    """The tokens authentication accepted (it adds them; see ``KnownTokens``)."""
    paths: tuple[str, ...] = ("/graphql", "/healthz")
    """Limited paths: not the QBO routes, whose responses carry their syncs as background
    tasks (the timeout would cut them short); they check a signature or a MAC first."""
    _clients: OrderedDict[str, _Client] = field(default_factory=OrderedDict, init=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        client = self._client(client_key(scope, self.known))
        if not client.bucket.has_capacity():
            wait = math.ceil(1 / self.limits.per_second)
            await self._too_many(send, f"{self.limits.per_second:g} requests a second", wait)
            return
        if client.running >= self.limits.concurrent and client.waiting >= self.limits.queued:
            await self._too_many(send, f"{self.limits.concurrent} requests at once", 1)
            return
        await client.bucket.acquire()  # has capacity: returns at once
        client.waiting += 1
        try:
            await client.slots.acquire()
        finally:
            client.waiting -= 1
        client.running += 1
        try:
            await self._within_timeout(scope, receive, send)
        finally:
            client.running -= 1
            client.slots.release()

    async def _within_timeout(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            async with asyncio.timeout(self.limits.timeout_seconds):
                await self.app(scope, receive, tracked_send)
        except TimeoutError:
            if started:  # part of the answer is out: all that is left is to end it
                raise
            message = (
                f"The request ran longer than {self.limits.timeout_seconds:g} seconds and was "
                "stopped; ask for less per request."
            )
            await _answer(send, 504, _error_body(message, "TIMEOUT"), [])

    def _client(self, key: str) -> _Client:
        client = self._clients.get(key)
        if client is None:
            limits = self.limits
            client = _Client(
                slots=asyncio.Semaphore(limits.concurrent),
                bucket=AsyncLimiter(limits.burst, limits.burst / limits.per_second),
            )
            self._clients[key] = client
            self._forget_idle()
        self._clients.move_to_end(key)
        return client

    def _forget_idle(self) -> None:
        """Keep at most ``tracked_clients`` entries, dropping the least recently seen idle ones
        (a client with requests in flight keeps its entry, so its limits still hold)."""
        excess = len(self._clients) - self.limits.tracked_clients
        for key in list(self._clients)[:excess] if excess > 0 else ():
            candidate = self._clients[key]
            if candidate.running == 0 and candidate.waiting == 0:
                del self._clients[key]

    async def _too_many(self, send: Send, limit: str, retry_after: int) -> None:
        message = f"Too many requests for this token (the limit is {limit}); retry shortly."
        await _answer(
            send,
            429,
            _error_body(message, "RATE_LIMITED"),
            [(b"retry-after", str(retry_after).encode())],
        )
