from datetime import date
from decimal import Decimal

import pytest

from resolvers.rules.enums import DigestStatus
from resolvers.rules.runway import RunwayFigures, runway_figures
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    assert_no_float,
    days,
    flat_forecast,
    money,
)


def figures(cash: str, burn: str) -> RunwayFigures:
    return runway_figures(
        cash=money(cash), weekly_net_burn=money(burn), as_of=AS_OF, thresholds=DEFAULTS
    )


@pytest.mark.parametrize(
    ("cash", "burn", "weeks", "status"),
    [
        ("39499.99", "10000.00", "3.9", DigestStatus.CRITICAL),
        # 3.95 shows as 4.0, and 4.0 weeks is not under 4: the status reads the shown figure.
        ("39500.00", "10000.00", "4.0", DigestStatus.WARNING),
        ("40000.00", "10000.00", "4.0", DigestStatus.WARNING),
        ("129499.99", "10000.00", "12.9", DigestStatus.WARNING),
        ("129500.00", "10000.00", "13.0", DigestStatus.HEALTHY),
        ("0", "10000.00", "0.0", DigestStatus.CRITICAL),
        ("-500.00", "10000.00", "0.0", DigestStatus.CRITICAL),
    ],
)
def test_runway_status_boundaries(cash: str, burn: str, weeks: str, status: DigestStatus) -> None:
    result = figures(cash, burn)
    assert result.runway_weeks == Decimal(weeks)
    assert result.status is status


def test_runway_weeks_are_rounded_half_up_to_a_tenth() -> None:
    assert figures("39999.99", "10000.00").runway_weeks == Decimal("4.0")  # 3.999999
    # The example: 1,162.50 / 1,453.13 = 0.79999 shows 0.8, not a truncated 0.7.
    assert figures("1162.50", "1453.13").runway_weeks == Decimal("0.8")
    assert figures("1000.00", "2000.00").runway_weeks == Decimal("0.5")
    assert figures("1049.99", "10000.00").runway_weeks == Decimal("0.1")  # 0.104999
    assert figures("1050.00", "10000.00").runway_weeks == Decimal("0.1")  # 0.105 half up is 0.1


def test_covered_until_adds_the_whole_days_of_the_shown_runway() -> None:
    result = figures("10000.00", "7000.00")  # 1.43 weeks, shown 1.4 = 9.8 days
    assert result.runway_weeks == Decimal("1.4")
    assert result.covered_until == days(9)
    assert figures("-1.00", "7000.00").covered_until == AS_OF
    assert figures("1" + "0" * 15, "0.01").covered_until == date.max


@pytest.mark.parametrize("burn", ["0", "0.00", "-250.00"])
def test_zero_or_negative_burn_is_not_burning(burn: str) -> None:
    result = figures("5000.00", burn)
    assert result.runway_weeks is None
    assert result.covered_until is None
    assert result.status is DigestStatus.HEALTHY
    assert not result.burning
    assert result.days_of_burn(money("1000")) is None


def test_overdrawn_and_not_burning_is_still_critical() -> None:
    assert figures("-0.01", "0").status is DigestStatus.CRITICAL


def test_days_of_burn() -> None:
    result = figures("100000.00", "700.00")  # 100 a day
    assert result.days_of_burn(money("250.00")) == Decimal("2.5")
    assert result.days_of_burn(money("1.00")) == Decimal("0.0")
    assert result.days_of_burn(money("5.00")) == Decimal("0.1")  # 0.05 half up
    assert_no_float(result)


def with_forecast(cash: str, burn: str, zero_week: int | None) -> RunwayFigures:
    return runway_figures(
        cash=money(cash),
        weekly_net_burn=money(burn),
        as_of=AS_OF,
        thresholds=DEFAULTS,
        forecast=flat_forecast(cash, zero_week),
    )


def test_status_is_the_worse_of_the_runway_and_the_forecast() -> None:
    assert with_forecast("5000.00", "0", None).status is DigestStatus.HEALTHY
    cash_zero_soon = with_forecast("5000.00", "0", 2)
    assert (cash_zero_soon.runway_status, cash_zero_soon.forecast_status) == (
        DigestStatus.HEALTHY,
        DigestStatus.CRITICAL,
    )
    assert cash_zero_soon.status is DigestStatus.CRITICAL
    assert (
        cash_zero_soon.status_reason
        == "CRITICAL: the forecast goes below zero the week of 2026-12-21"
    )
    short = with_forecast("3000.00", "1000.00", None)  # 3 weeks
    assert short.status is DigestStatus.CRITICAL
    assert short.status_reason == (
        "CRITICAL: 3.0 weeks of runway at the trailing net burn ($3,000.00 ÷ $1,000.00 a week)"
    )
    medium = with_forecast("5000.00", "1000.00", 12)  # 5 weeks of runway; cash zero in 12
    assert (medium.status, medium.runway_status) == (DigestStatus.WARNING, DigestStatus.WARNING)


def test_covered_until_is_never_on_or_after_the_cash_zero_date() -> None:
    # The example: 56 weeks of runway, but the forecast goes below zero in week 8.
    result = with_forecast("56000.00", "1000.00", 7)
    assert result.runway_weeks == Decimal("56.0")
    assert result.cash_zero_date == days(49)
    assert result.covered_until == days(48)
    # Cash zero this week (overdue bills land today): covered until yesterday.
    today = with_forecast("1162.50", "1453.13", 0)
    assert (today.cash_zero_date, today.covered_until) == (AS_OF, days(-1))
    assert today.status_reason == "CRITICAL: the forecast goes below zero this week"
    # Not burning and never below zero: covered indefinitely.
    assert with_forecast("5000.00", "0", None).covered_until is None


def test_a_bill_never_costs_more_runway_than_there_is() -> None:
    result = figures("1162.50", "1453.13")  # 0.8 weeks = 5.6 days shown
    assert result.runway_days == Decimal("5.6")
    assert result.impact_days(money("55673.80")) == Decimal("5.6")
    assert result.impact_days(money("145.31")) == Decimal("0.7")
    assert figures("5000.00", "0").impact_days(money("10.00")) is None


def test_figures_are_to_the_cent() -> None:
    result = figures("1162.5", "1453.125")
    assert (str(result.cash), str(result.weekly_net_burn)) == ("1162.50", "1453.13")
