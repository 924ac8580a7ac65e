from datetime import date
from decimal import Decimal

import pytest

from domains.ap.models import Bill, Vendor
from domains.core.models import Term
from domains.decisions.models import BillDecision
from resolvers.rules.bills import (
    BillAssessment,
    assess_bill,
    assess_bills,
    bill_priority,
    is_ready_for_decision,
    latest_safe_pay_date,
)
from resolvers.rules.enums import BillAction, BillGroup, DecisionAction, Signal, Urgency
from resolvers.rules.runway import RunwayFigures
from tests.resolvers.rules.rows import (
    AS_OF,
    DEFAULTS,
    UPDATED,
    assert_no_float,
    bill,
    bill_line,
    days,
    decision,
    money,
    runway,
    term,
    vendor,
)

ACME = vendor(qbo_id="V1", display_name="Acme Supply", term_qbo_id=None)
GUSTO = vendor(qbo_id="V2", display_name="Gusto Payroll", term_qbo_id=None)
RICH = runway("100000.00", "1000.00")  # 100 weeks: HEALTHY
NOT_BURNING = runway("100000.00", "0")
LATEST = "the latest safe pay date (3 days before it is due)"


def assess(
    row: Bill,
    *,
    supplier: Vendor | None = ACME,
    governing: Term | None = None,
    decided: BillDecision | None = None,
    blocked: bool = False,
    figures: RunwayFigures = RICH,
) -> BillAssessment:
    return assess_bill(
        row,
        vendor=supplier,
        term=governing,
        decision=decided,
        blocked=blocked,
        as_of=AS_OF,
        runway=figures,
        thresholds=DEFAULTS,
    )


# Readiness -------------------------------------------------------------------------------------


def ready(row: Bill, supplier: Vendor | None = ACME, blocked: bool = False) -> bool:
    return is_ready_for_decision(
        row, vendor=supplier, blocked=blocked, as_of=AS_OF, thresholds=DEFAULTS
    )


def test_ready_within_the_horizon_or_overdue() -> None:
    assert ready(bill(due_date=days(30)))
    assert not ready(bill(due_date=days(31)))
    assert ready(bill(due_date=days(-200)))
    assert ready(bill(due_date=days(0)))


def test_not_ready_when_anything_is_missing_or_blocked() -> None:
    assert not ready(bill(due_date=None))
    assert not ready(bill(), supplier=None)
    assert not ready(bill(), supplier=vendor(active=False))
    assert not ready(bill(), supplier=vendor(deleted_at=UPDATED))
    assert not ready(bill(total_amt=money(0), balance=money(0)))
    assert not ready(bill(balance=money(0)))
    assert not ready(bill(deleted_at=UPDATED))
    assert not ready(bill(), blocked=True)


# Dates, urgency and the must-pay timing signals ------------------------------------------------


def test_latest_safe_pay_date_is_due_minus_lead_never_before_today() -> None:
    assert latest_safe_pay_date(days(10), as_of=AS_OF, thresholds=DEFAULTS) == days(7)
    assert latest_safe_pay_date(days(3), as_of=AS_OF, thresholds=DEFAULTS) == AS_OF
    assert latest_safe_pay_date(days(2), as_of=AS_OF, thresholds=DEFAULTS) == AS_OF
    assert latest_safe_pay_date(days(-9), as_of=AS_OF, thresholds=DEFAULTS) == AS_OF


def test_due_today_is_due_soon_not_overdue_and_paid_now() -> None:
    result = assess(bill(due_date=days(0), balance=money("1500.00")))
    assert result.days_until_due == 0
    assert result.urgency is Urgency.DUE_SOON
    assert result.signals == (Signal.DUE_SOON,)
    assert result.reasons == ("Due today", "Must be paid: pay today")
    assert (result.action, result.group) == (BillAction.PAY_NOW, BillGroup.MUST_PAY)
    assert result.latest_safe_pay_date == result.recommended_pay_date == AS_OF
    # 40 (due soon) + 30 * 1500 / 15000 (size) = 43
    assert result.priority == 43
    # 1500 / (1000 / 7) = 10.5 days
    assert result.runway_impact_days == Decimal("10.5")


def test_due_in_three_days_is_due_soon_four_is_not() -> None:
    three = assess(bill(due_date=days(3)))
    assert three.signals == (Signal.DUE_SOON,)
    assert three.reasons == ("Due in 3 days", "Must be paid: pay today")
    assert three.action is BillAction.PAY_NOW
    four = assess(bill(due_date=days(4), balance=money("1500.00")))
    assert four.signals == ()
    assert (four.action, four.group) == (BillAction.SCHEDULE, BillGroup.SCHEDULED)
    assert four.recommended_pay_date == days(1)
    assert four.reasons == (
        f"Nothing urgent and nothing to gain by waiting: pay on 2026-12-08, {LATEST}",
    )
    assert four.urgency is Urgency.UPCOMING
    # 30 * (30 - 4) / (30 - 3) = 28.89 + 3 = 31.89 -> 32
    assert four.priority == 32


def test_overdue() -> None:
    result = assess(bill(due_date=days(-5), balance=money("1500.00")))
    assert result.days_until_due == -5
    assert result.urgency is Urgency.OVERDUE
    assert result.signals == (Signal.OVERDUE,)
    assert result.reasons == ("Overdue by 5 days", "Must be paid: pay today")
    assert (result.action, result.group) == (BillAction.PAY_NOW, BillGroup.MUST_PAY)
    assert result.priority == 53  # 50 + 3


# Can-delay signals ----------------------------------------------------------------------------


def test_due_in_more_than_fourteen_days_with_healthy_runway_can_wait() -> None:
    fifteen = assess(bill(due_date=days(15), balance=money("1500.00")))
    assert fifteen.signals == (Signal.DUE_LATER_HEALTHY_RUNWAY,)
    assert fifteen.reasons == (
        "Due in 15 days; runway is healthy (100.0 weeks)",
        f"Can wait: pay by 2026-12-19, {LATEST}",
    )
    assert (fifteen.action, fifteen.group) == (BillAction.DELAY, BillGroup.CAN_DELAY)
    assert fifteen.recommended_pay_date == days(12)
    fourteen = assess(bill(due_date=days(14), balance=money("1500.00")))
    assert fourteen.signals == ()
    assert (fourteen.action, fourteen.group) == (BillAction.SCHEDULE, BillGroup.SCHEDULED)


def test_not_burning_counts_as_healthy() -> None:
    result = assess(bill(due_date=days(20)), figures=NOT_BURNING)
    assert result.reasons == (
        "Due in 20 days; runway is healthy (not burning cash)",
        f"Can wait: pay by 2026-12-24, {LATEST}",
    )
    assert result.runway_impact_days is None


def test_a_warning_runway_gives_no_reason_to_wait() -> None:
    warning = runway("5000.00", "1000.00")  # 5 weeks
    result = assess(bill(due_date=days(20), balance=money("500.00")), figures=warning)
    assert result.signals == ()
    assert result.action is BillAction.SCHEDULE


def test_small_relative_to_weekly_burn() -> None:
    small = assess(bill(due_date=days(5), balance=money("100.00")))
    assert small.signals == (Signal.SMALL_VS_BURN,)
    assert small.reasons == (
        "$100.00 is at most 10% of a week's net burn ($1,000.00)",
        f"Can wait: pay by 2026-12-09, {LATEST}",
    )
    assert (small.action, small.group) == (BillAction.DELAY, BillGroup.CAN_DELAY)
    assert assess(bill(due_date=days(5), balance=money("100.01"))).signals == ()
    assert assess(bill(due_date=days(5), balance=money("1")), figures=NOT_BURNING).signals == ()


# Must-pay signals beyond timing ---------------------------------------------------------------


def test_critical_vendor_is_must_pay_and_says_why_it_is_not_delayed() -> None:
    result = assess(bill(due_date=days(25), balance=money("50.00")), supplier=GUSTO)
    # Every signal that holds is listed; the verdict says which one decided.
    assert result.signals == (
        Signal.CRITICAL_VENDOR,
        Signal.DUE_LATER_HEALTHY_RUNWAY,
        Signal.SMALL_VS_BURN,
    )
    assert result.reasons == (
        "Gusto Payroll is a critical vendor (payroll)",
        "Due in 25 days; runway is healthy (100.0 weeks)",
        "$50.00 is at most 10% of a week's net burn ($1,000.00)",
        f"Must be paid, and a critical vendor is never delayed: pay on 2026-12-29, {LATEST}",
    )
    assert (result.action, result.group) == (BillAction.SCHEDULE, BillGroup.MUST_PAY)
    assert result.recommended_pay_date == days(22)
    assert result.critical_vendor
    # 30 * (30 - 25) / 27 = 5.56 + 30 * 50 / 15000 = 0.1 + 20 = 25.66 -> 26
    assert result.priority == 26


@pytest.mark.parametrize("due_in", [-10, 0, 3, 5, 14, 15, 29, 30])
@pytest.mark.parametrize("figures", [RICH, NOT_BURNING, runway("100.00", "1000.00")])
@pytest.mark.parametrize("balance", ["1.00", "50000.00"])
@pytest.mark.parametrize("name", ["IRS", "PG&E", "Oak Street Properties LLC", "SBA Loan Servicing"])
def test_critical_vendors_are_never_delayed(
    due_in: int, figures: RunwayFigures, balance: str, name: str
) -> None:
    result = assess(
        bill(due_date=days(due_in), balance=money(balance)),
        supplier=vendor(display_name=name),
        figures=figures,
    )
    assert result.action is not BillAction.DELAY
    assert result.group is BillGroup.MUST_PAY


def test_large_relative_to_cash_is_strictly_over_fifteen_percent() -> None:
    cash = runway("10000.00", "0")
    at_limit = assess(bill(due_date=days(20), balance=money("1500.00")), figures=cash)
    assert Signal.LARGE_VS_CASH not in at_limit.signals
    over = assess(bill(due_date=days(20), balance=money("1500.01")), figures=cash)
    assert over.signals == (Signal.LARGE_VS_CASH, Signal.DUE_LATER_HEALTHY_RUNWAY)
    assert over.reasons == (
        "$1,500.01 is more than 15% of cash ($10,000.00)",
        "Due in 20 days; runway is healthy (not burning cash)",
        f"Must be paid: pay on 2026-12-24, {LATEST}",
    )
    assert (over.action, over.group) == (BillAction.SCHEDULE, BillGroup.MUST_PAY)


def test_every_bill_is_large_without_cash() -> None:
    broke = runway("0", "1000.00")
    result = assess(bill(due_date=days(20), balance=money("10.00")), figures=broke)
    assert Signal.LARGE_VS_CASH in result.signals
    assert "$10.00 with no cash on hand" in result.reasons
    assert result.group is BillGroup.MUST_PAY


def test_late_fee_wording_makes_a_bill_must_pay() -> None:
    noted = bill(due_date=days(20), private_note="1.5% interest charged on late payments")
    result = assess(noted)
    assert result.signals == (Signal.LATE_FEE, Signal.DUE_LATER_HEALTHY_RUNWAY)
    assert result.reasons == (
        'Paying late may cost a late fee (the bill mentions "interest")',
        "Due in 20 days; runway is healthy (100.0 weeks)",
        f"Must be paid: pay on 2026-12-24, {LATEST}",
    )
    assert (result.action, result.group) == (BillAction.SCHEDULE, BillGroup.MUST_PAY)
    by_term = assess(bill(due_date=days(20)), governing=term(name="Net 30 + late fee"))
    assert Signal.LATE_FEE in by_term.signals


# Decisions -------------------------------------------------------------------------------------


def test_a_decision_in_effect_puts_the_bill_in_scheduled() -> None:
    row = bill(due_date=days(20))
    result = assess(row, decided=decision(row, "PAY_ON", days(10)))
    assert result.group is BillGroup.SCHEDULED
    assert (result.decided_action, result.decided_for) == (DecisionAction.PAY_ON, days(10))
    # The person's decision sets the action and the date; the rules' signals stay visible.
    assert (result.action, result.recommended_pay_date) == (BillAction.SCHEDULE, days(10))
    assert result.signals == (Signal.DUE_LATER_HEALTHY_RUNWAY,)
    assert result.reasons[-1] == "owner@example.com decided to pay it on 2026-12-17"
    delayed = assess(row, decided=decision(row, "DELAY_TO", days(40)))
    assert (delayed.group, delayed.action) == (BillGroup.SCHEDULED, BillAction.DELAY)
    assert delayed.recommended_pay_date == days(40)
    assert delayed.reasons[-1] == "owner@example.com decided to delay it to 2027-01-16"


# Discounts -------------------------------------------------------------------------------------

TWO_TEN_NET_30 = term(
    name="2% 10 Net 30", due_days=30, discount_percent=money("2.0000"), discount_days=10
)


def test_take_the_discount_when_runway_allows() -> None:
    row = bill(txn_date=days(-2), due_date=days(28), balance=money("1000.00"))
    result = assess(row, governing=TWO_TEN_NET_30, figures=NOT_BURNING)
    assert result.discount is not None
    assert result.discount.deadline == days(8)
    assert result.discount.pay_by == days(5)
    assert result.discount.savings == Decimal("20.00")
    assert result.discount.annualised_return == Decimal("36.50")  # 2 * 365 / 20
    assert result.discount.runway_allows
    # Due in 28 days is a reason to wait, listed like any bill's; the discount outweighs it.
    assert result.signals == (Signal.DUE_LATER_HEALTHY_RUNWAY, Signal.TAKE_DISCOUNT)
    assert result.reasons == (
        "Due in 28 days; runway is healthy (not burning cash)",
        "Pay by 2026-12-12 to take the 2% discount: saves $20.00, 36.50% a year",
        "Worth paying early: pay on 2026-12-12 to take the discount",
    )
    assert (result.action, result.group) == (BillAction.SCHEDULE, BillGroup.SCHEDULED)
    assert result.recommended_pay_date == days(5)


def test_discount_deadline_today_means_pay_now_and_yesterday_means_gone() -> None:
    today = assess(
        bill(txn_date=days(-10), due_date=days(20)), governing=TWO_TEN_NET_30, figures=NOT_BURNING
    )
    assert today.discount is not None and today.discount.pay_by == AS_OF
    assert today.action is BillAction.PAY_NOW
    gone = assess(
        bill(txn_date=days(-11), due_date=days(19)), governing=TWO_TEN_NET_30, figures=NOT_BURNING
    )
    assert gone.discount is None
    assert Signal.TAKE_DISCOUNT not in gone.signals


def test_discount_needs_thirteen_weeks_of_runway_left_after_paying() -> None:
    row = bill(txn_date=days(-2), due_date=days(28), balance=money("1000.00"))
    # 13980 - 980 = 13000 = 13 weeks of 1000: allowed.
    enough = assess(row, governing=TWO_TEN_NET_30, figures=runway("13980.00", "1000.00"))
    assert enough.discount is not None and enough.discount.runway_allows
    # 13979.99 - 980 < 13000: the discount is shown, but not recommended.
    short = assess(row, governing=TWO_TEN_NET_30, figures=runway("13979.99", "1000.00"))
    assert short.discount is not None and not short.discount.runway_allows
    assert Signal.TAKE_DISCOUNT not in short.signals


# Priority --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_until_due", "amount", "cash", "critical", "expected"),
    [
        (-1, "15000", "100000", True, 100),  # 50 + 30 + 20
        (-30, "0", "100000", False, 50),
        (0, "0", "100000", False, 40),
        (3, "7500", "100000", False, 55),  # 40 + 15
        (16, "150", "100000", False, 16),  # 30 * 14 / 27 = 15.56 + 0.3
        (30, "0", "100000", False, 0),
        (45, "0", "100000", True, 20),
        (30, "1", "0", False, 30),  # no cash: full size weight
        (30, "1", "-500", False, 30),
    ],
)
def test_bill_priority_by_hand(
    days_until_due: int, amount: str, cash: str, critical: bool, expected: int
) -> None:
    assert (
        bill_priority(
            days_until_due=days_until_due,
            amount=money(amount),
            cash=money(cash),
            critical=critical,
            thresholds=DEFAULTS,
        )
        == expected
    )


# The console list ------------------------------------------------------------------------------


def test_assess_bills_filters_sorts_and_uses_vendor_terms_and_decisions() -> None:
    termed = vendor(qbo_id="V3", display_name="Beta Parts", term_qbo_id="T2")
    two_ten = term(qbo_id="T2", due_days=30, discount_percent=money(2), discount_days=10)
    overdue = bill(qbo_id="overdue", due_date=days(-3), balance=money("10.00"))
    critical = bill(qbo_id="critical", vendor_qbo_id="V2", due_date=days(10), balance=money(15))
    discounted = bill(
        qbo_id="disc", vendor_qbo_id="V3", txn_date=days(-1), due_date=days(29), balance=money(15)
    )
    decided = bill(qbo_id="decided", due_date=days(20), balance=money(15))
    far = bill(qbo_id="far", due_date=days(31))
    blocked = bill(qbo_id="blocked", due_date=days(1))
    paid = bill(qbo_id="paid", due_date=days(1), balance=money(0))
    result = assess_bills(
        [far, decided, discounted, critical, overdue, blocked, paid],
        as_of=AS_OF,
        runway=NOT_BURNING,
        vendors=[ACME, GUSTO, termed],
        terms=[two_ten],
        decisions=[decision(decided, "DELAY_TO", days(25))],
        blocked_qbo_ids={"blocked"},
        thresholds=DEFAULTS,
    )
    # Size 30 * 15 / 15000 = 0.03 (0.02 for the overdue 10.00). Priorities: overdue 50.02 -> 50;
    # critical 30 * 20 / 27 + 20 = 42.25 -> 42; decided 30 * 10 / 27 = 11.14 -> 11;
    # disc 30 * 1 / 27 = 1.14 -> 1.
    assert [(a.qbo_id, a.priority) for a in result] == [
        ("overdue", 50),
        ("critical", 42),
        ("decided", 11),
        ("disc", 1),
    ]
    by_id = {a.qbo_id: a for a in result}
    assert by_id["disc"].signals == (Signal.DUE_LATER_HEALTHY_RUNWAY, Signal.TAKE_DISCOUNT)
    assert by_id["decided"].group is BillGroup.SCHEDULED
    assert by_id["decided"].decided_action is DecisionAction.DELAY_TO
    assert all(a.ready for a in result)
    for assessment in result:
        assert_no_float(assessment)

    everything = assess_bills(
        [far, blocked, paid],
        as_of=AS_OF,
        runway=NOT_BURNING,
        vendors=[ACME],
        terms=[],
        decisions=[],
        blocked_qbo_ids={"blocked"},
        thresholds=DEFAULTS,
        ready_only=False,
    )
    assert {(a.qbo_id, a.ready) for a in everything} == {("far", False), ("blocked", False)}


def test_a_late_fee_line_marks_only_its_own_bill() -> None:
    charged, other = (
        bill(qbo_id="charged", due_date=days(20)),
        bill(qbo_id="other", due_date=days(20)),
    )
    result = assess_bills(
        [charged, other],
        as_of=AS_OF,
        runway=NOT_BURNING,
        vendors=[ACME],
        terms=[],
        decisions=[],
        blocked_qbo_ids=set(),
        thresholds=DEFAULTS,
        ready_only=False,
        lines=[bill_line(charged, description="Late fee, May"), bill_line(other, description="")],
    )
    late = {a.qbo_id: Signal.LATE_FEE in a.signals for a in result}
    assert late == {"charged": True, "other": False}


def test_assessing_a_bill_without_due_date_is_refused() -> None:
    with pytest.raises(ValueError, match="no due date"):
        assess(bill(qbo_id="x", due_date=None))


def test_labels_and_identity_fields() -> None:
    row = bill(id=42, qbo_id="77", doc_number="1043", due_date=days(9), txn_date=date(2026, 12, 1))
    result = assess(row)
    assert (result.bill_id, result.qbo_id, result.label) == (42, "77", "Bill 1043 from Acme Supply")
    assert (result.vendor_qbo_id, result.vendor_name, result.due_date) == (
        "V1",
        "Acme Supply",
        days(9),
    )
