from decimal import Decimal

from resolvers.rules.money import (
    cents,
    format_money,
    format_percent,
    round_int,
    tenths,
    tenths_down,
)


def test_cents_round_half_up() -> None:
    assert cents(Decimal("2.675")) == Decimal("2.68")  # a float would give 2.67
    assert cents(Decimal("0.005")) == Decimal("0.01")
    assert cents(Decimal("-0.005")) == Decimal("-0.01")
    assert cents(Decimal("1")) == Decimal("1.00")


def test_many_dimes_sum_exactly() -> None:
    total = sum([Decimal("0.10")] * 1000, Decimal(0))
    assert total == Decimal("100.00")
    assert str(cents(total)) == "100.00"


def test_round_int_and_tenths() -> None:
    assert round_int(Decimal("2.5")) == 3
    assert round_int(Decimal("2.49")) == 2
    assert tenths(Decimal("1.25")) == Decimal("1.3")
    assert tenths_down(Decimal("3.99")) == Decimal("3.9")


def test_format_money() -> None:
    assert format_money(Decimal("18400")) == "$18,400.00"
    assert format_money(Decimal("-1200.5")) == "-$1,200.50"
    assert format_money(Decimal("0.005")) == "$0.01"
    assert format_money(Decimal("10"), "EUR") == "€10.00"
    assert format_money(Decimal("10"), "CHF") == "CHF 10.00"
    assert format_money(Decimal("10"), None) == "$10.00"


def test_format_percent() -> None:
    assert format_percent(Decimal("0.15")) == "15%"
    assert format_percent(Decimal("0.205")) == "21%"
