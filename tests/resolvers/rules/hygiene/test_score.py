import pytest

from resolvers.rules.hygiene.codes import Severity
from resolvers.rules.hygiene.score import hygiene_score, severity_weight
from resolvers.thresholds import Thresholds
from tests.resolvers.rules.rows import DEFAULTS

H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW


def test_weights_high_3_medium_2_low_1() -> None:
    assert [severity_weight(s, DEFAULTS) for s in (H, M, L)] == [3, 2, 1]


@pytest.mark.parametrize(
    ("worst", "examined", "score"),
    [
        ([], 0, 100),  # nothing examined
        ([], 40, 100),  # nothing wrong
        ([H], 10, 90),  # 100 * (1 - 3/30)
        ([M], 10, 93),  # 100 * (1 - 2/30) = 93.33
        ([L], 10, 97),  # 100 * (1 - 1/30) = 96.67, half up
        ([H] * 5, 10, 50),  # 100 * (1 - 15/30)
        ([H, M], 4, 58),  # 100 * (1 - 5/12) = 58.33
        ([H, H, M, L], 4, 25),  # 100 * (1 - 9/12)
        ([H] * 10, 10, 0),  # every item has a high issue
    ],
)
def test_score_formula(worst: list[Severity], examined: int, score: int) -> None:
    assert hygiene_score(worst, examined_count=examined, thresholds=DEFAULTS) == score


def test_one_issue_never_rounds_up_to_a_perfect_score() -> None:
    # 100 * (1 - 1/1500) = 99.93 would round to 100, which must mean "nothing wrong".
    assert hygiene_score([L], examined_count=500, thresholds=DEFAULTS) == 99


def test_a_nearly_all_broken_tray_never_rounds_down_to_zero() -> None:
    # 100 * (1 - 599/600) = 0.17 would round to 0, which must mean "every item badly broken".
    worst = [H] * 199 + [M]
    assert hygiene_score(worst, examined_count=200, thresholds=DEFAULTS) == 1


def test_custom_weights() -> None:
    heavy = Thresholds(weight_high=10, weight_medium=5, weight_low=1)
    # 100 * (1 - (5 + 1) / (10 * 3)) = 80
    assert hygiene_score([M, L], examined_count=3, thresholds=heavy) == 80
