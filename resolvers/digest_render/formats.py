"""How the digest words its numbers and dates for a reader: "$18,400.00", "$120k", "Mon 23 Nov".

Snapshots hold GraphQL scalars (money as strings, ISO dates); these helpers turn them back into
``Decimal`` and ``date`` and then into what an owner reads. Month and day names are spelled here
rather than with ``strftime`` so the output does not depend on the process's locale.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from resolvers.rules.labels import plural
from resolvers.rules.money import format_money

__all__ = [
    "DASH",
    "compact_money",
    "day_month",
    "format_money",
    "long_date",
    "plural",
    "short_date",
    "synced_label",
    "to_date",
    "to_datetime",
    "to_decimal",
    "week_range",
    "weeks_phrase",
]

DASH = "\N{EN DASH}"
"""Ranges ("16-22 Nov") take an en dash in print; spelled by name so no look-alike hides in code."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "GBP": "£", "EUR": "€"}
_THOUSAND = Decimal(1000)
_MILLION = Decimal(1_000_000)


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
    """ "23 Nov": chart labels and the subject."""
    return f"{day.day} {_MONTHS[day.month - 1]}"


def short_date(day: date) -> str:
    """ "Mon 23 Nov": due dates in this week's lists."""
    return f"{_WEEKDAYS[day.weekday()]} {day_month(day)}"


def long_date(day: date) -> str:
    """ "Mon 23 Nov 2026": dates a reader may need the year of."""
    return f"{short_date(day)} {day.year}"


def week_range(start: date, end: date) -> str:
    """ "16-22 Nov 2026", "30 Nov - 6 Dec 2026" or "28 Dec 2026 - 3 Jan 2027" (en dashes)."""
    if start.year != end.year:
        return f"{day_month(start)} {start.year} {DASH} {day_month(end)} {end.year}"
    if start.month != end.month:
        return f"{day_month(start)} {DASH} {day_month(end)} {end.year}"
    return f"{start.day}{DASH}{day_month(end)} {end.year}"


def synced_label(moment: datetime) -> str:
    """ "Fri 20 Nov 2026, 17:00 UTC": the snapshot keeps UTC and not the business's timezone."""
    return f"{long_date(moment.date())}, {moment:%H:%M} UTC"


def compact_money(amount: Decimal, currency: str) -> str:
    """ "$120k", "-$1.2M", "$950": chart axis labels, where cents would be noise."""
    code = currency.upper()
    symbol = _SYMBOLS.get(code, f"{code} ")
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    if size >= _MILLION:
        number, suffix = size / _MILLION, "M"
    elif size >= _THOUSAND:
        number, suffix = size / _THOUSAND, "k"
    else:
        number, suffix = size, ""
    # One decimal below 10 ("$2.5k"), none above ("$120k"); a trailing ".0" is dropped.
    places = Decimal("0.1") if number < 10 else Decimal(1)
    shown = number.quantize(places, rounding=ROUND_HALF_UP)
    text = f"{shown:f}".removesuffix(".0")
    return f"{sign}{symbol}{text}{suffix}"


def weeks_phrase(runway_weeks: str | None) -> str:
    """ "6.2 weeks of runway", or "not burning cash" when runway is unbounded."""
    if runway_weeks is None:
        return "not burning cash"
    weeks = to_decimal(runway_weeks)
    noun = "week" if weeks == 1 else "weeks"
    return f"{weeks:f} {noun} of runway"
