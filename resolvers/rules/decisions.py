"""Which recorded bill decision is in effect on a given day."""

from collections.abc import Iterable
from datetime import date

from domains.decisions.models import BillDecision
from resolvers.rules.enums import DecisionAction


def decision_action(decision: BillDecision) -> DecisionAction | None:
    """The decision's action, or ``None`` for an action string the rules don't know."""
    try:
        return DecisionAction(decision.action)
    except ValueError:
        return None


def decisions_in_effect(decisions: Iterable[BillDecision], as_of: date) -> dict[int, BillDecision]:
    """The decision in effect per bill id on ``as_of``.

    Decisions are never updated, only superseded: the latest one (by ``decided_at``, then ``id``)
    of a bill is the only candidate. It is in effect while its date is today or later; once its
    date has passed with the bill still open it has lapsed, and an older decision is *not*
    resurrected: the bill goes back to the rules as if undecided. Unknown actions are ignored.
    """
    latest: dict[int, BillDecision] = {}
    for decision in decisions:
        if decision_action(decision) is None:
            continue
        seen = latest.get(decision.bill_id)
        if seen is None or (decision.decided_at, decision.id or 0) > (
            seen.decided_at,
            seen.id or 0,
        ):
            latest[decision.bill_id] = decision
    return {bill_id: d for bill_id, d in latest.items() if d.decided_for >= as_of}
