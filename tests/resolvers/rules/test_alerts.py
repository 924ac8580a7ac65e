from datetime import timedelta

from domains.ap.models import Vendor
from resolvers.rules.alerts import Alert, digest_alerts
from resolvers.rules.bills import BillAssessment, assess_bill
from resolvers.rules.enums import AlertCode, DigestStatus
from resolvers.rules.forecast import Forecast, ForecastWeek
from resolvers.rules.freshness import MirrorFreshness, mirror_freshness
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    NOW,
    assert_no_float,
    bill,
    days,
    flat_forecast,
    money,
    runway,
    vendor,
)

CRIT, WARN, OK = DigestStatus.CRITICAL, DigestStatus.WARNING, DigestStatus.HEALTHY
FRESH = MirrorFreshness(NOW - timedelta(hours=1), timedelta(hours=1), False)


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
