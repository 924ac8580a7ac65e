from decimal import Decimal

from resolvers.rules.cashflow import (
    baseline_weekly_spend,
    cash_on_hand,
    customer_lateness_days,
    weekly_net_burn,
)
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    UPDATED,
    account,
    bill_payment,
    days,
    invoice,
    money,
    payment,
    payment_line,
    purchase,
)


def test_cash_is_active_bank_accounts_only() -> None:
    accounts = [
        account(current_balance=money("1000.10")),
        account(current_balance=money("-200.05"), account_sub_type="Checking"),
        account(current_balance=None),
        account(current_balance=money("999"), active=False),
        account(current_balance=money("999"), deleted_at=UPDATED),
        account(current_balance=money("999"), account_type="Credit Card"),
        account(current_balance=money("999"), account_type="Accounts Receivable"),
    ]
    assert cash_on_hand(accounts) == Decimal("800.05")


def test_weekly_net_burn_over_the_trailing_91_days() -> None:
    burn = weekly_net_burn(
        bill_payments=[
            bill_payment(txn_date=days(0), total_amt=money("6500.00")),  # today counts
            bill_payment(txn_date=days(-90), total_amt=money("6500.00")),  # first day of window
            bill_payment(txn_date=days(-91), total_amt=money("9999.00")),  # outside
            bill_payment(txn_date=days(1), total_amt=money("9999.00")),  # future
            bill_payment(txn_date=None, total_amt=money("9999.00")),
            bill_payment(txn_date=days(-3), total_amt=money("9999.00"), deleted_at=UPDATED),
        ],
        purchases=[
            purchase(txn_date=days(-10), total_amt=money("2600.00")),
            purchase(txn_date=days(-11), total_amt=money("1300.00"), credit=True),  # refund
        ],
        payments=[payment(txn_date=days(-20), total_amt=money("1300.00"))],
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    # (6500 + 6500 + 2600 - 1300 - 1300) / 13 = 13000 / 13
    assert burn == Decimal("1000.00")


def test_negative_burn_means_cash_positive() -> None:
    burn = weekly_net_burn(
        bill_payments=[bill_payment(total_amt=money("100.00"))],
        purchases=[],
        payments=[payment(total_amt=money("1400.00"))],
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    assert burn == Decimal("-100.00")


def test_burn_is_rounded_to_the_cent_half_up() -> None:
    burn = weekly_net_burn(
        bill_payments=[bill_payment(total_amt=money("100.00"))],
        purchases=[],
        payments=[],
        as_of=AS_OF,
        thresholds=DEFAULTS,
    )
    assert burn == Decimal("7.69")  # 7.6923...


def test_many_dimes_make_an_exact_baseline() -> None:
    dimes = [purchase(txn_date=days(-(i % 91)), total_amt=money("0.10")) for i in range(1300)]
    assert baseline_weekly_spend(dimes, as_of=AS_OF, thresholds=DEFAULTS) == Decimal("10.00")
    assert str(baseline_weekly_spend(dimes, as_of=AS_OF, thresholds=DEFAULTS)) == "10.00"


def test_baseline_nets_refunds_and_never_goes_negative() -> None:
    rows = [
        purchase(total_amt=money("26.00")),
        purchase(total_amt=money("13.00"), credit=True),
    ]
    assert baseline_weekly_spend(rows, as_of=AS_OF, thresholds=DEFAULTS) == Decimal("1.00")
    refund_only = [purchase(total_amt=money("13.00"), credit=True)]
    assert baseline_weekly_spend(refund_only, as_of=AS_OF, thresholds=DEFAULTS) == Decimal(0)


def test_customer_lateness_from_paid_invoices() -> None:
    # Customer C1: one invoice paid 10 days late, one paid 5 days late (in two payments, the
    # later one counts) -> (10 + 5) / 2 = 7.5 -> 8. One paid early counts as 0 for C2.
    late = invoice(customer_qbo_id="C1", due_date=days(-40), balance=money(0))
    split = invoice(customer_qbo_id="C1", due_date=days(-30), balance=money(0))
    early = invoice(customer_qbo_id="C2", due_date=days(-10), balance=money(0))
    still_open = invoice(customer_qbo_id="C3", due_date=days(-60))
    p1 = payment(txn_date=days(-30))
    p2 = payment(txn_date=days(-28))
    p3 = payment(txn_date=days(-25))
    p4 = payment(txn_date=days(-15))
    p5 = payment(txn_date=days(-1))
    gone = payment(txn_date=days(0), deleted_at=UPDATED)
    lines = [
        payment_line(p1, late),
        payment_line(p2, split),
        payment_line(p3, split),
        payment_line(p4, early),
        payment_line(p5, still_open),
        payment_line(gone, late),
    ]
    result = customer_lateness_days(
        invoices=[late, split, early, still_open],
        payments=[p1, p2, p3, p4, p5, gone],
        payment_lines=lines,
    )
    assert result == {"C1": 8, "C2": 0}


def test_no_history_no_lateness() -> None:
    assert customer_lateness_days(invoices=[invoice()], payments=[], payment_lines=[]) == {}
