"""The digest orchestrator (``resolvers.digest``) without GraphQL, over the hand-built books.

The same figures as the GraphQL tests (``tests.handbuilt.figures``): the 13-week forecast, the
status and its alert, what is due and owed, and the top runway actions.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from domains.core.models import Business
from resolvers.console import DecisionFilter, decision_console
from resolvers.digest import Digest, digest, digest_as_of
from resolvers.errors import NotFound
from resolvers.hygiene import HygieneFilter, hygiene_tray
from resolvers.loaders import Loaders
from resolvers.rules.enums import AgingBucket, AlertCode, DigestStatus
from resolvers.thresholds import Thresholds
from tests.conftest import Database
from tests.factories import land_companies
from tests.handbuilt.company import NOW, TODAY, other_company
from tests.handbuilt.figures import FORECAST, READY_BILLS
from tests.statements import counting_statements, tables_read


async def digest_of(
    loaders: Loaders,
    business: Business,
    *,
    week_of: date | None = None,
    now: datetime = NOW,
) -> Digest:
    return await digest(
        loaders, business, today=TODAY, week_of=week_of, now=now, thresholds=Thresholds()
    )


def forecast_rows(result: Digest) -> list[tuple[str, ...]]:
    """The forecast as ``FORECAST`` spells it."""
    return [
        (
            week.week_start.isoformat(),
            week.week_end.isoformat(),
            str(week.opening),
            str(week.collections),
            str(week.bills),
            str(week.baseline_spend),
            str(week.closing),
        )
        for week in result.detail.forecast.weeks
    ]


async def test_the_week_cash_and_the_forecast(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await digest_of(loaders, harborview_business)

    assert (result.week_start, result.week_end, result.as_of) == (
        date(2026, 11, 16),
        date(2026, 11, 22),
        TODAY,
    )
    assert result.generated_at == NOW
    assert sorted((a.name, a.balance) for a in result.detail.bank_accounts) == [
        ("Checking", Decimal("30000.00")),
        ("Savings", Decimal("12000.00")),
    ]
    assert result.summary.runway.cash == Decimal("42000.00")
    assert forecast_rows(result) == FORECAST
    assert result.detail.forecast.cash_zero_date == date(2026, 12, 21)


async def test_a_forecast_running_out_of_cash_makes_a_healthy_runway_a_warning(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await digest_of(loaders, harborview_business)

    # Runway alone is HEALTHY (30 weeks); the forecast reaches zero in 4.4 weeks: WARNING.
    runway = result.summary.runway
    assert (runway.runway_status, runway.forecast_status) == (
        DigestStatus.HEALTHY,
        DigestStatus.WARNING,
    )
    assert runway.status is DigestStatus.WARNING
    assert result.headline == "cash runs out the week of 2026-12-21"
    assert [(a.code, a.level) for a in result.alerts] == [
        (AlertCode.CASH_ZERO, DigestStatus.WARNING)
    ]
    assert result.alerts[0].message.startswith("Cash runs out the week of 2026-12-21")


async def test_what_is_due_and_owed(loaders: Loaders, harborview_business: Business) -> None:
    result = await digest_of(loaders, harborview_business)

    payables, receivables = result.detail.payables, result.detail.receivables
    assert (payables.due_this_week_count, payables.due_this_week_amount) == (
        1,  # 102, due today
        Decimal("4000.00"),
    )
    assert (payables.aging.open_count, payables.aging.open_amount) == (13, Decimal("65480.00"))
    assert (payables.aging.overdue_count, payables.aging.overdue_amount) == (
        3,  # 101, the stale 113, and 111: no due date, so due on its date (11-18)
        Decimal("2500.00"),
    )
    assert (receivables.open_count, receivables.open_amount) == (5, Decimal("13700.00"))
    assert (receivables.overdue_count, receivables.overdue_amount) == (4, Decimal("11200.00"))
    assert [(a.bucket, a.count, a.amount) for a in receivables.buckets] == [
        (AgingBucket.CURRENT, 1, Decimal("2500.00")),
        (AgingBucket.DAYS_1_30, 2, Decimal("4200.00")),
        (AgingBucket.DAYS_31_60, 1, Decimal("5000.00")),
        (AgingBucket.DAYS_61_90, 1, Decimal("2000.00")),
        (AgingBucket.DAYS_90_PLUS, 0, Decimal(0)),
    ]
    assert [b.qbo_id for b in result.detail.bills_due_this_week] == [READY_BILLS[0][0]]  # 102
    # Every overdue invoice, ready for collection or not (204 has no email).
    assert [(i.qbo_id, i.priority, i.ready) for i in result.detail.overdue_invoices] == [
        ("202", 65, True),
        ("203", 58, True),
        ("201", 29, True),
        ("204", 12, False),
    ]
    assert result.recipients == ["owner@harborview.example"]
    assert result.freshness.last_synced_at == NOW
    assert result.freshness.stale is False


async def test_top_actions_add_the_most_runway(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await digest_of(loaders, harborview_business)

    # Days added = amount / 200, half up: collect 202 (25), 201 (15), 203 (10). No bill is
    # recommended for delay but 104 (80.00: 0.4 days, under one day: left out).
    assert [(a.kind, a.qbo_id, a.days_added, a.amount) for a in result.detail.top_actions] == [
        ("COLLECT_INVOICE", "202", 25, Decimal("5000.00")),
        ("COLLECT_INVOICE", "201", 15, Decimal("3000.00")),
        ("COLLECT_INVOICE", "203", 10, Decimal("2000.00")),
    ]


async def test_summaries_are_those_of_the_tray_and_the_console(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await digest_of(loaders, harborview_business)
    tray = await hygiene_tray(
        loaders,
        harborview_business,
        as_of=TODAY,
        thresholds=Thresholds(),
        wanted=HygieneFilter(),
        first=0,
        after=None,
    )
    console = await decision_console(
        loaders, harborview_business, as_of=TODAY, thresholds=Thresholds(), wanted=DecisionFilter()
    )

    assert result.summary.hygiene == tray.headline
    assert (result.summary.hygiene.score, result.summary.hygiene.counts.issue_count) == (70, 13)
    assert result.summary.decisions == await console.summary()
    assert result.summary.runway == console.runway


async def test_a_digest_after_the_console_reads_only_its_detail(
    database: Database, loaders: Loaders, harborview_business: Business
) -> None:
    await decision_console(
        loaders, harborview_business, as_of=TODAY, thresholds=Thresholds(), wanted=DecisionFilter()
    )

    with counting_statements(database.url) as statements:
        await digest_of(loaders, harborview_business)

    # The assessment was read (and stored) for the console: the digest adds only its detail.
    assert tables_read(statements) == ["assessment"]
    assert "detail" in statements[0]


@pytest.mark.parametrize(
    ("week_of", "as_of"),
    [
        (None, TODAY),  # this week: as of today
        (date(2026, 11, 16), TODAY),  # any day of this week
        (date(2026, 11, 22), TODAY),
        (date(2026, 11, 11), date(2026, 11, 9)),  # another week: as of its Monday
        (date(2026, 12, 3), date(2026, 11, 30)),
    ],
)
def test_the_day_a_digest_is_computed_as_of(week_of: date | None, as_of: date) -> None:
    assert digest_as_of(week_of, TODAY) == as_of


async def test_a_past_week_is_computed_as_of_its_monday(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await digest_of(loaders, harborview_business, week_of=date(2026, 11, 11))

    assert (result.week_start, result.week_end, result.as_of) == (
        date(2026, 11, 9),
        date(2026, 11, 15),
        date(2026, 11, 9),
    )
    assert result.detail.forecast.weeks[0].week_start == date(2026, 11, 9)
    # On 11-09, bill 101 (due 11-15) is not overdue yet and 102 (due 11-20) is due next week.
    assert [b.qbo_id for b in result.detail.bills_due_this_week] == ["101"]


async def test_a_mirror_synced_long_ago_is_flagged_stale(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await digest_of(loaders, harborview_business, now=NOW + timedelta(days=3))

    assert result.freshness.stale is True
    assert AlertCode.STALE_MIRROR in [a.code for a in result.alerts]


async def test_no_delay_is_offered_for_bills_the_console_holds_back(database: Database) -> None:
    [pk] = await land_companies(database.sessions, [other_company()], synced_at=NOW)
    loaders = Loaders(database.sessions, [pk])
    business = await loaders.business_by_id.load(pk)
    assert business is not None

    result = await digest_of(loaders, business)

    # 901 and 902 are possible duplicates of each other: neither is ready for a decision, so
    # neither is offered for delay (today: 700 * 7 / 100 = +49 days each).
    assert [a.kind for a in result.detail.top_actions] == []
    assert result.summary.decisions.can_delay_count == 0


async def test_loaders_scoped_to_another_business_see_none_of_its_rows(
    database: Database, harborview_business: Business
) -> None:
    [other] = await land_companies(database.sessions, [other_company()], synced_at=NOW)

    # Harborview's row in hand, through loaders of another business: as if it didn't exist.
    with pytest.raises(NotFound):
        await digest_of(Loaders(database.sessions, [other]), harborview_business)
