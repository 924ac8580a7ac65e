"""How big each benchmark runs: ``full`` (the targets of docs/design.md#performance-targets) and
``smoke`` (CI)."""

from dataclasses import dataclass

from bench.fixtures import DataSpec
from sync.fakeqbo.generator import CompanySize

FLEET_COMPANY = CompanySize(
    vendors=25, customers=30, bills=700, invoices=200, bank_accounts=3, history_weeks=52
)
"""~290 open bills (of 700), 200 invoices, 3 bank accounts, a year of payments: ~1,650 objects."""
LARGE_COMPANY = CompanySize(
    vendors=60, customers=60, bills=20_000, invoices=2_000, bank_accounts=3, history_weeks=52
)
"""The business of the view pages: 20,000 bills (~9,000 open), 35,000 objects in all."""
SMOKE_COMPANY = CompanySize.small()
SMOKE_LARGE_COMPANY = CompanySize(
    vendors=8, customers=8, bills=500, invoices=50, bank_accounts=2, history_weeks=13
)


@dataclass(frozen=True)
class BenchSize:
    """Every knob of one size; ``digest_steps`` and ``statement_steps`` are business counts."""

    name: str
    fleet: DataSpec
    digest_steps: tuple[int, ...]
    naive_sample: int
    """Businesses the naive loop is timed over per step (it is linear by construction: one
    business after the other); beyond this it is extrapolated, and the report says so."""
    large: DataSpec
    view_repeats: int
    overview_clients: int
    overview_requests: int
    overview_seconds: float
    sync_objects: int
    sync_company: CompanySize
    cdc_changes: int
    statement_steps: tuple[int, ...]
    peer_repeats: int
    """Sequential requests each p50 of ``bench peers`` is the median of (after a warm-up)."""
    peer_page_clients: int
    peer_list_clients: int
    peer_list_sizes: tuple[int, ...]
    """Businesses in the lists and overviews of ``bench peers`` (at most the fleet's)."""
    peer_requests: int
    peer_seconds: float
    """Each load phase of ``bench peers`` issues at most ``peer_requests`` requests, and none
    after ``peer_seconds`` (the ones in flight then are awaited and counted)."""
    profile_lines: int = 14


FULL = BenchSize(
    name="full",
    fleet=DataSpec("fleet", 1_000, FLEET_COMPANY),
    digest_steps=(250, 500, 1_000),
    naive_sample=100,
    large=DataSpec("large", 1, LARGE_COMPANY),
    view_repeats=5,
    overview_clients=32,
    overview_requests=64,
    overview_seconds=60.0,
    sync_objects=50_000,
    sync_company=FLEET_COMPANY,
    cdc_changes=100,
    statement_steps=(10, 100, 1_000),
    peer_repeats=20,
    peer_page_clients=16,
    peer_list_clients=32,
    peer_list_sizes=(50, 1_000),
    peer_requests=5_000,
    peer_seconds=20.0,
)

SMOKE = BenchSize(
    name="smoke",
    fleet=DataSpec("smoke_fleet", 5, SMOKE_COMPANY),
    digest_steps=(2, 5),
    naive_sample=5,
    large=DataSpec("smoke_large", 1, SMOKE_LARGE_COMPANY),
    view_repeats=1,
    overview_clients=4,
    overview_requests=8,
    overview_seconds=30.0,
    sync_objects=2_000,
    sync_company=SMOKE_COMPANY,
    cdc_changes=10,
    statement_steps=(1, 3, 5),
    peer_repeats=10,
    peer_page_clients=16,
    peer_list_clients=32,
    peer_list_sizes=(2, 5),
    peer_requests=400,
    peer_seconds=1.0,
    profile_lines=5,
)

SIZES = {size.name: size for size in (FULL, SMOKE)}
