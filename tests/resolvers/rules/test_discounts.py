from decimal import Decimal

import pytest

from domains.ap.models import Bill
from domains.core.models import Term
from resolvers.rules.discounts import (
    DiscountOpportunity,
    annualised_return,
    discount_opportunity,
)
from resolvers.rules.runway import RunwayFigures
from tests.resolvers.rules.rows import AS_OF, DEFAULTS, bill, days, money, runway, term

NOT_BURNING = runway("100000.00", "0")


def opportunity(
    row: Bill, governing: Term | None, figures: RunwayFigures = NOT_BURNING
) -> DiscountOpportunity | None:
    return discount_opportunity(row, governing, as_of=AS_OF, runway=figures, thresholds=DEFAULTS)


@pytest.mark.parametrize(
    ("percent", "discount_days", "net_days", "expected"),
    [
        ("2", 10, 30, "36.50"),  # the product brief's "about 36.5%": 2 * 365 / 20
        ("1", 10, 30, "18.25"),
        ("1.5", 15, 45, "18.25"),  # 1.5 * 365 / 30
        ("3", 10, 60, "21.90"),
        ("2", 10, 11, "730.00"),
    ],
)
def test_annualised_return_is_the_simple_rate(
    percent: str, discount_days: int, net_days: int, expected: str
) -> None:
    assert annualised_return(money(percent), discount_days, net_days) == Decimal(expected)


def test_no_return_without_a_net_period_after_the_discount() -> None:
    assert annualised_return(money(2), 10, 10) is None
    assert annualised_return(money(2), 30, 10) is None
    assert annualised_return(money(0), 10, 30) is None


def test_the_full_opportunity_by_hand() -> None:
    row = bill(txn_date=days(-4), due_date=days(26), balance=money("1234.56"))
    two_ten = term(due_days=30, discount_percent=money("2.0000"), discount_days=10)
    assert opportunity(row, two_ten) == DiscountOpportunity(
        percent=money("2.0000"),
        discount_days=10,
        net_days=30,
        deadline=days(6),
        pay_by=days(3),
        savings=Decimal("24.69"),  # 24.6912 to the cent
        annualised_return=Decimal("36.50"),
        runway_allows=True,
    )


def test_net_days_fall_back_to_the_bills_own_dates() -> None:
    row = bill(txn_date=days(-1), due_date=days(19))  # 20 days net
    found = opportunity(row, term(due_days=None, discount_percent=money(1), discount_days=10))
    assert found is not None
    assert (found.net_days, found.annualised_return) == (20, Decimal("36.50"))


def test_no_opportunity_without_a_usable_term_or_date() -> None:
    row = bill(txn_date=days(-1))
    assert opportunity(row, None) is None
    assert opportunity(row, term(discount_percent=None, discount_days=10)) is None
    assert opportunity(row, term(discount_percent=money(2), discount_days=0)) is None
    assert (
        opportunity(bill(txn_date=None), term(discount_percent=money(2), discount_days=10)) is None
    )
    no_dates = bill(txn_date=days(-1), due_date=None)
    assert (
        opportunity(no_dates, term(due_days=None, discount_percent=money(2), discount_days=10))
        is None
    )
    paid = bill(txn_date=days(-1), balance=money(0))
    assert opportunity(paid, term(discount_percent=money(2), discount_days=10)) is None


def test_not_burning_still_needs_the_cash() -> None:
    row = bill(txn_date=days(-1), balance=money("1000.00"))
    two_ten = term(due_days=30, discount_percent=money(2), discount_days=10)
    enough = opportunity(row, two_ten, runway("980.00", "0"))
    assert enough is not None and enough.runway_allows
    short = opportunity(row, two_ten, runway("979.99", "-50.00"))
    assert short is not None and not short.runway_allows
