"""Running the ``runway`` command line as a user would: a subprocess of this Python."""

import asyncio
import sys
from datetime import UTC, datetime

from app.demo import build_demo_database

RUNWAY = [sys.executable, "-m", "app"]


async def run_runway(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """``runway *args`` with ``env``: its exit code and its output (stderr merged in)."""
    process = await asyncio.create_subprocess_exec(
        *RUNWAY,
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    async with asyncio.timeout(120):
        output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def demo_database(database_url: str, *, businesses: int = 2) -> None:
    """Fill ``database_url`` as ``runway demo`` does (migrated, synced, assessed), in-process."""
    await build_demo_database(
        database_url, businesses=businesses, seed=7, as_of=datetime.now(UTC).date()
    )
