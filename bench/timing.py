"""Clocks, percentiles, peak memory and profiles: how every benchmark measures."""

import cProfile
import gc
import pstats
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
"""The repository: functions under it are ours, the rest are libraries."""


READ_STAGES = (
    ("sqlalchemy/orm/loading.py", "_instance"),
    ("domains/sqltypes.py", "loads_json"),
    ("domains/sqltypes.py", "process_result_value"),
    ("resolvers/rules/hygiene.py", "assess_hygiene"),
    ("resolvers/rules/bills.py", "assess_bills"),
    ("resolvers/rules/collections.py", "assess_invoices"),
)
"""What every read of the books spends its time on (ORM rows, JSON, the rules), which the
profiles of the views and of the digests report."""


async def timed(run: Callable[[], Awaitable[T]]) -> tuple[T, float]:
    """``run()``'s value and its wall-clock seconds."""
    started = time.perf_counter()
    value = await run()
    return value, time.perf_counter() - started


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass
class MemoryPeak:
    """Peak bytes traced while a ``peak_memory`` block ran (filled in on exit)."""

    bytes: int = 0

    @property
    def mib(self) -> float:
        return self.bytes / 1024 / 1024


@contextmanager
def peak_memory() -> Iterator[MemoryPeak]:
    """The peak of Python allocations above what was live when the block started.

    tracemalloc slows allocation-heavy code 2-3x, so blocks measured for memory are not timed.
    """
    peak = MemoryPeak()
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        yield peak
        _, highest = tracemalloc.get_traced_memory()
        peak.bytes = highest - baseline
    finally:
        tracemalloc.stop()


@dataclass
class RssPeak:
    """The process's resident memory around a ``peak_rss`` block (filled in on exit), in MiB."""

    before: float = 0.0
    peak: float = 0.0

    @property
    def growth(self) -> float:
        return self.peak - self.before


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    raise LookupError(field)


def rss_peak_resettable() -> bool:
    """Whether this system lets a process reset its peak RSS (Linux ``clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        _status_mib("VmHWM")
    except (OSError, LookupError):
        return False
    return True


@contextmanager
def peak_rss() -> Iterator[RssPeak]:
    """The process's peak resident memory while the block runs, at no cost to its timing.

    The kernel's high-water mark (``VmHWM``) is reset on entry (``/proc/self/clear_refs``), so
    the peak is this block's, not the process's lifetime's; check ``rss_peak_resettable`` first.
    """
    gc.collect()
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    peak = RssPeak(before=_status_mib("VmRSS"))
    yield peak
    peak.peak = _status_mib("VmHWM")


@dataclass(frozen=True)
class Profile:
    """Where a profiled block spent the main thread's time.

    Self times are exact; cumulative times are only given for synchronous functions named by the
    caller (``stages``), because cProfile counts a coroutine's time again on every resumption.
    """

    wall_seconds: float
    cpu_seconds: float
    stats: pstats.Stats

    def _entries(self) -> list[tuple[str, int, str, int, float, float]]:
        raw = self.stats.stats  # type: ignore[attr-defined]
        return [
            (filename, line, name, calls, tt, ct)
            for (filename, line, name), (_cc, calls, tt, ct, _callers) in raw.items()
        ]

    @property
    def total(self) -> float:
        return float(self.stats.total_tt)  # type: ignore[attr-defined]

    @property
    def waiting(self) -> float:
        """Self time of the event loop's poll: the main thread idle, waiting on I/O or threads."""
        return sum(tt for f, _, name, _, tt, _ in self._entries() if _is_poll(f, name))

    def by_component(self, top: int = 10) -> list[tuple[str, float, float]]:
        """(component, self seconds, share of profiled time), largest first.

        A component is the library a function lives in (``sqlalchemy``, ``strawberry``…), for our
        code its package (``resolvers.rules``, ``domains``…); C functions are named one by one.
        """
        totals: dict[str, float] = defaultdict(float)
        for filename, _line, name, _calls, tt, _ct in self._entries():
            totals[_component(filename, name)] += tt
        total = self.total or 1.0
        ranked = sorted(totals.items(), key=lambda item: -item[1])[:top]
        return [(name, seconds, seconds / total) for name, seconds in ranked]

    def hottest(self, top: int) -> list[str]:
        """The ``top`` functions by self time, the event loop's idle poll left out."""
        rows = sorted((e for e in self._entries() if not _is_poll(e[0], e[2])), key=lambda e: -e[4])
        return [
            f"{tt:8.3f}s self {calls:>9,} calls  {name} ({_short(filename)}:{line})"
            for filename, line, name, calls, tt, _ct in rows[:top]
        ]

    def stages(self, stages: Sequence[tuple[str, str]]) -> list[tuple[str, float]]:
        """Cumulative seconds of each (file suffix, function name) stage, summed over matches."""
        found = []
        for suffix, function in stages:
            seconds = sum(
                ct
                for filename, _line, name, _calls, _tt, ct in self._entries()
                if name == function and filename.endswith(suffix)
            )
            found.append((f"{function} ({suffix})", seconds))
        return found


def _is_poll(filename: str, name: str) -> bool:
    return filename == "~" and "poll" in name and "select" in name


def _is_ours(filename: str) -> bool:
    return filename.startswith(str(ROOT)) and "/.venv/" not in filename


def _short(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    if filename.startswith(str(ROOT)):
        return filename[len(str(ROOT)) + 1 :]
    return filename


def _component(filename: str, name: str) -> str:
    if filename == "~":
        return "waiting (event loop poll)" if _is_poll(filename, name) else f"C: {name}"
    if filename.startswith("<"):
        return "generated code"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if _is_ours(filename):
        parts = Path(filename).relative_to(ROOT).parts
        packages = parts[:-1][:2] if parts[0] in ("resolvers", "sync") else parts[:1]
        return ".".join(packages) or parts[0].removesuffix(".py")
    return "stdlib:" + Path(filename).stem


async def profiled(run: Callable[[], Awaitable[T]]) -> tuple[T, Profile]:
    """Run under cProfile (the main thread only: aiosqlite's worker thread and the PostgreSQL
    server are not in it, so wall minus profiled time is mostly waiting on the database)."""
    profiler = cProfile.Profile()
    started, cpu = time.perf_counter(), time.process_time()
    profiler.enable()
    try:
        value = await run()
    finally:
        profiler.disable()
    wall, cpu_used = time.perf_counter() - started, time.process_time() - cpu
    return value, Profile(wall, cpu_used, pstats.Stats(profiler))


def profile_notes(
    title: str, profile: Profile, top: int, stages: Sequence[tuple[str, str]] = ()
) -> list[str]:
    """A profile as report notes: time by component, the named stages, the hottest functions."""
    wall = profile.wall_seconds or 1.0
    lines = [
        f"{title}: wall {profile.wall_seconds:.3f}s (under cProfile), process CPU "
        f"{profile.cpu_seconds:.3f}s, main thread waiting in the event loop "
        f"{profile.waiting:.3f}s ({profile.waiting / wall:.0%})",
        "  self time by component:",
    ]
    for name, seconds, share in profile.by_component():
        lines.append(f"    {share:6.1%} {seconds:8.3f}s  {name}")
    if stages:
        lines.append("  stages (cumulative, synchronous functions):")
        for name, seconds in profile.stages(stages):
            lines.append(f"    {seconds / wall:6.1%} {seconds:8.3f}s  {name}")
    lines.append("  hottest functions (self time):")
    lines.extend(f"    {line}" for line in profile.hottest(top))
    return lines
