from decimal import Decimal

from resolvers.rules.bills import BillAssessment, assess_bills
from resolvers.rules.enums import BillGroup
from resolvers.rules.pay_plan import pay_plan
from tests.resolvers.rules.rows import AS_OF, DEFAULTS, bill, days, money, runway, vendor

GUSTO = vendor(qbo_id="V2", display_name="Gusto Payroll", term_qbo_id=None)


def console(cash: str, *bills: tuple[str, int]) -> list[BillAssessment]:
    """Bills of the given (balance, due in days), all overdue or due soon: all must be paid."""
    return assess_bills(
        [
            bill(qbo_id=f"b{index}", vendor_qbo_id="V2", balance=money(amount), due_date=days(due))
            for index, (amount, due) in enumerate(bills)
        ],
        as_of=AS_OF,
        runway=runway(cash, "1453.13"),
        vendors=[GUSTO],
        terms=[],
        decisions=[],
        blocked_qbo_ids=(),
        thresholds=DEFAULTS,
    )


def test_a_crunch_funds_bills_in_priority_order_until_the_cash_runs_out() -> None:
    bills = console("1162.50", ("500.00", -9), ("400.00", -5), ("300.00", -2), ("100.00", 1))
    assert all(b.group is BillGroup.MUST_PAY for b in bills)
    plan = pay_plan(bills, cash=Decimal("1162.50"))
    assert [(s.bill.qbo_id, s.cash_after, s.funded) for s in plan.steps] == [
        ("b0", Decimal("662.50"), True),
        ("b1", Decimal("262.50"), True),
        ("b2", Decimal("-37.50"), False),
        ("b3", Decimal("-137.50"), False),  # smaller, but less urgent: never paid first
    ]
    assert plan.first_unfunded is not None and plan.first_unfunded.qbo_id == "b2"
    assert (plan.funded_count, plan.funded_amount) == (2, Decimal("900.00"))
    assert plan.must_pay_amount == Decimal("1300.00")
    assert plan.shortfall == Decimal("137.50")


def test_no_crunch_when_the_cash_covers_every_must_pay_bill() -> None:
    bills = console("5000.00", ("500.00", -9), ("400.00", 20))
    plan = pay_plan(bills, cash=Decimal("5000.00"))
    assert plan.first_unfunded is None
    assert plan.shortfall == Decimal(0)
    assert all(step.funded for step in plan.steps)


def test_overdrawn_cash_funds_nothing() -> None:
    bills = console("-50.00", ("10.00", -1))
    plan = pay_plan(bills, cash=Decimal("-50.00"))
    assert [step.funded for step in plan.steps] == [False]
    assert plan.shortfall == Decimal("10.00")
