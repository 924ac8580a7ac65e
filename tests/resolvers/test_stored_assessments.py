"""Correct before fast: every stored assessment the views read equals the live computation.

Over generated fleets (several seeds of small companies) synced through the real engine from the
fake QBO, each business's hygiene tray, decision console and digest, read in full as a client
would (``tests.resolvers.view_contents``), must equal a fresh ``assess_business`` of the same day:
after the full sync, after CDC changes, after recorded decisions, and after the business's day
turns. Each time, the businesses whose books changed must have a new ``data_version`` and their
next read must compute and store again (one ``INSERT INTO assessment``), while the others must be
served as stored (none): never stale-but-served, never recomputed for nothing.
"""

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.assessments.models import Assessment
from domains.core.models import Business
from resolvers.bill_decisions import record_bill_decision
from resolvers.clock import business_today
from resolvers.loaders import Loaders
from resolvers.rules.enums import BillGroup, DecisionAction
from resolvers.stored_assessments import current_assessment
from resolvers.thresholds import Thresholds
from sync.fakeqbo.generator import CompanySize
from tests.conftest import Database
from tests.resolvers.view_contents import (
    assert_same,
    console_filters,
    expected,
    live_assessment,
    shown,
    tray_filters,
)
from tests.statements import counting_statements
from tests.sync.harness import Bench, qbo_bench

SEEDS = (5, 23, 47)
THRESHOLDS = Thresholds()


@dataclass
class Fleet:
    """Generated companies synced from the fake QBO, and Runway's pinned clock."""

    bench: Bench
    ids: list[int]
    now: datetime
    versions: dict[int, int] = field(default_factory=dict)
    """Each business's ``data_version`` at the last check."""

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.bench.database.sessions

    async def business(self, business_id: int) -> Business:
        async with self.sessions() as session:
            business = await session.get(Business, business_id)
        assert business is not None
        return business

    async def day_of(self, business_id: int) -> date:
        return business_today((await self.business(business_id)).timezone, self.now)


@pytest.fixture(params=SEEDS, ids=[f"seed{seed}" for seed in SEEDS])
async def fleet(database: Database, request: pytest.FixtureRequest) -> AsyncIterator[Fleet]:
    async with qbo_bench(database, count=3, seed=request.param, size=CompanySize.small()) as bench:
        ids = await bench.connect_all()
        outcomes = await bench.sync_all()
        assert all(outcome.ok for outcome in outcomes), [o.error for o in outcomes]
        yield Fleet(bench, ids, now=bench.clock())


def assessments_written(statements: Iterable[str]) -> int:
    """``INSERT INTO assessment`` statements: how many times an assessment was (re)stored."""
    return sum(1 for s in statements if s.split()[:3] == ["INSERT", "INTO", "assessment"])


async def check(fleet: Fleet, *, changed: set[int], recomputed: set[int] | None = None) -> None:
    """Every business's views equal the live rules; the ``changed`` ones (and only they) moved
    their ``data_version``; the ``recomputed`` ones (default: the changed ones) and only they
    were computed again on their first read; a second read of any business computes nothing."""
    recomputed = changed if recomputed is None else recomputed
    for business_id in fleet.ids:
        business = await fleet.business(business_id)
        before = fleet.versions.get(business_id)
        if business_id in changed:
            assert before is None or business.data_version > before, business.name
        else:
            assert business.data_version == before, business.name
        fleet.versions[business_id] = business.data_version
        day = business_today(business.timezone, fleet.now)
        live = await live_assessment(fleet.sessions, business, day=day, thresholds=THRESHOLDS)
        trays, consoles = tray_filters(live), console_filters(live)

        with counting_statements(fleet.bench.database.url) as statements:
            got = await shown(
                fleet.sessions,
                business,
                day=day,
                now=fleet.now,
                thresholds=THRESHOLDS,
                trays=trays,
                consoles=consoles,
            )
        with counting_statements(fleet.bench.database.url) as again:
            await current_assessment(
                Loaders(fleet.sessions, [business_id]), business, as_of=day, thresholds=THRESHOLDS
            )

        assert assessments_written(statements) == (1 if business_id in recomputed else 0), (
            business.name
        )
        assert assessments_written(again) == 0, business.name
        assert_same(got, expected(live, trays=trays, consoles=consoles))


async def stored_rows(fleet: Fleet) -> dict[tuple[int, date], tuple[int | None, int]]:
    """Every stored assessment: (business, day) → (id, data version)."""
    async with fleet.sessions() as session:
        rows = (await session.scalars(select(Assessment).order_by(col(Assessment.id)))).all()
    return {(row.business_id, row.as_of): (row.id, row.data_version) for row in rows}


def changes(bench: Bench, realm_id: str, today: date) -> None:
    """CDC-visible changes that move every view: a bill paid, one deleted, one added due soon,
    an invoice's due date moved, a vendor deactivated, a bank balance changed."""
    open_bills = [b for b in bench.fake.objects(realm_id, "Bill") if Decimal(str(b["Balance"])) > 0]
    paid, deleted, template = open_bills[0], open_bills[1], open_bills[2]
    bench.fake.change(realm_id, "Bill", paid["Id"], Balance=Decimal(0))
    bench.fake.delete(realm_id, "Bill", deleted["Id"])
    added = {key: value for key, value in template.items() if key not in ("Id", "MetaData")}
    added.update(DocNumber="CDC-NEW-1", DueDate=(today + timedelta(days=2)).isoformat())
    bench.fake.add(realm_id, "Bill", added)
    invoices = [
        i for i in bench.fake.objects(realm_id, "Invoice") if Decimal(str(i["Balance"])) > 0
    ]
    bench.fake.change(
        realm_id, "Invoice", invoices[0]["Id"], DueDate=(today - timedelta(days=40)).isoformat()
    )
    # The vendor of an open bill: its bills lose their vendor (MISSING_VENDOR, not decidable).
    vendor_id = next(b["VendorRef"]["value"] for b in open_bills[3:] if b.get("VendorRef"))
    bench.fake.change(realm_id, "Vendor", vendor_id, Active=False)
    bank = next(a for a in bench.fake.objects(realm_id, "Account") if a["AccountType"] == "Bank")
    bench.fake.change(
        realm_id,
        "Account",
        bank["Id"],
        CurrentBalance=Decimal(str(bank["CurrentBalance"])) - Decimal("1234.56"),
    )


async def test_after_cdc_changes(fleet: Fleet) -> None:
    await check(fleet, changed=set(fleet.ids))
    bench = fleet.bench
    bench.clock.advance(minutes=10)
    first, second, _untouched = bench.realms
    changes(bench, first, await fleet.day_of(bench.business_ids[first]))
    invoice = next(
        i for i in bench.fake.objects(second, "Invoice") if Decimal(str(i["Balance"])) > 0
    )
    bench.fake.delete(second, "Invoice", invoice["Id"])  # a deletion alone moves the views too
    bench.clock.advance(seconds=1)

    outcomes = await bench.sync_all()

    assert [o.kind for o in outcomes] == ["incremental"] * 3
    assert all(o.ok for o in outcomes)
    await check(fleet, changed={bench.business_ids[first], bench.business_ids[second]})
    # A sync that finds nothing new changes no version: the stored views stay current.
    bench.clock.advance(minutes=10)
    assert all(o.changed == {} for o in await bench.sync_all())
    await check(fleet, changed=set())


async def test_after_recorded_decisions(fleet: Fleet) -> None:
    await check(fleet, changed=set(fleet.ids))
    decided = fleet.ids[:2]
    for business_id in decided:
        business = await fleet.business(business_id)
        day = business_today(business.timezone, fleet.now)
        live = await live_assessment(fleet.sessions, business, day=day, thresholds=THRESHOLDS)
        candidates = live.ready_bills or [bill for bill in live.bills if bill.decidable]
        must_pay = [bill for bill in candidates if bill.group is BillGroup.MUST_PAY]
        others = [bill for bill in candidates if bill not in must_pay]
        plan = [
            (must_pay[0] if must_pay else candidates[0], DecisionAction.DELAY_TO, 20),
            ((others or candidates)[-1], DecisionAction.PAY_ON, 0),
        ]
        for bill, action, days in plan:
            await record_bill_decision(
                Loaders(fleet.sessions, [business_id]),
                fleet.sessions,
                bill_id=bill.bill_id,
                action=action,
                day=day + timedelta(days=days),
                note="decided in a test",
                decided_by="owner@example.com",
                now=fleet.now,
            )

    await check(fleet, changed=set(decided))


async def test_after_the_day_turns(fleet: Fleet) -> None:
    await check(fleet, changed=set(fleet.ids))
    days = {business_id: await fleet.day_of(business_id) for business_id in fleet.ids}
    before = await stored_rows(fleet)
    # Just past the latest local midnight of the fleet: every business is on its next day.
    midnights = []
    for business_id in fleet.ids:
        zone = ZoneInfo((await fleet.business(business_id)).timezone)
        next_day = days[business_id] + timedelta(days=1)
        midnights.append(datetime.combine(next_day, datetime.min.time(), zone))
    fleet.now = max(midnights) + timedelta(minutes=1)

    for business_id in fleet.ids:
        assert await fleet.day_of(business_id) == days[business_id] + timedelta(days=1)
    # Nothing changed in the books, yet every business is on a new day: each computes again.
    await check(fleet, changed=set(), recomputed=set(fleet.ids))

    after = await stored_rows(fleet)
    for business_id in fleet.ids:
        old_key = (business_id, days[business_id])
        new_key = (business_id, days[business_id] + timedelta(days=1))
        assert after[old_key] == before[old_key]  # the old day's row: untouched, not reused
        assert after[new_key][0] != before[old_key][0]
