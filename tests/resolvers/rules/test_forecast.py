from datetime import timedelta
from decimal import Decimal

from resolvers.rules.forecast import (
    Forecast,
    ForecastWeek,
    expected_collection_date,
    expected_payment_date,
    forecast_cash,
    is_stale,
)
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    UPDATED,
    assert_no_float,
    bill,
    days,
    decision,
    invoice,
    money,
)


def week(
    index: int, opening: str, collections: str, bills: str, base: str, closing: str
) -> ForecastWeek:
    start = AS_OF + timedelta(weeks=index)
    return ForecastWeek(
        start,
        start + timedelta(days=6),
        money(opening),
        money(collections),
        money(bills),
        money(base),
        money(closing),
    )


def test_thirteen_weeks_by_hand() -> None:
    invoices = [
        invoice(customer_qbo_id="C1", due_date=days(10), balance=money("2000.00")),  # +7 late: wk 2
        invoice(customer_qbo_id="C2", due_date=days(-30), balance=money("500.00")),  # overdue: wk 0
        invoice(customer_qbo_id="C2", due_date=days(-91), balance=money("9999.00")),  # stale: out
        invoice(customer_qbo_id="C2", due_date=days(-90), balance=money("100.00")),  # not stale
        invoice(customer_qbo_id="C2", due_date=days(91), balance=money("9999.00")),  # after wk 12
        invoice(customer_qbo_id="C2", due_date=days(1), balance=money(0)),  # paid
        invoice(customer_qbo_id="C2", due_date=days(1), deleted_at=UPDATED),
    ]
    pay_now = bill(due_date=days(3), balance=money("3000.00"))  # week 0
    moved = bill(due_date=days(5), balance=money("4000.00"))  # PAY_ON day 16: week 2
    overdue = bill(due_date=days(-10), balance=money("1000.00"))  # week 0
    delayed_out = bill(due_date=days(30), balance=money("2500.00"))  # DELAY_TO day 100: out
    lapsed = bill(due_date=days(8), balance=money("800.00"))  # lapsed decision: due date, week 1
    decisions = [
        decision(moved, "PAY_ON", days(16)),
        decision(delayed_out, "DELAY_TO", days(100)),
        decision(lapsed, "PAY_ON", days(-1)),
    ]
    result = forecast_cash(
        cash=money("10000.00"),
        as_of=AS_OF,
        invoices=invoices,
        bills=[pay_now, moved, overdue, delayed_out, lapsed],
        decisions=decisions,
        lateness={"C1": 7},
        baseline_weekly_spend=money("700.00"),
        thresholds=DEFAULTS,
    )
    assert result.weeks[:7] == (
        week(0, "10000.00", "600.00", "4000.00", "700.00", "5900.00"),
        week(1, "5900.00", "0", "800.00", "700.00", "4400.00"),
        week(2, "4400.00", "2000.00", "4000.00", "700.00", "1700.00"),
        week(3, "1700.00", "0", "0", "700.00", "1000.00"),
        week(4, "1000.00", "0", "0", "700.00", "300.00"),
        week(5, "300.00", "0", "0", "700.00", "-400.00"),
        week(6, "-400.00", "0", "0", "700.00", "-1100.00"),
    )
    assert len(result.weeks) == 13
    assert result.weeks[-1].closing == Decimal("-5300.00")  # 300 after week 4, 8 weeks of 700
    assert result.cash_zero_date == days(35)  # Monday of week 5
    assert result.cash_zero_week == result.weeks[5]
    assert_no_float(result)


def test_first_week_is_prorated_and_cash_zero_never_before_today() -> None:
    wednesday = days(2)
    result = forecast_cash(
        cash=money("100.00"),
        as_of=wednesday,
        invoices=[],
        bills=[bill(due_date=days(-5), balance=money("200.00"))],
        decisions=[],
        lateness={},
        baseline_weekly_spend=money("700.00"),
        thresholds=DEFAULTS,
    )
    first = result.weeks[0]
    assert (first.week_start, first.week_end) == (AS_OF, days(6))
    assert first.baseline_spend == Decimal("500.00")  # Wednesday to Sunday: 5/7 of 700
    assert first.closing == Decimal("-600.00")
    assert result.cash_zero_date == wednesday


def test_a_decision_moves_a_bill_between_weeks() -> None:
    due_soon = bill(due_date=days(2), balance=money("900.00"))

    def weekly_bills(decided: bool) -> list[Decimal]:
        result = forecast_cash(
            cash=money("1000.00"),
            as_of=AS_OF,
            invoices=[],
            bills=[due_soon],
            decisions=[decision(due_soon, "DELAY_TO", days(23))] if decided else [],
            lateness={},
            baseline_weekly_spend=money(0),
            thresholds=DEFAULTS,
        )
        return [w.bills for w in result.weeks[:4]]

    assert weekly_bills(False) == [money(900), 0, 0, 0]
    assert weekly_bills(True) == [0, 0, 0, money(900)]


def test_no_cash_zero_date_while_closing_stays_at_or_above_zero() -> None:
    result = forecast_cash(
        cash=money("700.00"),
        as_of=AS_OF,
        invoices=[],
        bills=[bill(due_date=days(1), balance=money("700.00"))],
        decisions=[],
        lateness={},
        baseline_weekly_spend=money(0),
        thresholds=DEFAULTS,
    )
    assert result.weeks[0].closing == 0
    assert result.cash_zero_date is None
    assert result == Forecast(result.weeks, None)


def test_expected_dates() -> None:
    late_payer = invoice(due_date=days(3))
    assert expected_collection_date(late_payer, lateness_days=10, as_of=AS_OF) == days(13)
    overdue = invoice(due_date=days(-20))
    assert expected_collection_date(overdue, lateness_days=10, as_of=AS_OF) == AS_OF
    undated = invoice(due_date=None, txn_date=days(4))
    assert expected_collection_date(undated, lateness_days=0, as_of=AS_OF) == days(4)

    row = bill(due_date=days(9))
    assert expected_payment_date(row, decision=None, as_of=AS_OF) == days(9)
    assert expected_payment_date(row, decision=decision(row, "PAY_ON", days(2)), as_of=AS_OF) == (
        days(2)
    )
    assert expected_payment_date(bill(due_date=days(-4)), decision=None, as_of=AS_OF) == AS_OF
    assert expected_payment_date(
        bill(due_date=None, txn_date=None), decision=None, as_of=AS_OF
    ) == (AS_OF)


def test_stale_is_more_than_ninety_days_past_due() -> None:
    assert not is_stale(days(-90), AS_OF, DEFAULTS)
    assert is_stale(days(-91), AS_OF, DEFAULTS)
    assert not is_stale(None, AS_OF, DEFAULTS)
