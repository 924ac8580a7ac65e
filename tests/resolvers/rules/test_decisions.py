from datetime import timedelta

from resolvers.rules.decisions import decisions_in_effect
from tests.resolvers.rules.rows import AS_OF, UPDATED, bill, days, decision


def test_latest_decision_supersedes_earlier_ones() -> None:
    b = bill()
    first = decision(b, "PAY_ON", days(5), decided_at=UPDATED)
    later = decision(b, "DELAY_TO", days(20), decided_at=UPDATED + timedelta(hours=1))
    assert decisions_in_effect([later, first], AS_OF) == {b.id: later}


def test_decision_for_today_is_in_effect_and_yesterdays_has_lapsed() -> None:
    today, lapsed = bill(), bill()
    for_today = decision(today, "PAY_ON", days(0))
    result = decisions_in_effect([for_today, decision(lapsed, "PAY_ON", days(-1))], AS_OF)
    assert result == {today.id: for_today}


def test_a_lapsed_latest_decision_does_not_resurrect_an_older_one() -> None:
    b = bill()
    older = decision(b, "DELAY_TO", days(30), decided_at=UPDATED)
    latest = decision(b, "PAY_ON", days(-2), decided_at=UPDATED + timedelta(days=1))
    assert decisions_in_effect([older, latest], AS_OF) == {}


def test_ties_on_time_go_to_the_higher_id_and_unknown_actions_are_ignored() -> None:
    b = bill()
    low = decision(b, "PAY_ON", days(3), id=10)
    high = decision(b, "DELAY_TO", days(9), id=11)
    unknown = decision(b, "CANCEL", days(9), id=12, decided_at=UPDATED + timedelta(days=1))
    assert decisions_in_effect([high, unknown, low], AS_OF) == {b.id: high}
