"""The status thresholds, applied once: HEALTHY, WARNING or CRITICAL from weeks of cash.

the product brief's "CRITICAL under 4 weeks, WARNING under 13" applies to two measures, and
``rules.runway`` shows the worse: the runway at the trailing burn, and the weeks until the
forecast's cash-zero date (a forecast that goes below zero in 3 weeks because a large bill falls
due is critical even when the average burn looks mild).
"""

from datetime import date
from decimal import Decimal

from resolvers.rules.enums import DigestStatus
from resolvers.rules.forecast import Forecast
from resolvers.thresholds import Thresholds


def status_for_cover(amount: Decimal, per_week: Decimal, thresholds: Thresholds) -> DigestStatus:
    """The status of ``amount / per_week`` weeks (``per_week`` > 0), compared without dividing.

    CRITICAL under ``critical_runway_weeks``, WARNING under ``warning_runway_weeks``, else HEALTHY:
    exactly 4.0 weeks is WARNING and exactly 13.0 is HEALTHY. Multiplying the thresholds instead of
    dividing keeps the comparison exact, so a ratio a hair under 4 never rounds up to 4.
    """
    if amount < thresholds.critical_runway_weeks * per_week:
        return DigestStatus.CRITICAL
    if amount < thresholds.warning_runway_weeks * per_week:
        return DigestStatus.WARNING
    return DigestStatus.HEALTHY


def status_for_weeks(weeks: Decimal | None, thresholds: Thresholds) -> DigestStatus:
    """The status of ``weeks`` of cash; ``None`` (not burning) is HEALTHY."""
    if weeks is None:
        return DigestStatus.HEALTHY
    return status_for_cover(weeks, Decimal(1), thresholds)


def forecast_status(forecast: Forecast, *, as_of: date, thresholds: Thresholds) -> DigestStatus:
    """The status the forecast alone implies: weeks from ``as_of`` to the cash-zero date."""
    if forecast.cash_zero_date is None:
        return DigestStatus.HEALTHY
    return status_for_cover(Decimal((forecast.cash_zero_date - as_of).days), Decimal(7), thresholds)


def worse(first: DigestStatus, second: DigestStatus) -> DigestStatus:
    """The worse of two statuses (CRITICAL over WARNING over HEALTHY)."""
    return first if first.rank >= second.rank else second
