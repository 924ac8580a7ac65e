"""The machine a run measured on, printed with every run (timings mean little without it)."""

import os
import platform
import sqlite3
import subprocess
from collections.abc import Sequence

from bench.report import Table


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        return None
    return None


def _postgres_version(server_url: str) -> str:
    """The server's version, asked through psql (no event loop needed here)."""
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    try:
        answer = subprocess.run(  # noqa: S603  (fixed arguments, our own URL)
            [  # noqa: S607  (psql from PATH, as the developer's shell finds it)
                "psql",
                "-h",
                url.host or "127.0.0.1",
                "-p",
                str(url.port or 5432),
                "-U",
                url.username or "postgres",
                "-d",
                url.database or "postgres",
                "-Atc",
                "show server_version",
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown (psql failed)"
    return answer.stdout.strip()


def describe_machine(postgres_url: str | None) -> Table:
    """CPU count, memory, load, and the versions of Python and both databases."""
    load = os.getloadavg()
    memory = _memory_gib()
    rows: list[Sequence[object]] = [
        ["cpus (nproc)", os.cpu_count()],
        ["memory", f"{memory:.1f} GiB" if memory else "unknown"],
        ["load average (1, 5, 15 min)", ", ".join(f"{v:.2f}" for v in load)],
        ["python", f"{platform.python_implementation()} {platform.python_version()}"],
        ["sqlite", sqlite3.sqlite_version],
        ["postgresql", _postgres_version(postgres_url) if postgres_url else "not used"],
        ["platform", platform.platform()],
    ]
    return Table("Machine", ["what", "value"], rows)
