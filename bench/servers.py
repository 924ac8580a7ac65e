"""HTTP servers in child processes on loopback: started on a free port, awaited, stopped after.

The peers benchmark (``bench.peers``) puts Runway and PostGraphile side by side, each in its own
process behind a real TCP socket, so the load client (this process) pays the same HTTP costs to
both and neither server shares an interpreter with it.
"""

import asyncio
import contextlib
import logging
import os
import signal
import socket
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
STARTUP_SECONDS = 120.0
SHUTDOWN_SECONDS = 30.0
PORT_ATTEMPTS = 3
LOG_TAIL = 4_000
"""Characters of a failed server's output quoted in the error."""

Ready = Callable[[httpx.AsyncClient], Awaitable[bool]]
"""Whether a server answers as a started one does (e.g. ``/healthz`` returns 200)."""


class ServerFailed(RuntimeError):
    """A child server exited, or never answered, while it was wanted."""


class _PortTaken(ServerFailed):
    """The free port was taken between choosing it and the child binding it."""


def free_port() -> int:
    """A TCP port free on loopback now (the child binds it a moment later; see ``serving``)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Running:
    """A started server: where it listens, and its process."""

    name: str
    base_url: str
    process: asyncio.subprocess.Process
    argv: Sequence[str]


def _tail(log: IO[bytes]) -> str:
    log.flush()
    log.seek(0, os.SEEK_END)
    size = log.tell()
    log.seek(max(0, size - LOG_TAIL))
    return log.read().decode(errors="replace")


async def _stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM (both servers shut down cleanly on it), SIGKILL if it lingers."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        async with asyncio.timeout(SHUTDOWN_SECONDS):
            await process.wait()
    except TimeoutError:
        logger.warning("server %s ignored SIGTERM for %.0fs: killed", process.pid, SHUTDOWN_SECONDS)
        process.kill()
        await process.wait()


async def _wait_until_ready(
    name: str, base_url: str, process: asyncio.subprocess.Process, ready: Ready, log: IO[bytes]
) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=base_url, timeout=5) as http:
        while True:
            if process.returncode is not None:
                output = _tail(log)
                taken = "EADDRINUSE" in output or "address already in use" in output
                failure = _PortTaken if taken else ServerFailed
                raise failure(f"{name} exited with {process.returncode} while starting:\n{output}")
            try:
                if await ready(http):
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise ServerFailed(
                    f"{name} did not answer within {STARTUP_SECONDS:.0f}s:\n{_tail(log)}"
                )
            await asyncio.sleep(0.1)  # the interval between polls, not a wait for readiness


@contextlib.asynccontextmanager
async def serving(
    name: str,
    argv: Callable[[int], Sequence[str]],
    *,
    ready: Ready,
    cwd: Path,
    env: Mapping[str, str] | None = None,
) -> AsyncIterator[Running]:
    """Run ``argv(port)`` on a free loopback port until the block ends; its output goes to a
    temporary file, quoted in the error if it fails to start or dies while in use.

    The port is chosen before the child binds it, so another process could take it in between:
    a child that fails with "address in use" is started again on another port.
    """
    with tempfile.TemporaryFile(prefix=f"bench-{name}-") as log:
        for attempt in range(1, PORT_ATTEMPTS + 1):
            port = free_port()
            command = list(argv(port))
            process = await asyncio.create_subprocess_exec(
                *command,
                cwd=cwd,
                env={**os.environ, **(env or {})},
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
            base_url = f"http://{HOST}:{port}"
            try:
                await _wait_until_ready(name, base_url, process, ready, log)
            except _PortTaken:
                await _stop(process)
                if attempt == PORT_ATTEMPTS:
                    raise
                continue
            except BaseException:
                await _stop(process)
                raise
            break
        logger.info("%s listening on %s (pid %s)", name, base_url, process.pid)
        try:
            yield Running(name, base_url, process, command)
        finally:
            exited = process.returncode
            await _stop(process)
        if exited is not None:
            raise ServerFailed(f"{name} died while in use (exit {exited}):\n{_tail(log)}")
