"""Exact money arithmetic and wording: quantizing on purpose, rounding half up, never a float."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal("0.00")
"""Zero money, to the cent: an empty sum shows as 0.00, like every other amount."""

_SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "GBP": "£", "EUR": "€"}


def cents(amount: Decimal) -> Decimal:
    """``amount`` to the cent, half up (how a bookkeeper rounds)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def tenths(amount: Decimal) -> Decimal:
    """``amount`` to one decimal place, half up (days of runway, return percentages)."""
    return amount.quantize(TENTH, rounding=ROUND_HALF_UP)


def tenths_down(amount: Decimal) -> Decimal:
    """``amount`` truncated to one decimal place: runway is never rounded up."""
    return amount.quantize(TENTH, rounding=ROUND_DOWN)


def round_int(amount: Decimal) -> int:
    """The nearest integer, half up (priorities, scores, "+N days")."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_money(amount: Decimal, currency: str | None = "USD") -> str:
    """``$18,400.00`` for USD; ``EUR``-style codes where the symbol is unknown."""
    code = (currency or "USD").upper()
    symbol = _SYMBOLS.get(code, f"{code} ")
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{cents(abs(amount)):,.2f}"


def format_percent(ratio: Decimal) -> str:
    """A ratio (0.2) as a whole percentage ("20%"), half up."""
    return f"{round_int(ratio * 100)}%"
