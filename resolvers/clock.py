""" "Now" and "today": the real clock, and a business's date in its own timezone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def business_today(timezone: str, now: datetime) -> date:
    """The calendar date at ``now`` in ``timezone`` (UTC if the mirror holds an unknown zone)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def utc_now() -> datetime:
    """The real clock, aware UTC: what a process passes where tests pass a fixed one."""
    return datetime.now(UTC)
