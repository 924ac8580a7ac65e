from datetime import date, timedelta
from decimal import Decimal

from resolvers.rules.hygiene.duplicates import (
    DuplicateCandidate,
    DuplicateMatch,
    DuplicateReason,
    find_duplicates,
)
from tests.resolvers.rules.rows import days

AMOUNT = DuplicateReason.SAME_AMOUNT_NEARBY
NUMBER = DuplicateReason.SAME_NUMBER


def doc(
    qbo_id: str,
    when: date | None,
    total: str = "250.00",
    party: str | None = "V1",
    number: str | None = None,
) -> DuplicateCandidate:
    return DuplicateCandidate(qbo_id, party, Decimal(total), when, number)


def test_same_party_and_total_exactly_seven_days_apart_is_a_duplicate() -> None:
    found = find_duplicates([doc("a", days(0)), doc("b", days(7))], window_days=7)
    assert found == {
        "a": DuplicateMatch("a", "b", AMOUNT, 7),
        "b": DuplicateMatch("b", "a", AMOUNT, 7),
    }


def test_eight_days_apart_is_not() -> None:
    assert find_duplicates([doc("a", days(0)), doc("b", days(8))], window_days=7) == {}


def test_totals_compare_as_numbers_not_strings() -> None:
    found = find_duplicates(
        [doc("a", days(0), "250"), doc("b", days(1), "250.0000")], window_days=7
    )
    assert set(found) == {"a", "b"}


def test_different_party_or_total_or_missing_date_is_not_a_duplicate() -> None:
    found = find_duplicates(
        [
            doc("a", days(0)),
            doc("b", days(0), party="V2"),
            doc("c", days(0), total="250.01"),
            doc("d", None),
            doc("e", days(0), party=None, total="999"),
            doc("f", days(0), party=None, total="999"),
        ],
        window_days=7,
    )
    assert found == {}


def test_zero_totals_are_left_to_zero_amount() -> None:
    assert find_duplicates([doc("a", days(0), "0"), doc("b", days(0), "0")], window_days=7) == {}


def test_nearest_match_is_named_and_ties_go_to_the_earlier_document() -> None:
    found = find_duplicates(
        [doc("a", days(0)), doc("b", days(5)), doc("c", days(7)), doc("d", days(9))],
        window_days=7,
    )
    assert found["b"].other_qbo_id == "c"  # 2 days beats 5
    assert found["c"] == DuplicateMatch("c", "b", AMOUNT, 2)  # tie 2 vs 2: the earlier
    assert found["a"].other_qbo_id == "b"
    assert found["d"] == DuplicateMatch("d", "c", AMOUNT, 2)


def test_same_number_is_a_duplicate_whatever_the_dates_and_wins_over_amount() -> None:
    found = find_duplicates(
        [
            doc("a", days(0), number="k1"),
            doc("b", days(300), "1.00", number="k1"),
            doc("c", days(3)),
        ],
        window_days=7,
    )
    assert found["a"] == DuplicateMatch("a", "b", NUMBER, 300)
    assert found["b"] == DuplicateMatch("b", "a", NUMBER, 300)
    assert found["c"] == DuplicateMatch("c", "a", AMOUNT, 3)


def test_twenty_thousand_documents_in_n_log_n() -> None:
    # 20,000 documents in one (vendor, total) group, 8 days apart: no duplicate. A pairwise check
    # would make 200 million comparisons here; the sorted pass makes 40,000.
    start = date(2000, 1, 1)
    many = [doc(str(i), start + timedelta(days=8 * i)) for i in range(20_000)]
    many.append(doc("twin", start + timedelta(days=8 * 19_999 + 7)))
    found = find_duplicates(many, window_days=7)
    assert set(found) == {"19999", "twin"}
