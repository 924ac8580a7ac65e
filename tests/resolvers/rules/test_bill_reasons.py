"""The verdict: the last reason of every bill, saying why its group and action follow."""

from datetime import date

from domains.decisions.models import BillDecision
from resolvers.rules.bill_reasons import bill_verdict
from resolvers.rules.enums import BillAction, BillGroup
from resolvers.thresholds import Thresholds

TODAY = date(2026, 11, 20)
SAFE = date(2026, 12, 9)


def verdict(group: BillGroup, action: BillAction, pay_date: date, **flags: object) -> str:
    return bill_verdict(
        group=group,
        action=action,
        pay_date=pay_date,
        safe=SAFE,
        as_of=TODAY,
        critical=bool(flags.get("critical")),
        take_discount=bool(flags.get("take_discount")),
        decision=flags.get("decision"),  # type: ignore[arg-type]
        thresholds=Thresholds(),
    )


def test_a_critical_vendors_must_pay_bill_says_it_is_never_delayed_and_when_to_pay() -> None:
    assert verdict(BillGroup.MUST_PAY, BillAction.SCHEDULE, SAFE, critical=True) == (
        "Must be paid, and a critical vendor is never delayed: pay on 2026-12-09, "
        "the latest safe pay date (3 days before it is due)"
    )
    assert verdict(BillGroup.MUST_PAY, BillAction.PAY_NOW, TODAY) == "Must be paid: pay today"


def test_a_discount_and_a_delay_say_what_they_gain() -> None:
    early = date(2026, 11, 27)
    assert (
        verdict(BillGroup.SCHEDULED, BillAction.SCHEDULE, early, take_discount=True)
        == "Worth paying early: pay on 2026-11-27 to take the discount"
    )
    assert verdict(BillGroup.CAN_DELAY, BillAction.DELAY, SAFE) == (
        "Can wait: pay by 2026-12-09, the latest safe pay date (3 days before it is due)"
    )
    assert verdict(BillGroup.SCHEDULED, BillAction.SCHEDULE, SAFE) == (
        "Nothing urgent and nothing to gain by waiting: pay on 2026-12-09, "
        "the latest safe pay date (3 days before it is due)"
    )


def test_a_decision_names_who_decided() -> None:
    decision = BillDecision(
        business_id=1,
        bill_id=1,
        action="DELAY_TO",
        decided_for=date(2026, 12, 31),
        decided_by="ops",
    )
    assert (
        verdict(BillGroup.SCHEDULED, BillAction.DELAY, date(2026, 12, 31), decision=decision)
        == "ops decided to delay it to 2026-12-31"
    )
