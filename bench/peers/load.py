"""Timing one request of one server for ``bench peers``: alone (a p50 after a warm-up) and
under many clients at once, with overload (refused) told apart from wrong answers (failed)."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.context import BenchContext
from bench.timing import median

logger = logging.getLogger(__name__)

WARM_SECONDS = 1.0
WARM_REQUESTS = 200
"""Before each p50, requests for up to ``WARM_SECONDS`` (at least one, at most this many):
compiled SQL and prepared statements on both sides, V8's JIT on PostGraphile's."""


class Refused(Exception):
    """Not served: HTTP 503 or 429, a connection refused or reset, or an UNAVAILABLE error."""


class Failed(Exception):
    """Any other error in the answer."""


async def post(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    """POST ``query`` and return its ``data``; an error raises ``Refused`` or ``Failed``."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    except httpx.TransportError as error:
        raise Refused(f"{type(error).__name__}: {error}") from error
    if response.status_code in (429, 503):
        raise Refused(f"HTTP {response.status_code}: {response.text[:300]}")
    try:
        body: dict[str, Any] = response.json()
    except ValueError as error:
        raise Failed(f"HTTP {response.status_code}: {response.text[:300]}") from error
    errors = body.get("errors")
    if errors:
        codes = {(error.get("extensions") or {}).get("code") for error in errors}
        problem = Refused if "UNAVAILABLE" in codes else Failed
        raise problem(f"HTTP {response.status_code}: {str(errors)[:300]}")
    if response.status_code != 200 or not isinstance(body.get("data"), dict):
        raise Failed(f"HTTP {response.status_code}: {str(body)[:300]}")
    data: dict[str, Any] = body["data"]
    return data


Call = Callable[[], Awaitable[dict[str, Any]]]
"""One measured request (or, for an overview longer than a page, the requests that read it)."""
Check = Callable[[dict[str, Any]], None]
"""Raises unless a warm-up's first answer is the one expected (a benchmark never times a wrong
answer)."""


@dataclass
class Load:
    """Many clients at once on one request."""

    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    client_cpu: float = 0.0
    """This process's CPU seconds over the phase's wall seconds: near 1, the client (one core),
    not the server, is what bounds the requests/s."""

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Measured:
    """One request of one server: alone (p50) and under load."""

    server: str
    request: str
    p50: float
    load: Load


async def _warm(call: Call) -> dict[str, Any]:
    """The first answer (to check), after which requests go on for up to ``WARM_SECONDS``."""
    started = time.perf_counter()
    first = await call()
    for _ in range(WARM_REQUESTS - 1):
        if time.perf_counter() - started > WARM_SECONDS:
            break
        await call()
    return first


async def _p50(call: Call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await call()  # an error raises: a p50 never times a failure
        times.append(time.perf_counter() - started)
    return median(times)


async def _load(call: Call, *, clients: int, requests: int, seconds: float) -> Load:
    load = Load(clients)
    issued = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal issued
        while issued < requests and time.perf_counter() < deadline:
            issued += 1
            started = time.perf_counter()
            try:
                await call()
            except Refused as error:  # overload is a result to report, not a crash
                load.refused.append(str(error))
            except Failed as error:
                load.failed.append(str(error))
            else:
                load.latencies.append(time.perf_counter() - started)

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client() for _ in range(clients)))
    load.seconds = time.perf_counter() - started
    load.client_cpu = (time.process_time() - cpu) / load.seconds
    return load


async def measure(
    context: BenchContext,
    server: str,
    request: str,
    call: Call,
    clients: int,
    check: Check,
) -> Measured:
    size = context.size
    check(await _warm(call))
    p50 = await _p50(call, size.peer_repeats)
    load = await _load(
        call, clients=clients, requests=size.peer_requests, seconds=size.peer_seconds
    )
    logger.info(
        "peers %s %s: p50 %.4fs, %.1f req/s under %d clients (%d refused, %d failed)",
        server,
        request,
        p50,
        load.per_second,
        clients,
        len(load.refused),
        len(load.failed),
    )
    return Measured(server, request, p50, load)
