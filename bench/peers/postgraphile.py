"""PostGraphile 4, the peer: installed on first use, run in a child process over a bench database.

The version is pinned by ``package.json`` and ``package-lock.json`` beside this file and installed
with ``npm ci`` into ``node_modules/`` here (git-ignored) when it is missing or the pin has moved,
as ``tests/conformance`` installs graphql-http. The server is PostGraphile's own CLI with the
options its documentation recommends for production, run from this folder as::

    node node_modules/postgraphile/cli.js \\
        --connection postgresql://postgres@127.0.0.1:5432/runway_bench_<key> \\
        --schema public --host 127.0.0.1 --port PORT \\
        --disable-graphiql --disable-query-log \\
        --dynamic-json --no-setof-functions-contain-nulls --no-ignore-rbac \\
        --legacy-relations omit --extended-errors errcode \\
        --max-pool-size 15

- no ``--watch``: the schema is introspected once, at start;
- collections are Relay connections only (the default ``--simple-collections omit``), so a list
  has ``totalCount`` and ``pageInfo`` like Runway's;
- ``--max-pool-size 15``: Runway's own pool at its defaults (5 connections, 10 overflow), so both
  servers get as many PostgreSQL connections;
- one process, no ``--cluster-workers``, like ``runway serve``'s single uvicorn process;
- the default inflection (``allBills``, ``billsByBusinessId``), no plugins.
"""

import json
import shutil
import subprocess
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.databases import Target
from bench.servers import HOST, serving

HERE = Path(__file__).resolve().parent
PACKAGE = "postgraphile"
NODE_MAJOR_NEEDED = 18
INSTALL_SECONDS = 600
POOL_SIZE = 15
"""Runway's ``database_pool_size`` + ``database_max_overflow`` at their defaults."""


class PeerUnavailable(RuntimeError):
    """This machine can't run the peer (no node or npm, or too old a node): a reason to skip."""


def pinned_version() -> str:
    version: str = json.loads((HERE / "package.json").read_text())["dependencies"][PACKAGE]
    return version


def installed_version() -> str | None:
    installed = HERE / "node_modules" / PACKAGE / "package.json"
    if not installed.exists():
        return None
    version: str = json.loads(installed.read_text())["version"]
    return version


@dataclass(frozen=True)
class Node:
    """The node executable that runs the peer, and the CLI script it runs."""

    executable: str
    cli: Path


def find_node() -> tuple[str, str]:
    """node and npm from PATH, node new enough; ``PeerUnavailable`` says why not."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise PeerUnavailable("node and npm are needed to run PostGraphile (the peer)")
    version = subprocess.run(  # noqa: S603  (the node on PATH, fixed arguments)
        [node, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < NODE_MAJOR_NEEDED:
        raise PeerUnavailable(
            f"node {version} is too old for PostGraphile (needs {NODE_MAJOR_NEEDED}+)"
        )
    return node, npm


def install() -> Node:
    """The pinned PostGraphile, installed with ``npm ci`` if missing or out of date.

    Blocking (seconds when installed, a minute or so from the registry): call it in a thread.
    """
    node, npm = find_node()
    if installed_version() != pinned_version():
        installed = subprocess.run(  # noqa: S603  (the npm on PATH, fixed arguments)
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=False,
            timeout=INSTALL_SECONDS,
        )
        if installed.returncode != 0:
            raise RuntimeError(f"npm ci failed in {HERE}:\n{installed.stdout}{installed.stderr}")
        if installed_version() != pinned_version():
            raise RuntimeError(
                f"npm ci installed {PACKAGE} {installed_version()}, not {pinned_version()}"
            )
    manifest = json.loads((HERE / "node_modules" / PACKAGE / "package.json").read_text())
    return Node(node, HERE / "node_modules" / PACKAGE / manifest["bin"][PACKAGE])


def argv(node: Node, target: Target, port: int) -> Sequence[str]:
    """The command line of the module's docstring."""
    return [
        node.executable,
        str(node.cli.relative_to(HERE)),
        "--connection",
        target.driver_dsn,
        "--schema",
        "public",
        "--host",
        HOST,
        "--port",
        str(port),
        "--disable-graphiql",
        "--disable-query-log",
        "--dynamic-json",
        "--no-setof-functions-contain-nulls",
        "--no-ignore-rbac",
        "--legacy-relations",
        "omit",
        "--extended-errors",
        "errcode",
        "--max-pool-size",
        str(POOL_SIZE),
    ]


async def _answers(http: httpx.AsyncClient) -> bool:
    """PostGraphile listens before its schema is built; it is ready when a query is answered."""
    response = await http.post("/graphql", json={"query": "{ __typename }"})
    body: dict[str, Any] = response.json() if response.status_code == 200 else {}
    return body.get("data") == {"__typename": "Query"}


@asynccontextmanager
async def serve_postgraphile(
    node: Node, target: Target, *, clients: int = 100
) -> AsyncIterator[httpx.AsyncClient]:
    """PostGraphile over ``target`` (PostgreSQL) until the block ends, and a client of it keeping
    up to ``clients`` connections open."""
    if target.kind != "postgresql":
        raise ValueError(f"PostGraphile serves PostgreSQL only, not {target.kind}")
    async with serving(
        "postgraphile", lambda port: argv(node, target, port), ready=_answers, cwd=HERE
    ) as server:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=server.base_url, timeout=600, limits=limits) as http:
            yield http
