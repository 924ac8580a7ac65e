"""Calendar arithmetic the rules share: digest weeks run Monday to Sunday."""

from datetime import date, timedelta

from resolvers.rules.enums import Urgency


def week_start(day: date) -> date:
    """The Monday of the week containing ``day``."""
    return day - timedelta(days=day.weekday())


def week_end(day: date) -> date:
    """The Sunday of the week containing ``day``."""
    return week_start(day) + timedelta(days=6)


def add_days_capped(day: date, days: int) -> date:
    """``day`` plus ``days``, saturating at ``date.max`` instead of overflowing."""
    ordinal = day.toordinal() + days
    return date.fromordinal(max(1, min(ordinal, date.max.toordinal())))


def urgency(days_until_due: int, due_soon_days: int) -> Urgency:
    """Where a document stands: OVERDUE once its due date has passed, DUE_SOON when due within
    ``due_soon_days`` (inclusive: due today is DUE_SOON, not overdue), else UPCOMING."""
    if days_until_due < 0:
        return Urgency.OVERDUE
    if days_until_due <= due_soon_days:
        return Urgency.DUE_SOON
    return Urgency.UPCOMING
