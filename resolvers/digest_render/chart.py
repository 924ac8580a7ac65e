"""The 13-week cash chart as plain coordinates, so the template draws inline SVG with no logic.

One bar per week for its closing cash, rising from the zero line (or hanging below it in red), on
an axis rounded to "nice" steps (1, 2, 2.5 or 5 times a power of ten) so the gridline labels read
"$25k", "$50k". Geometry is computed with ``Decimal`` and written to one decimal place: pixels
need no more, and the output is the same on every machine, which keeps the checked-in example
byte-stable.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from resolvers.digest_render.formats import compact_money, day_month, format_money

WIDTH = 600
HEIGHT = 220
LEFT = 58  # room for "-$120k" axis labels
RIGHT = 8
TOP = 12
BOTTOM = 30  # room for the week labels
BAR_SHARE = Decimal("0.62")
"""How much of its week's slot a bar fills; the rest is the gap between bars."""

POSITIVE = "#3b82f6"
NEGATIVE = "#dc2626"
_NICE = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
_PIXEL = Decimal("0.1")


@dataclass(frozen=True)
class Bar:
    """One week: the bar's box, its colour, its label under the axis, and its exact amount."""

    x: str
    y: str
    width: str
    height: str
    colour: str
    label: str
    label_x: str
    title: str
    negative: bool


@dataclass(frozen=True)
class Gridline:
    y: str
    label: str
    zero: bool


@dataclass(frozen=True)
class CashChart:
    """Everything the template's ``<svg>`` needs, already scaled."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    label_y: str
    bars: tuple[Bar, ...]
    gridlines: tuple[Gridline, ...]
    description: str
    """For screen readers (``aria-label``): what the chart shows, in one sentence."""


def cash_chart(weeks: Sequence[tuple[date, Decimal]], currency: str) -> CashChart:
    """The chart of ``weeks`` (each week's Monday and closing cash)."""
    closings = [closing for _, closing in weeks]
    low = min([Decimal(0), *closings])
    high = max([Decimal(0), *closings])
    step = _nice_step((high - low) / 4 if high > low else Decimal(1))
    top = _multiple(high, step, ROUND_CEILING)
    bottom = _multiple(low, step, ROUND_FLOOR)
    if top == bottom:  # every week exactly zero: draw the zero line with one step above
        top = bottom + step
    plot_height = Decimal(HEIGHT - TOP - BOTTOM)
    plot_width = Decimal(WIDTH - LEFT - RIGHT)

    def y_of(amount: Decimal) -> Decimal:
        return Decimal(TOP) + (top - amount) / (top - bottom) * plot_height

    zero = y_of(Decimal(0))
    slot = plot_width / max(len(weeks), 1)
    bar_width = slot * BAR_SHARE
    bars = []
    for index, (monday, closing) in enumerate(weeks):
        left = Decimal(LEFT) + slot * index + (slot - bar_width) / 2
        level = y_of(closing)
        negative = closing < 0
        label = day_month(monday)
        bars.append(
            Bar(
                x=_px(left),
                y=_px(min(level, zero)),
                width=_px(bar_width),
                # A hairline for a week that closes at exactly zero, so every week shows.
                height=_px(max(abs(zero - level), Decimal(1))),
                colour=NEGATIVE if negative else POSITIVE,
                label=label,
                label_x=_px(left + bar_width / 2),
                title=f"Week of {label}: closing cash {format_money(closing, currency)}",
                negative=negative,
            )
        )
    ticks = int((top - bottom) / step)
    gridlines = tuple(
        Gridline(
            y=_px(y_of(bottom + step * k)),
            label=compact_money(bottom + step * k, currency),
            zero=bottom + step * k == 0,
        )
        for k in range(ticks + 1)
    )
    lowest_monday, lowest = min(weeks, key=lambda week: week[1]) if weeks else (None, Decimal(0))
    description = f"Closing cash for each of the next {len(weeks)} weeks"
    if lowest_monday is not None:
        description += (
            f"; lowest {format_money(lowest, currency)} in the week of {day_month(lowest_monday)}"
        )
    return CashChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        label_y=str(HEIGHT - BOTTOM + 16),
        bars=tuple(bars),
        gridlines=gridlines,
        description=f"{description}.",
    )


def _nice_step(rough: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5, 5 or 10 times a power of ten at least ``rough``."""
    power = Decimal(10) ** (rough.adjusted())
    for factor in _NICE:
        if factor * power >= rough:
            return factor * power
    return _NICE[-1] * power


def _multiple(amount: Decimal, step: Decimal, rounding: str) -> Decimal:
    return (amount / step).quantize(Decimal(1), rounding=rounding) * step


def _px(value: Decimal) -> str:
    return f"{value.quantize(_PIXEL, rounding=ROUND_HALF_UP):f}"
