"""How the fake QBO server misbehaves on purpose, and the error bodies QBO answers with.

Faults are queued per realm and consumed in order by the next matching request, so a test can say
"the second query of this realm gets a 429" without timing. The error envelopes copy QBO's real
shapes (including its inconsistencies: a lower-case ``fault`` for authentication, ``Fault`` for the
rest, and XML for throttles even when JSON was asked for) so the client is tested against them.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send

FaultKind = Literal[
    "throttle", "server_error", "service_unavailable", "slow", "drop", "truncate", "expired_token"
]

THROTTLE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<IntuitResponse xmlns="http://schema.intuit.com/finance/v3">'
    '<Fault type="ThrottleExceeded"><Error code="3001">'
    "<Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>"
    "<Detail>The request limit was reached.</Detail>"
    "</Error></Fault></IntuitResponse>"
)
UNAVAILABLE_HTML = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head>"
    "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"
)


@dataclass(frozen=True)
class Fault:
    """One kind of misbehaviour, served to the next ``count`` matching requests of a realm.

    Attributes:
        kind: what the request gets instead of (or on top of) the normal answer.
        count: how many matching requests it applies to.
        retry_after: seconds sent in ``Retry-After`` (throttle, service_unavailable); fractions
            are allowed so tests stay fast, although real QBO sends whole seconds.
        delay: seconds a ``slow`` request waits before answering.
        endpoint: ``"query"``, ``"cdc"``, ``"companyinfo"``, ``"preferences"`` or an entity
            read such as ``"bill"``; ``None`` matches any API request (never the OAuth endpoint).
        release: for ``slow``: the request also waits until this event is set, which lets a
            test hold requests in flight deterministically instead of guessing durations.
    """

    kind: FaultKind
    count: int = 1
    retry_after: float | None = None
    delay: float = 0.0
    endpoint: str | None = None
    release: asyncio.Event | None = None

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"a {self.kind} fault needs count >= 1, not {self.count}")
        if self.delay < 0:
            raise ValueError(f"a {self.kind} fault cannot have a negative delay")

    def matches(self, endpoint: str) -> bool:
        return self.endpoint is None or self.endpoint.lower() == endpoint


class FaultQueue:
    """A realm's pending faults; the first one matching a request is used once."""

    def __init__(self) -> None:
        self._pending: list[list[Any]] = []  # [Fault, uses left]

    def push(self, *faults: Fault) -> None:
        self._pending.extend([fault, fault.count] for fault in faults)

    def take(self, endpoint: str) -> Fault | None:
        for entry in self._pending:
            fault: Fault = entry[0]
            if fault.matches(endpoint):
                entry[1] -= 1
                if entry[1] == 0:
                    self._pending.remove(entry)
                return fault
        return None

    def __len__(self) -> int:
        return sum(uses for _, uses in self._pending)


def qbo_fault(
    status: int, *, code: str, message: str, detail: str, kind: str, time: str
) -> JSONResponse:
    """QBO's ``{"Fault": {"Error": [...], "type": ...}, "time": ...}`` envelope."""
    body = {
        "Fault": {"Error": [{"Message": message, "Detail": detail, "code": code}], "type": kind},
        "time": time,
    }
    return JSONResponse(body, status_code=status)


def auth_fault(status: int, *, detail: str, time: str) -> JSONResponse:
    """The gateway's lower-case ``fault`` body that QBO sends for 401 and 403."""
    if status == 401:
        message = "message=AuthenticationFailed; errorCode=003200; statusCode=401"
        code, kind = "3200", "AUTHENTICATION"
    else:
        message = "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403"
        code, kind = "3100", "AUTHORIZATION"
    body = {
        "warnings": None,
        "intuitObject": None,
        "fault": {
            "error": [{"message": message, "detail": detail, "code": code, "element": None}],
            "type": kind,
        },
        "time": time,
    }
    headers = {"WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"'}
    return JSONResponse(body, status_code=status, headers=headers)


def _retry_after(fault: Fault) -> dict[str, str]:
    if fault.retry_after is None:
        return {}
    return {"Retry-After": f"{fault.retry_after:g}"}


def throttle_response(fault: Fault) -> Response:
    return Response(
        THROTTLE_XML, status_code=429, media_type="application/xml", headers=_retry_after(fault)
    )


def server_error_response(time: str) -> Response:
    return qbo_fault(
        500,
        code="10000",
        message="An application error has occurred while processing your request",
        detail="System Failure Error: An unexpected error occurred while accessing or saving "
        "your data. Please wait a few minutes and try again.",
        kind="SystemFault",
        time=time,
    )


def service_unavailable_response(fault: Fault) -> Response:
    """QBO's 503s come from its load balancer as HTML, not as a Fault."""
    return Response(
        UNAVAILABLE_HTML, status_code=503, media_type="text/html", headers=_retry_after(fault)
    )


async def wait_slow(fault: Fault) -> None:
    if fault.release is not None:
        await fault.release.wait()
    if fault.delay:
        await asyncio.sleep(fault.delay)


async def drop_connection(scope: Scope, receive: Receive, send: Send) -> None:
    """End the exchange without any response, the way a reset upstream connection looks.

    On a real socket under uvicorn, ``send`` is bound to uvicorn's request cycle, whose transport
    we close; we then wait for uvicorn to notice the disconnect so it doesn't answer 500 for us.
    The client reads EOF before a status line. In-process (``httpx.ASGITransport``) there is no
    socket, so we raise the same ``httpx.RemoteProtocolError`` httpx raises for that EOF; the
    transport re-raises application exceptions unchanged (with its default
    ``raise_app_exceptions=True``). Reaching the socket relies on uvicorn passing its own ``send``
    (true for its h11 and httptools protocols, unless ``--log-level trace`` wraps it); anywhere
    else the raise applies and a server would answer 500 instead.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if isinstance(transport, asyncio.Transport):
        transport.close()
        while (await receive())["type"] != "http.disconnect":
            pass
        return
    url = httpx.URL(
        scheme=scope.get("scheme", "http"),
        host=(scope.get("server") or ("testserver", None))[0],
        path=scope["path"],
        query=scope.get("query_string", b""),
    )
    raise httpx.RemoteProtocolError(
        "Server disconnected without sending a response.",
        request=httpx.Request(scope["method"], url),
    )


async def send_truncated(
    app: Callable[[Scope, Receive, Send], Awaitable[None]],
    scope: Scope,
    receive: Receive,
    send: Send,
) -> None:
    """Answer normally but deliver only the first half of the body, with matching framing.

    The HTTP exchange itself is well formed (Content-Length says the short length), so the client
    gets a complete response whose JSON does not parse, as after a proxy cut a body short.
    """
    start: Message | None = None
    body = bytearray()

    async def capture(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, capture)
    if start is None:
        raise RuntimeError("the fake QBO app produced no response to truncate")
    cut = bytes(body[: len(body) // 2])
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(cut)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": cut, "more_body": False})
