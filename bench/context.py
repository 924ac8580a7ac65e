"""What every benchmark is handed: its size, its databases, and where fixtures come from."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.databases import Kind, Target, Workspace
from bench.fixtures import DataSpec, ensure_data
from bench.report import Table
from bench.sizes import BenchSize


@dataclass
class BenchContext:
    """One run of one or more benchmarks over the same workspace."""

    workspace: Workspace
    size: BenchSize
    kinds: tuple[Kind, ...]
    rebuild: bool = False
    profile: bool = True
    """Profile the measured paths (cProfile) and print where the time goes."""
    _rebuilt: set[tuple[str, Kind]] = field(default_factory=set)

    async def data(self, spec: DataSpec, kinds: Sequence[Kind] | None = None) -> dict[Kind, Target]:
        """``spec`` on ``kinds`` (default: every kind of this run), rebuilt at most once per run
        and kind with ``rebuild``."""
        wanted = self.kinds if kinds is None else tuple(kinds)
        key = spec.key()
        targets: dict[Kind, Target] = {}
        fresh = [kind for kind in wanted if (key, kind) not in self._rebuilt]
        if self.rebuild and fresh:
            targets |= await ensure_data(self.workspace, spec, kinds=fresh, rebuild=True)
        if rest := [kind for kind in wanted if kind not in targets]:
            targets |= await ensure_data(self.workspace, spec, kinds=rest)
        self._rebuilt.update((key, kind) for kind in wanted)
        return {kind: targets[kind] for kind in wanted}

    async def fleet(self, kinds: Sequence[Kind] | None = None) -> dict[Kind, Target]:
        return await self.data(self.size.fleet, kinds)

    async def large(self, kinds: Sequence[Kind] | None = None) -> dict[Kind, Target]:
        return await self.data(self.size.large, kinds)


async def build_data(context: BenchContext) -> list[Table]:
    """``bench data``: build (or find) the cached databases every read benchmark uses."""
    table = Table("Fixture databases", ["fixture", "businesses", "database", "location"])
    for spec in (context.size.fleet, context.size.large):
        for kind, target in (await context.data(spec)).items():
            table.rows.append([spec.key(), spec.businesses, kind, target.url])
    return [table]
