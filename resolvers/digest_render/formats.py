"""How the digest words its numbers, dates and times for a reader: "$18,400.00", "Mon 23 Nov 2026".

Snapshots hold GraphQL scalars (money as strings, ISO dates and UTC datetimes); these helpers turn
them back into ``Decimal``, ``date`` and ``datetime`` and then into what an owner reads. The
e-mail's body writes every date one way, ``long_date`` ("Mon 23 Nov 2026", as the headline does),
and every time in the business's own timezone ("09:00 PST"). Month and day names are spelled here
rather than with ``strftime`` so the output does not depend on the process's locale.
"""

import re
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from resolvers.rules.labels import plural
from resolvers.rules.money import format_money

__all__ = [
    "DASH",
    "business_zone",
    "day_month",
    "format_money",
    "local_time",
    "long_date",
    "plural",
    "reword_dates",
    "to_date",
    "to_datetime",
    "to_decimal",
    "weeks_phrase",
]

DASH = "\N{EN DASH}"
"""Ranges ("1-30 days") take an en dash in print; spelled by name so no look-alike hides in code."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ISO_DATE = re.compile(
    r"(?<![\w-])(?P<date>\d{4}-\d{2}-\d{2})(?: (?P<time>\d{2}:\d{2}) UTC)?(?![\w-])"
)
"""An ISO date, optionally with a UTC time ("2026-12-06 09:00 UTC"), standing alone: not a
piece of a longer token such as the document number "INV-2026-01-05"."""


def to_decimal(value: str) -> Decimal:
    """A snapshot's money or quantity string back to its exact ``Decimal``."""
    return Decimal(value)


def to_date(value: str) -> date:
    """A snapshot's ISO date back to a ``date``."""
    return date.fromisoformat(value)


def to_datetime(value: str) -> datetime:
    """A snapshot's ISO datetime back to an aware ``datetime``."""
    return datetime.fromisoformat(value)


def day_month(day: date) -> str:
    """ "23 Nov": the subject's week, where the line is short and the year is this one."""
    return f"{day.day} {_MONTHS[day.month - 1]}"


def long_date(day: date) -> str:
    """ "Mon 23 Nov 2026": the e-mail's one date format, wherever its body shows a date."""
    return f"{_WEEKDAYS[day.weekday()]} {day_month(day)} {day.year}"


def business_zone(name: str | None) -> tzinfo:
    """The business's timezone; UTC when there is none (a snapshot stored before it recorded
    the zone) or the name is not one this machine knows, as ``resolvers.clock.business_today``
    reads it. The digest schedule uses it too, so the e-mail's times and its slot agree."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    # Unknown ("Mars/Base": ZoneInfoNotFoundError, a KeyError), malformed ("../x": ValueError),
    # or a directory of zones ("America": IsADirectoryError, an OSError).
    except (KeyError, ValueError, OSError):
        return UTC


def local_time(moment: datetime, zone: tzinfo) -> str:
    """ "Fri 20 Nov 2026, 09:00 PST": a moment as the business's clock shows it, with the zone's
    abbreviation, or its offset ("UTC+05:45") where the zone has no letters for it."""
    local = moment.astimezone(zone)
    name = local.tzname() or "UTC"
    if name[:1] in "+-":
        offset = local.utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        sign = "-" if minutes < 0 else "+"
        name = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{long_date(local.date())}, {local:%H:%M} {name}"


def reword_dates(text: str, zone: tzinfo) -> str:
    """``text`` with its ISO dates in the e-mail's format and its UTC times on the business's
    clock: "due 2026-11-30" becomes "due Mon 30 Nov 2026", "synced 2026-12-06 09:00 UTC" becomes
    "synced Sun 6 Dec 2026, 01:00 PST".

    The rules word alerts, labels and actions for every client, with ISO dates (the API's
    format); the e-mail shows them as it shows its own dates. A string that only looks like a
    date ("2026-02-30") is left as it is.
    """

    def reworded(match: re.Match[str]) -> str:
        try:
            day = date.fromisoformat(match["date"])
            if match["time"] is None:
                return long_date(day)
            moment = datetime.fromisoformat(f"{match['date']}T{match['time']}+00:00")
        except ValueError:
            return match[0]
        return local_time(moment, zone)

    return _ISO_DATE.sub(reworded, text)


def weeks_phrase(runway_weeks: str | None) -> str:
    """ "6.2 weeks of runway", or "not burning cash" when runway is unbounded."""
    if runway_weeks is None:
        return "not burning cash"
    weeks = to_decimal(runway_weeks)
    noun = "week" if weeks == 1 else "weeks"
    return f"{weeks:f} {noun} of runway"
