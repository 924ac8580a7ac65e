"""The ``runway`` command as operators run it: a real process, configured by RUNWAY_* variables."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.db import create_engine, create_session_factory
from domains.access import queries as access_queries
from domains.ap.models import Bill
from domains.core.models import Business

RUNWAY = [sys.executable, "-m", "app"]


def _run(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RUNWAY_DATABASE_URL": database_url}
    return subprocess.run(  # noqa: S603  (our own CLI, fixed arguments)
        [*RUNWAY, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


async def _count(database_url: str, model: type[Business] | type[Bill]) -> int:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return int(
                (await session.execute(select(func.count()).select_from(model))).scalar_one()
            )
    finally:
        await engine.dispose()


async def test_db_upgrade_creates_the_schema(database_url: str) -> None:
    result = _run("db", "upgrade", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert await _count(database_url, Business) == 0


def test_invalid_database_url_names_the_variable(tmp_path: Path) -> None:
    result = _run("db", "upgrade", database_url="mysql://root@localhost/runway")
    assert result.returncode == 2
    assert "RUNWAY_DATABASE_URL" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_serve_with_an_invalid_schedule_stops_before_starting(tmp_path: Path) -> None:
    """Once, the schedule passed validation and the server died at start-up with a traceback."""
    env = {
        **os.environ,
        "RUNWAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'runway.db'}",
        "RUNWAY_DIGEST_SCHEDULE": "61 7 * * 5",
        "RUNWAY_LOG_LEVEL": "verbose",
    }
    result = subprocess.run(  # noqa: S603  (our own CLI, fixed arguments)
        [*RUNWAY, "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Invalid settings:",
        "  RUNWAY_DIGEST_SCHEDULE: '61 7 * * 5' is not a valid cron expression (five fields: "
        "minute hour day-of-month month weekday, in each business's local time; weekdays 0-6 "
        "or MON-SUN); "
        "e.g. RUNWAY_DIGEST_SCHEDULE='0 7 * * FRI'",
        "  RUNWAY_LOG_LEVEL: 'verbose' is not a log level: one of DEBUG, INFO, WARNING, ERROR, "
        "CRITICAL; e.g. RUNWAY_LOG_LEVEL=WARNING",
    ]


async def test_demo_builds_its_database_at_the_configured_url(database_url: str) -> None:
    result = _run("demo", "--businesses", "2", "--no-serve", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert await _count(database_url, Business) == 2
    bills = await _count(database_url, Bill)
    assert bills > 0
    # One line per long step, and the global ids the API takes beside the CLI's.
    for step in ["Migrating the database", "Syncing 2 companies", "Assessing 2 businesses"]:
        assert sum(step in line for line in result.stdout.splitlines()) == 1, result.stdout
    assert "QnVzaW5lc3M6MQ==" in result.stdout and "QnVzaW5lc3M6Mg==" in result.stdout

    # Running it again refreshes the same businesses instead of adding more, and leaves one
    # live admin token: the new one (the first is revoked).
    again = _run("demo", "--businesses", "2", "--no-serve", database_url=database_url)
    assert again.returncode == 0, again.stderr
    assert await _count(database_url, Business) == 2
    assert await _count(database_url, Bill) == bills
    first, second = result.stdout.splitlines()[-1], again.stdout.splitlines()[-1]
    assert await _live_callers(database_url, first, second) == [None, "demo"]


async def _live_callers(database_url: str, *tokens: str) -> list[str | None]:
    """The name behind each token, or None for a revoked (or unknown) one."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            callers = [await access_queries.get_caller(session, token=t) for t in tokens]
    finally:
        await engine.dispose()
    return [caller.name if caller else None for caller in callers]


def test_version_is_printed() -> None:
    result = _run("--version", database_url="sqlite+aiosqlite:///unused.db")
    assert (result.returncode, result.stdout) == (0, f"runway {version('runway')}\n")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`runway demo` as a real server on a loopback port, stopped after the test."""
    port = _free_port()
    env = {**os.environ, "RUNWAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"}
    output = tmp_path / "demo.log"
    with output.open("w") as log:
        process = subprocess.Popen(  # noqa: S603  (our own CLI, fixed arguments)
            [*RUNWAY, "demo", "--businesses", "3", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:  # wait for readiness by asking the server, not by sleeping a fixed time
            assert process.poll() is None, output.read_text()
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "demo server did not become ready"
            time.sleep(0.2)
        # The token is printed, alone on its line, before the server starts.
        tokens = [line for line in output.read_text().splitlines() if line.startswith("rwy_")]
        assert len(tokens) == 1, output.read_text()
        yield base_url, tokens[0]
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_demo_serves_graphiql_and_the_generated_businesses(demo_server: tuple[str, str]) -> None:
    base_url, token = demo_server
    page = httpx.get(f"{base_url}/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()

    response = httpx.post(
        f"{base_url}/graphql",
        json={"query": "{ businesses { totalCount edges { node { name realmId } } } }"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200
    connection = response.json()["data"]["businesses"]
    assert connection["totalCount"] == 3
    assert all(edge["node"]["name"] for edge in connection["edges"])
