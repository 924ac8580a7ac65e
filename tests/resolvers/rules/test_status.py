from decimal import Decimal

import pytest

from resolvers.rules.enums import DigestStatus
from resolvers.rules.status import forecast_status, status_for_weeks, worse
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    flat_forecast,
)

CRIT, WARN, OK = DigestStatus.CRITICAL, DigestStatus.WARNING, DigestStatus.HEALTHY


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


def test_worse_orders_critical_over_warning_over_healthy() -> None:
    assert worse(OK, WARN) is WARN
    assert worse(CRIT, WARN) is CRIT
    assert worse(OK, OK) is OK
