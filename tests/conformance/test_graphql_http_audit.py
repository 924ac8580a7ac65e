"""GraphQL-over-HTTP conformance: graphql-http's server audits against Runway on a real socket.

The audits are the reference implementation's own suite, in Node (``audit.mjs``, with graphql-http
pinned by ``package-lock.json``), so the real app runs under uvicorn on a loopback port (in a thread
of this process, so its coverage counts) and node talks to it over TCP. Without node and npm the
audit is skipped, except under ``CI=true`` where it fails, the policy tests/conftest.py has for
PostgreSQL.
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest
import uvicorn

from app.asgi import create_app
from app.db import create_engine, create_session_factory
from app.graphql_http import APPLICATION_JSON, GRAPHQL_RESPONSE_JSON, response_media_type
from app.migrations import upgrade_database_async
from app.settings import Settings
from tests.factories import make_token

HERE = Path(__file__).resolve().parent
NODE_MAJOR_NEEDED = 18  # global fetch
STARTUP_SECONDS = 60
AUDIT_SECONDS = 180
SHUTDOWN_SECONDS = 30


def _unavailable(reason: str) -> NoReturn:
    """Skip on a developer machine; fail under CI, where the audit must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; it is required under CI=true")
    pytest.skip(reason)


def _pinned_version() -> str:
    version: str = json.loads((HERE / "package.json").read_text())["dependencies"]["graphql-http"]
    return version


def _installed_version() -> str | None:
    installed = HERE / "node_modules" / "graphql-http" / "package.json"
    if not installed.exists():
        return None
    version: str = json.loads(installed.read_text())["version"]
    return version


@pytest.fixture(scope="session")
def node() -> str:
    """The node executable, with the pinned graphql-http installed (``npm ci`` when missing or
    when the pin has moved since the last install)."""
    executable, npm = shutil.which("node"), shutil.which("npm")
    if executable is None or npm is None:
        _unavailable("node and npm are needed for the graphql-http audits")
    version = subprocess.run(  # noqa: S603  (the node on PATH, fixed arguments)
        [executable, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < NODE_MAJOR_NEEDED:
        _unavailable(f"node {version} is too old for the audits (needs {NODE_MAJOR_NEEDED}+)")
    if _installed_version() != _pinned_version():
        installed = subprocess.run(  # noqa: S603  (the npm on PATH, fixed arguments)
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert installed.returncode == 0, f"npm ci failed:\n{installed.stdout}{installed.stderr}"
        assert _installed_version() == _pinned_version()
    return executable


@dataclass(frozen=True)
class RunningServer:
    """The app listening on loopback, and a token it accepts."""

    graphql_url: str
    token: str


async def _viewer_token(database_url: str) -> str:
    engine = create_engine(database_url)
    try:
        return await make_token(create_session_factory(engine), role="viewer", name="audit")
    finally:
        await engine.dispose()


async def _wait_until_healthy(base_url: str, thread: threading.Thread) -> None:
    """Poll /healthz until it answers 200; fail at once if the server thread has died."""
    deadline = time.monotonic() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as http:
        while True:
            assert thread.is_alive(), "the server stopped during start-up (see the log above)"
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"the server was not healthy in {STARTUP_SECONDS}s"
            await asyncio.sleep(0.05)  # the interval between polls, not a wait for readiness


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """The real app under uvicorn on a fresh, migrated SQLite database; stopped cleanly after.

    The socket is bound (to a free port) and listening before uvicorn starts, so there is no race
    for the port and node never sees a refused connection.
    """
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'runway.db'}"
    await upgrade_database_async(database_url)
    token = await _viewer_token(database_url)
    # Introspection on: several audits ask for __type.
    settings = Settings(database_url=database_url, introspection=True, _env_file=None)  # type: ignore[call-arg]
    config = uvicorn.Config(create_app(settings), log_config=None, access_log=False)
    uvicorn_server = uvicorn.Server(config)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    host, port = listener.getsockname()
    thread = threading.Thread(
        target=uvicorn_server.run, kwargs={"sockets": [listener]}, name="runway-under-audit"
    )
    thread.start()
    try:
        await _wait_until_healthy(f"http://{host}:{port}", thread)
        yield RunningServer(f"http://{host}:{port}/graphql", token)
    finally:
        uvicorn_server.should_exit = True
        await asyncio.to_thread(thread.join, SHUTDOWN_SECONDS)
        listener.close()
        assert not thread.is_alive(), f"the server did not stop within {SHUTDOWN_SECONDS}s"


async def _run_audits(node: str, server: RunningServer) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        node,
        str(HERE / "audit.mjs"),
        server.graphql_url,
        f"Bearer {server.token}",
        cwd=HERE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(AUDIT_SECONDS):
            stdout, stderr = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode == 0, stderr.decode()
    report: dict[str, Any] = json.loads(stdout)
    return report


def _describe(audit: dict[str, Any]) -> str:
    return (
        f"{audit['id']} {audit['status'].upper()} {audit['name']}: {audit['reason']} "
        f"(HTTP {audit['responseStatus']}, {audit['responseContentType']}) "
        f"{audit['responseBody']}"
    )


async def test_every_graphql_http_audit_passes(node: str, server: RunningServer) -> None:
    report = await _run_audits(node, server)

    audits = report["audits"]
    assert audits and report["total"] == len(audits)
    # Every audit, the MAYs too: all pass today, so any that stops passing is a regression.
    failing = [_describe(audit) for audit in audits if audit["status"] != "ok"]
    assert not failing, (
        f"{len(failing)} of {len(audits)} graphql-http audits fail "
        f"(counts: {report['counts']}):\n" + "\n".join(failing)
    )


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, APPLICATION_JSON),
        ("", APPLICATION_JSON),
        ("*/*", APPLICATION_JSON),
        ("application/*", APPLICATION_JSON),
        ("application/json", APPLICATION_JSON),
        ("text/html", APPLICATION_JSON),  # nothing acceptable: answer anyway, in the default
        ("application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("Application/GraphQL-Response+JSON; charset=utf-8", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        ("application/json, application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/json, application/graphql-response+json;q=0.5", APPLICATION_JSON),
        ("application/graphql-response+json;q=0.5, */*;q=0.1", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json;q=0", APPLICATION_JSON),
        ("application/graphql-response+json;q=nonsense", APPLICATION_JSON),
    ],
)
def test_the_response_media_type_follows_accept(accept: str | None, media_type: str) -> None:
    assert response_media_type(accept) == media_type
