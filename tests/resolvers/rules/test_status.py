from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domains.ap.models import Vendor
from resolvers.rules.bills import BillAssessment, assess_bill
from resolvers.rules.enums import AlertCode, DigestStatus
from resolvers.rules.forecast import Forecast, ForecastWeek
from resolvers.rules.status import (
    Alert,
    MirrorFreshness,
    digest_alerts,
    digest_status,
    forecast_status,
    mirror_freshness,
    status_for_weeks,
)
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    assert_no_float,
    bill,
    days,
    money,
    runway,
    vendor,
)

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
FRESH = MirrorFreshness(NOW - timedelta(hours=1), timedelta(hours=1), False)
CRIT, WARN, OK = DigestStatus.CRITICAL, DigestStatus.WARNING, DigestStatus.HEALTHY


def flat_forecast(cash: str, zero_week: int | None = None) -> Forecast:
    """13 weeks of nothing happening, optionally going below zero from ``zero_week`` on."""
    weeks = []
    for index in range(13):
        start = AS_OF + timedelta(weeks=index)
        closing = money("-1") if zero_week is not None and index >= zero_week else money(cash)
        weeks.append(
            ForecastWeek(
                start, start + timedelta(days=6), money(cash), money(0), money(0), money(0), closing
            )
        )
    zero = None if zero_week is None else AS_OF + timedelta(weeks=zero_week)
    return Forecast(tuple(weeks), zero)


def test_freshness_flags_more_than_24_hours() -> None:
    exactly = mirror_freshness(NOW - timedelta(hours=24), now=NOW, thresholds=DEFAULTS)
    assert exactly == MirrorFreshness(NOW - timedelta(hours=24), timedelta(hours=24), False)
    older = mirror_freshness(NOW - timedelta(hours=24, seconds=1), now=NOW, thresholds=DEFAULTS)
    assert older.stale
    assert mirror_freshness(None, now=NOW, thresholds=DEFAULTS) == MirrorFreshness(None, None, True)


@pytest.mark.parametrize(
    ("weeks", "status"),
    [(None, OK), ("3.99", CRIT), ("4", WARN), ("12.99", WARN), ("13", OK), ("0", CRIT)],
)
def test_status_for_weeks(weeks: str | None, status: DigestStatus) -> None:
    assert status_for_weeks(None if weeks is None else Decimal(weeks), DEFAULTS) is status


def test_forecast_status_counts_weeks_from_today_to_cash_zero() -> None:
    assert forecast_status(flat_forecast("10", None), as_of=AS_OF, thresholds=DEFAULTS) is OK
    assert forecast_status(flat_forecast("10", 3), as_of=AS_OF, thresholds=DEFAULTS) is CRIT
    assert forecast_status(flat_forecast("10", 4), as_of=AS_OF, thresholds=DEFAULTS) is WARN
    assert forecast_status(flat_forecast("10", 12), as_of=AS_OF, thresholds=DEFAULTS) is WARN


def test_digest_status_is_the_worse_of_runway_and_forecast() -> None:
    not_burning = runway("5000.00", "0")
    assert digest_status(not_burning, flat_forecast("5000"), as_of=AS_OF, thresholds=DEFAULTS) is OK
    assert (
        digest_status(not_burning, flat_forecast("5000", 2), as_of=AS_OF, thresholds=DEFAULTS)
        is CRIT
    )
    short = runway("3000.00", "1000.00")  # 3 weeks
    assert digest_status(short, flat_forecast("3000"), as_of=AS_OF, thresholds=DEFAULTS) is CRIT
    medium = runway("5000.00", "1000.00")  # 5 weeks
    assert digest_status(medium, flat_forecast("5000"), as_of=AS_OF, thresholds=DEFAULTS) is WARN


def test_a_healthy_week_raises_no_alert() -> None:
    alerts = digest_alerts(
        runway=runway("100000.00", "1000.00"),
        forecast=flat_forecast("100000"),
        bills=[],
        freshness=FRESH,
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    assert alerts == ()


def test_cash_zero_alert_names_what_falls_due() -> None:
    weeks = []
    opening = money("10000.00")
    flows = [("1000.00", "8400.00"), ("0", "10000.00"), ("4000.00", "0")]
    for index in range(13):
        start = AS_OF + timedelta(weeks=index)
        collections, bills = flows[index] if index < len(flows) else ("0", "0")
        closing = opening + money(collections) - money(bills) - money("500.00")
        weeks.append(
            ForecastWeek(
                start,
                start + timedelta(days=6),
                opening,
                money(collections),
                money(bills),
                money("500.00"),
                closing,
            )
        )
        opening = closing
    # week 0 closes 2100, week 1 closes -8400: cash runs out in the week of 2026-12-14.
    forecast = Forecast(tuple(weeks), days(7))
    alerts = digest_alerts(
        runway=runway("10000.00", "0"),
        forecast=forecast,
        bills=[],
        freshness=FRESH,
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    assert alerts == (
        Alert(
            AlertCode.CASH_ZERO,
            CRIT,
            "Cash runs out the week of 2026-12-14: $18,400.00 of bills and $1,000.00 of other "
            "spending fall due by 2026-12-20, against $10,000.00 in the bank and $1,000.00 of "
            "expected collections",
        ),
    )


def test_runway_negative_cash_critical_bills_and_stale_data() -> None:
    gusto = vendor(qbo_id="V2", display_name="Gusto Payroll")
    irs = vendor(qbo_id="V3", display_name="IRS")
    overdrawn = runway("-1200.50", "1000.00")

    def overdue(supplier: Vendor, doc: str, due_in: int, amount: str) -> BillAssessment:
        return assess_bill(
            bill(doc_number=doc, due_date=days(due_in), balance=money(amount)),
            vendor=supplier,
            term=None,
            decision=None,
            blocked=False,
            as_of=AS_OF,
            runway=overdrawn,
            thresholds=DEFAULTS,
        )

    bills = [
        overdue(gusto, "55", -3, "5000.00"),
        overdue(irs, "60", -10, "1200.00"),
        overdue(vendor(display_name="Acme Supply"), "61", -10, "999.00"),  # not critical
        overdue(gusto, "56", 2, "5000.00"),  # not overdue
    ]
    stale = mirror_freshness(NOW - timedelta(hours=30), now=NOW, thresholds=DEFAULTS)
    alerts = digest_alerts(
        runway=overdrawn,
        forecast=flat_forecast("-1200.50", 0),
        bills=bills,
        freshness=stale,
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    assert [(a.code, a.level) for a in alerts] == [
        (AlertCode.NEGATIVE_CASH, CRIT),
        (AlertCode.CASH_ZERO, CRIT),
        (AlertCode.LOW_RUNWAY, CRIT),
        (AlertCode.OVERDUE_CRITICAL_BILLS, CRIT),
        (AlertCode.STALE_MIRROR, WARN),
    ]
    messages = {a.code: a.message for a in alerts}
    assert (
        messages[AlertCode.NEGATIVE_CASH]
        == "Bank balances total -$1,200.50: accounts are overdrawn"
    )
    assert messages[AlertCode.LOW_RUNWAY] == (
        "Runway is 0.0 weeks: -$1,200.50 in the bank against a net burn of $1,000.00 a week"
    )
    assert messages[AlertCode.OVERDUE_CRITICAL_BILLS] == (
        "2 bills from critical vendors are overdue ($6,200.00): "
        "Bill 60 from IRS, Bill 55 from Gusto Payroll"
    )
    assert messages[AlertCode.STALE_MIRROR] == (
        "Data last synced 2026-12-06 09:00 UTC, 30 hours ago: figures may be out of date"
    )
    assert_no_float(alerts)


def test_warning_runway_and_never_synced() -> None:
    alerts = digest_alerts(
        runway=runway("5000.00", "1000.00"),
        forecast=flat_forecast("5000"),
        bills=[],
        freshness=mirror_freshness(None, now=NOW, thresholds=DEFAULTS),
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    assert alerts == (
        Alert(
            AlertCode.LOW_RUNWAY,
            WARN,
            "Runway is 5.0 weeks: $5,000.00 in the bank against a net burn of $1,000.00 a week",
        ),
        Alert(
            AlertCode.NEVER_SYNCED,
            WARN,
            "This business has never synced with QuickBooks: figures are empty or incomplete",
        ),
    )
