""" "Today" for a business: the date in its own timezone at a given instant."""

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def business_today(timezone: str, now: datetime) -> date:
    """The calendar date at ``now`` in ``timezone`` (UTC if the mirror holds an unknown zone)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()
