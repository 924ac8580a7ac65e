from datetime import date

import pytest

from resolvers.rules.dates import add_days_capped, urgency, week_end, week_start
from resolvers.rules.enums import Urgency


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 12, 7), date(2026, 12, 7)),  # Monday
        (date(2026, 12, 9), date(2026, 12, 7)),  # Wednesday
        (date(2026, 12, 13), date(2026, 12, 7)),  # Sunday
        (date(2026, 12, 14), date(2026, 12, 14)),  # next Monday
        (date(2027, 1, 1), date(2026, 12, 28)),  # across the year end
    ],
)
def test_week_runs_monday_to_sunday(day: date, monday: date) -> None:
    assert week_start(day) == monday
    assert week_end(day) == date.fromordinal(monday.toordinal() + 6)


@pytest.mark.parametrize(
    ("days_until_due", "expected"),
    [(-1, Urgency.OVERDUE), (0, Urgency.DUE_SOON), (3, Urgency.DUE_SOON), (4, Urgency.UPCOMING)],
)
def test_urgency_due_today_is_due_soon_not_overdue(days_until_due: int, expected: Urgency) -> None:
    assert urgency(days_until_due, 3) is expected


def test_add_days_saturates_instead_of_overflowing() -> None:
    assert add_days_capped(date(2026, 1, 1), 10) == date(2026, 1, 11)
    assert add_days_capped(date(9999, 12, 1), 10**9) == date.max
