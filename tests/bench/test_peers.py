"""``bench peers`` at smoke size: Runway beside PostGraphile 4 on the local PostgreSQL.

Like test_smoke.py, nothing is timed against a threshold: the tables must have the right rows,
positive timings, verdicts that follow their ratios, and no server may outlive the run. The peer
needs node and npm (it installs the pinned PostGraphile with ``npm ci`` on first use): without
them the test is skipped, except under ``CI=true`` where it fails, as the conformance audit does.
"""

import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bench import peers
from bench.context import BenchContext
from bench.databases import Workspace, postgres_available, postgres_server_url
from bench.peers.postgraphile import PeerUnavailable, find_node, pinned_version
from bench.report import Table
from bench.servers import ServerFailed, serving
from bench.sizes import SMOKE


def _unavailable(reason: str) -> None:
    """Skip on a developer machine; fail under CI, where the benchmark must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; it is required under CI=true")
    pytest.skip(reason)


@pytest.fixture
async def context(tmp_path: Path) -> AsyncIterator[BenchContext]:
    """A smoke-size run on PostgreSQL alone; every database it makes is dropped afterwards."""
    try:
        find_node()
    except PeerUnavailable as error:
        _unavailable(str(error))
    server = postgres_server_url()
    if not await postgres_available(server):
        _unavailable(f"PostgreSQL is not reachable at {server}")
    workspace = Workspace(tmp_path, server, keep=False)
    try:
        yield BenchContext(workspace, SMOKE, ("postgresql",))
    finally:
        await workspace.close()


def _children() -> list[str]:
    """The processes this one started that are still running (Linux)."""
    pid = os.getpid()
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return children.read_text().split() if children.exists() else []


def _files(directory: Path) -> list[Path]:
    return list(directory.iterdir())


def _positive(values: list[object]) -> bool:
    return all(isinstance(v, int | float) and v > 0 for v in values)


def _rendered(tables: list[Table]) -> None:
    for table in tables:
        assert table.rows, table.title
        assert table.render().startswith(f"## {table.title}")


async def test_peers_put_runway_beside_postgraphile(context: BenchContext) -> None:
    before = _children()
    side, pages, overview = await peers.run(context)
    _rendered([side, pages, overview])
    assert _children() == before, "a server outlived the benchmark"

    peer = f"PostGraphile {pinned_version()}"
    lists = list(SMOKE.peer_list_sizes)
    assert side.column("server") == [peer, "Runway", "Runway"] + [peer, "Runway"] * len(lists)
    assert side.column("request")[1:3] == ["hygiene page", "decision page"]
    page_clients, list_clients = SMOKE.peer_page_clients, SMOKE.peer_list_clients
    assert side.column("clients") == [page_clients] * 3 + [list_clients] * 2 * len(lists)
    for name in ("p50 s", "answered", "req/s", "p99 s"):
        assert _positive(side.column(name)), name
    # Nothing fails at smoke size (a refusal would be a finding, not noise, with so few rows).
    assert set(side.column("refused")) == {0}
    assert set(side.column("failed")) == {0}

    assert pages.column("view") == ["hygiene page", "decision page"]
    assert _positive(pages.column("p50 ratio") + pages.column("req/s ratio"))
    # Timings decide met or MISSED, so neither is asserted; each verdict must follow its ratio.
    assert pages.column("≤2x") == [
        "met" if ratio <= 2 else "MISSED" for ratio in pages.column("p50 ratio")
    ]
    assert pages.column("≥0.5x") == [
        "met" if ratio >= 0.5 else "MISSED" for ratio in pages.column("req/s ratio")
    ]

    assert overview.column("businesses") == lists
    assert _positive(overview.column("p50 ratio") + overview.column("req/s ratio"))
    assert overview.column("≤2x") == [
        "met" if ratio <= 2 else "MISSED" for ratio in overview.column("p50 ratio")
    ]
    assert overview.column("none refused") == [
        "met" if count == 0 else "MISSED" for count in overview.column("not served")
    ]


async def test_peers_say_the_peer_needs_postgresql_on_sqlite(tmp_path: Path) -> None:
    context = BenchContext(Workspace(tmp_path, None, keep=False), SMOKE, ("sqlite",))
    [table] = await peers.run(context)
    assert table.column("db") == ["sqlite"]
    [reason] = table.column("skipped")
    assert "needs PostgreSQL" in str(reason)
    assert not _files(tmp_path), "no database is built to skip"


async def _never_ready(http: httpx.AsyncClient) -> bool:
    return False


async def test_a_server_that_dies_while_starting_fails_with_its_output(tmp_path: Path) -> None:
    exits = [sys.executable, "-c", "import sys; print('cannot start: boom'); sys.exit(3)"]
    with pytest.raises(ServerFailed, match=r"(?s)exited with 3 while starting.*boom"):
        async with serving("doomed", lambda port: exits, ready=_never_ready, cwd=tmp_path):
            pytest.fail("the block must not run")
