"""The 13-week cash chart as table cells, so it shows in every mail client and on a phone.

Gmail and Outlook drop inline SVG, and a drawn image scales its labels down with it (about 5 px
on a 390 px phone). So each week's bar is a one-row table whose cells have percentage widths: an
empty track, the bar, and the track again. Every client lays out table cells, the bar shrinks with
the screen while the labels (plain text around it, in the template) keep their size, and no image
is fetched or attached.

The scale runs from the lowest closing cash (or zero) at the left edge to the highest (or zero) at
the right, so the zero line sits where the two meet: bars of weeks above zero start on it and grow
right, bars below zero end on it and grow left, in red. Widths are whole percents computed with
``Decimal``, summing to exactly 100 in each row, so the output is the same on every machine and
the checked-in example stays byte-stable.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from resolvers.digest_render.formats import format_money, long_date

POSITIVE = "#3b82f6"
NEGATIVE = "#dc2626"
TRACK = "#f1f5f9"
"""The empty part of a row: light enough to recede, visible enough to show the scale's extent."""
ZERO_LINE = "#334155"
FULL = 100
"""Percent: a row's cells always add up to this."""

ZeroEdge = Literal["left", "right"] | None


@dataclass(frozen=True)
class BarCell:
    """One cell of a week's row: its share of the row, its colour, and whether the zero line
    runs along one of its edges (drawn as a border there)."""

    width: int
    """Percent of the row, at least 1."""
    colour: str
    bar: bool
    """The bar itself (else the empty track)."""
    zero_edge: ZeroEdge = None


@dataclass(frozen=True)
class Bar:
    """One week's closing cash as cells, with its exact amount in words for a screen reader."""

    cells: tuple[BarCell, ...]
    negative: bool
    title: str


@dataclass(frozen=True)
class CashChart:
    """Everything the template's bar rows need, already scaled."""

    bars: tuple[Bar, ...]
    description: str
    """What the chart shows, in one sentence (the caption under the bars)."""


def cash_chart(weeks: Sequence[tuple[date, Decimal]], currency: str) -> CashChart:
    """The chart of ``weeks`` (each week's Monday and closing cash), one bar per week."""
    closings = [closing for _, closing in weeks]
    low = min([Decimal(0), *closings])
    high = max([Decimal(0), *closings])
    span = high - low if high > low else Decimal(1)
    zero = _percent(-low / span)
    bars = tuple(
        Bar(
            cells=_cells(
                *_extent(closing, span, zero), zero, NEGATIVE if closing < 0 else POSITIVE
            ),
            negative=closing < 0,
            title=f"Week of {long_date(monday)}: closing cash {format_money(closing, currency)}",
        )
        for monday, closing in weeks
    )
    description = f"Closing cash for each of the next {len(weeks)} weeks"
    if weeks:
        lowest_monday, lowest = min(weeks, key=lambda week: week[1])
        description += (
            f"; lowest {format_money(lowest, currency)} in the week of {long_date(lowest_monday)}"
        )
    return CashChart(bars=bars, description=f"{description}.")


def _extent(closing: Decimal, span: Decimal, zero: int) -> tuple[int, int]:
    """Where a week's bar starts and ends, in percent; at least one percent wide, so a week
    that closes at exactly zero still shows."""
    size = max(_percent(abs(closing) / span), 1)
    if closing < 0:
        start, end = max(zero - size, 0), zero
        return (start, end) if end > start else (start, start + 1)
    start, end = zero, min(zero + size, FULL)
    return (start, end) if end > start else (end - 1, end)


def _cells(start: int, end: int, zero: int, colour: str) -> tuple[BarCell, ...]:
    """The track before the bar, the bar, the track after it; empty cells are left out (a
    zero-width cell still takes a few pixels in Outlook). The zero line is drawn on the left edge
    of the cell that starts at zero, or, when every week is below zero, on the right of the last."""
    spans = [(0, start, False), (start, end, True), (end, FULL, False)]
    cells = []
    for left, right, is_bar in spans:
        if right <= left:
            continue
        edge: ZeroEdge = None
        if left == zero and zero < FULL:
            edge = "left"
        elif right == zero == FULL:
            edge = "right"
        cells.append(
            BarCell(
                width=right - left, colour=colour if is_bar else TRACK, bar=is_bar, zero_edge=edge
            )
        )
    return tuple(cells)


def _percent(share: Decimal) -> int:
    return int((share * FULL).quantize(Decimal(1), rounding=ROUND_HALF_UP))
