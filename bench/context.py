"""What every benchmark is handed: its size, its databases, and where fixtures come from."""

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
    _rebuilt: set[str] = field(default_factory=set)

    async def data(self, spec: DataSpec) -> dict[Kind, Target]:
        """``spec`` on every kind of this run (rebuilt at most once per run with ``rebuild``)."""
        rebuild = self.rebuild and spec.key() not in self._rebuilt
        targets = await ensure_data(self.workspace, spec, kinds=self.kinds, rebuild=rebuild)
        self._rebuilt.add(spec.key())
        return targets

    async def fleet(self) -> dict[Kind, Target]:
        return await self.data(self.size.fleet)

    async def large(self) -> dict[Kind, Target]:
        return await self.data(self.size.large)


async def build_data(context: BenchContext) -> list[Table]:
    """``bench data``: build (or find) the cached databases every read benchmark uses."""
    table = Table("Fixture databases", ["fixture", "businesses", "database", "location"])
    for spec in (context.size.fleet, context.size.large):
        for kind, target in (await context.data(spec)).items():
            table.rows.append([spec.key(), spec.businesses, kind, target.url])
    return [table]
