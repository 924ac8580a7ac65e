"""Every benchmark at smoke size, on SQLite and PostgreSQL: it completes and reports sanely.

Nothing here times anything against a threshold (timings on a shared CI machine mean little);
the benchmarks print their ratios, and these tests keep them working: the right rows, positive
numbers, statement counts equal at every size, and fixture databases found again by their key.
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bench import digests, ingest, statement_counts, story, views
from bench.context import BenchContext, build_data
from bench.databases import Kind, Workspace, postgres_available, postgres_server_url
from bench.fixtures import DataSpec
from bench.report import Table
from bench.sizes import SMOKE, SMOKE_COMPANY


async def _postgres_url(kind: str) -> str | None:
    if kind == "sqlite":
        return None
    server = postgres_server_url()
    if not await postgres_available(server):
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true and is not reachable at {server}")
        pytest.skip(f"PostgreSQL not reachable at {server}")
    return server


@pytest.fixture(params=["sqlite", "postgresql"])
async def context(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BenchContext]:
    """A smoke-size run on one database; every database it makes is dropped afterwards."""
    kind: Kind = request.param
    workspace = Workspace(tmp_path, await _postgres_url(kind), keep=False)
    try:
        yield BenchContext(workspace, SMOKE, (kind,))
    finally:
        await workspace.close()


def _positive(values: list[object]) -> bool:
    return all(isinstance(v, int | float) and v > 0 for v in values)


def _rendered(tables: list[Table]) -> None:
    for table in tables:
        assert table.rows, table.title
        assert table.render().startswith(f"## {table.title}")


async def test_digest_reports_both_ratios_and_memory_per_step(context: BenchContext) -> None:
    tables = await digests.run(context)
    _rendered(tables)
    [table] = tables
    assert table.column("businesses") == list(SMOKE.digest_steps)
    for name in ("bulk s", "naive s", "floor s", "naive/bulk", "bulk/floor", "peak MiB"):
        assert _positive(table.column(name)), name
    # Timings decide met or MISSED, so neither is asserted; each verdict must follow its ratio.
    assert table.column("≥10x") == [
        "met" if ratio >= 10 else "MISSED" for ratio in table.column("naive/bulk")
    ]
    assert table.column("≤3x") == [
        "met" if ratio <= 3 else "MISSED" for ratio in table.column("bulk/floor")
    ]
    # One loader set per batch: the bulk run's statements don't follow the businesses one by one.
    statements = table.column("bulk stmts")
    assert statements[0] == statements[-1]
    assert any("profile of bulk" in note for note in table.notes)


async def test_views_report_pages_against_the_floor_and_throughput(
    context: BenchContext,
) -> None:
    pages, throughput = await views.run(context)
    _rendered([pages, throughput])
    assert pages.column("view") == [
        "hygiene page",
        "hygiene page, first after a change",
        "decision page",
        "advisor overview (100 businesses)",
    ]
    assert _positive(pages.column("request/floor"))
    # The read-through row has no floor of its own (it recomputes, then reads the same page).
    measured = [row for row in pages.rows if row[1] != "hygiene page, first after a change"]
    assert _positive([row[pages.columns.index("rows")] for row in measured])
    [requests] = throughput.column("requests")
    assert requests == SMOKE.overview_requests
    assert _positive(throughput.column("req/s") + throughput.column("p99 s"))


async def test_sync_reports_the_rate_cdc_and_the_upsert_side_by_side(
    context: BenchContext,
) -> None:
    table, upserts = await ingest.run(context)
    _rendered([table, upserts])
    [objects] = table.column("objects")
    assert isinstance(objects, int) and objects >= SMOKE.sync_objects
    assert table.column("CDC changes") == [SMOKE.cdc_changes]
    assert _positive(table.column("objects/s") + table.column("CDC s"))
    assert _positive(upserts.column("current obj/s") + upserts.column("previous obj/s"))
    assert any("profile of a full sync" in note for note in upserts.notes)


async def test_statement_counts_do_not_grow(context: BenchContext) -> None:
    [table] = await statement_counts.run(context)
    _rendered([table])
    assert table.column("request") == [name for name, _ in statement_counts.REQUESTS]
    for row in table.rows:
        counts = row[2:-1]
        assert _positive(list(counts)) and len(set(counts)) == 1, row
    assert set(table.column("constant")) == {"met"}


async def test_the_fleet_tells_one_story(context: BenchContext) -> None:
    [table] = await story.run(context)
    _rendered([table])
    [checked] = table.column("businesses")
    assert checked == SMOKE.fleet.businesses
    assert table.column("disagreements") == [0], table.notes
    assert table.column("target") == ["met"]


def test_a_disagreement_is_found() -> None:
    """The checker itself: a digest whose status differs, a runway truncated instead of rounded,
    and an overdue total that skips a bucket are each reported."""
    runway = dict.fromkeys(story.RUNWAY.split())
    aging = {
        "openCount": 2,
        "openAmount": "30.00",
        "overdueCount": 1,
        "overdueAmount": "20.00",
        "aging": [
            {"bucket": "CURRENT", "count": 1, "amount": "10.00"},
            {"bucket": "DAYS_1_30", "count": 1, "amount": "20.00"},
        ],
    }
    console = {**runway, "cash": "1162.50", "weeklyNetBurn": "1453.13", "runwayWeeks": "0.8"}
    console.update(status="CRITICAL", notBurning=False)
    business = {
        "decisions": console,
        "digest": {**console, "payables": aging, "receivables": aging},
    }
    assert story.disagreements(business) == []
    truncated = {**console, "runwayWeeks": "0.7"}
    skipped = {**aging, "overdueCount": 0}
    other = {**console, "status": "HEALTHY"}
    broken = {
        "decisions": truncated,
        "digest": {**other, "payables": skipped, "receivables": aging},
    }
    assert story.disagreements(broken) == [
        "console and digest differ",
        "runwayWeeks is not cash / burn half up",
        "payables: overdue is not the sum of the past-due buckets",
    ]


def _building_files(directory: Path) -> list[Path]:
    return list(directory.glob("*.building"))


async def test_fixture_databases_are_found_again_by_their_key(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, None, keep=True)
    spec = DataSpec("cached", 2, SMOKE_COMPANY)
    size = SMOKE.__class__(**{**vars(SMOKE), "fleet": spec, "large": spec})
    first = await build_data(BenchContext(workspace, size, ("sqlite",)))
    built = (tmp_path / f"{spec.key()}.db").stat().st_mtime_ns
    again = await build_data(BenchContext(Workspace(tmp_path, None, keep=True), size, ("sqlite",)))
    assert first[0].rows == again[0].rows
    assert (tmp_path / f"{spec.key()}.db").stat().st_mtime_ns == built
    assert not _building_files(tmp_path)
