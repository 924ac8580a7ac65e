"""The lines of the digest's lists: a week of the outlook, a bill or invoice, a move that adds
runway, each worded from its part of the snapshot (``view.py`` assembles them)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal
from typing import Any

from resolvers.digest_render.chart import Bar
from resolvers.digest_render.formats import (
    format_money,
    long_date,
    plural,
    reword_dates,
    to_date,
    to_decimal,
)
from resolvers.rules.money import round_int

TEXT_BAR_WIDTH = 16
"""Characters of the plain-text chart's longest bar (a week's line then fits 76 columns)."""
_COLLECTION_WORDS = {"REMIND": "Send a reminder", "ESCALATE": "Escalate", "CALL": "Call them"}


@dataclass(frozen=True)
class WeekLine:
    """One week of the outlook: its bar in the chart and the exact figures behind it."""

    label: str
    collections: str
    outgoing: str
    closing: str
    negative: bool
    chart: Bar
    """The HTML part's bar: table cells with percentage widths."""
    bar: str
    """The plain-text part's chart: ``#`` per step of closing cash (``-`` below zero)."""


@dataclass(frozen=True)
class ItemLine:
    """A bill or invoice to act on, with its link into QBO."""

    label: str
    url: str
    when: str
    amount: str
    advice: str
    urgent: bool


@dataclass(frozen=True)
class ActionLine:
    """A move that adds runway: its "+N days" badge, what to do, and the record in QBO."""

    days: str
    text: str
    url: str


def week_lines(
    forecast: Sequence[Mapping[str, Any]], bars: Sequence[Bar], currency: str
) -> tuple[WeekLine, ...]:
    """The outlook's weeks, each with its chart ``bars`` (same order) and a text bar scaled to
    the widest week, so both parts draw the same shape."""
    closings = [to_decimal(week["closing"]) for week in forecast]
    widest = max((abs(closing) for closing in closings), default=Decimal(0))
    lines = []
    for week, closing, chart in zip(forecast, closings, bars, strict=True):
        length = round_int(abs(closing) / widest * TEXT_BAR_WIDTH) if widest else 0
        if closing < 0:
            length = max(length, 1)  # a week below zero always shows, however shallow
        outgoing = to_decimal(week["bills"]) + to_decimal(week["baselineSpend"])
        lines.append(
            WeekLine(
                label=long_date(to_date(week["weekStart"])),
                collections=format_money(to_decimal(week["collections"]), currency),
                outgoing=format_money(outgoing, currency),
                closing=format_money(closing, currency),
                negative=closing < 0,
                chart=chart,
                bar=("-" if closing < 0 else "#") * length,
            )
        )
    return tuple(lines)


def bill_line(bill: Mapping[str, Any], currency: str, zone: tzinfo) -> ItemLine:
    """A bill due this week; a recorded decision is said before the console's advice, since
    the owner has already made it."""
    decided = bill["decidedAction"]
    if decided == "PAY_ON":
        advice = f"Decided: pay on {long_date(to_date(bill['decidedFor']))}"
    elif decided == "DELAY_TO":
        advice = f"Decided: delay to {long_date(to_date(bill['decidedFor']))}"
    elif bill["action"] == "PAY_NOW":
        advice = "Pay now"
    elif bill["action"] == "SCHEDULE":
        advice = f"Pay on {long_date(to_date(bill['recommendedPayDate']))}"
    else:
        advice = "Can wait"
    return ItemLine(
        label=reword_dates(bill["label"], zone),
        url=bill["qboUrl"],
        when=f"Due {long_date(to_date(bill['dueDate']))}",
        amount=format_money(to_decimal(bill["amount"]), currency),
        advice=advice,
        urgent=bill["group"] == "MUST_PAY",
    )


def invoice_line(invoice: Mapping[str, Any], currency: str, zone: tzinfo) -> ItemLine:
    """An overdue invoice; anything past a reminder is urgent (shown in red)."""
    return ItemLine(
        label=reword_dates(invoice["label"], zone),
        url=invoice["qboUrl"],
        when=f"{plural(invoice['daysOverdue'], 'day')} overdue",
        amount=format_money(to_decimal(invoice["amount"]), currency),
        advice=_COLLECTION_WORDS[invoice["action"]],
        urgent=invoice["action"] != "REMIND",
    )


def action_line(action: Mapping[str, Any], zone: tzinfo) -> ActionLine:
    """A move that adds runway, its days in the badge rather than repeated in the text."""
    days = f"+{plural(action['daysAdded'], 'day')}"
    # The rules end each description with its "+N days"; the badge shows it, so drop the echo.
    text = reword_dates(str(action["description"]).removesuffix(f": {days}"), zone)
    return ActionLine(days=days, text=text, url=action["qboUrl"])
