"""POSSIBLE_DUPLICATE detection in O(n log n): group by key, sort by date, compare neighbours.

Twenty thousand bills make 200 million pairs; nobody needs them. Two open documents are possible
duplicates when they have the same document key (same number), or the same counterparty and total
with transaction dates at most ``window_days`` apart. After grouping by (counterparty, total) and
sorting by date, a document has a match within the window if and only if its nearest neighbour
in that order does, so one linear pass per group suffices.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class DuplicateReason(StrEnum):
    SAME_NUMBER = "SAME_NUMBER"
    SAME_AMOUNT_NEARBY = "SAME_AMOUNT_NEARBY"


@dataclass(frozen=True)
class DuplicateCandidate:
    """What duplicate detection looks at in one open bill or invoice."""

    qbo_id: str
    counterparty: str | None
    total: Decimal
    txn_date: date | None
    number_key: str | None
    """Documents with equal non-empty keys are duplicates (the caller decides what the key is)."""


@dataclass(frozen=True)
class DuplicateMatch:
    """Why ``qbo_id`` looks like a duplicate, naming the nearest document it matches."""

    qbo_id: str
    other_qbo_id: str
    reason: DuplicateReason
    days_apart: int | None


def find_duplicates(
    candidates: Iterable[DuplicateCandidate], *, window_days: int
) -> dict[str, DuplicateMatch]:
    """Possible duplicates by ``qbo_id``; a same-number match wins over a same-amount one.

    Same amount: same non-empty counterparty, equal totals (``Decimal`` equality, so 100.00 equals
    100.0000), both dated, and ``|date difference| <= window_days`` (inclusive: 7 days apart is a
    duplicate with the default window, 8 is not). Zero totals are skipped (ZERO_AMOUNT covers them
    and empty drafts would all match each other). Ties between equally near documents go to the
    earlier one, then the smaller ``qbo_id``, so the result is deterministic.
    """
    by_number: dict[str, list[DuplicateCandidate]] = defaultdict(list)
    by_amount: dict[tuple[str, Decimal], list[DuplicateCandidate]] = defaultdict(list)
    for candidate in candidates:
        if candidate.number_key:
            by_number[candidate.number_key].append(candidate)
        if candidate.counterparty and candidate.txn_date is not None and candidate.total != 0:
            by_amount[(candidate.counterparty, candidate.total)].append(candidate)

    matches: dict[str, DuplicateMatch] = {}
    for group in by_amount.values():
        if len(group) > 1:
            _match_nearby(group, window_days, matches)
    for group in by_number.values():
        if len(group) > 1:
            _match_same_number(group, matches)
    return matches


def _order(candidate: DuplicateCandidate) -> tuple[date, str]:
    return (candidate.txn_date or date.min, candidate.qbo_id)


def _gap(first: DuplicateCandidate, second: DuplicateCandidate) -> int | None:
    if first.txn_date is None or second.txn_date is None:
        return None
    return abs((second.txn_date - first.txn_date).days)


def _match_nearby(
    group: list[DuplicateCandidate], window_days: int, matches: dict[str, DuplicateMatch]
) -> None:
    group.sort(key=_order)
    for index, candidate in enumerate(group):
        neighbours = [group[i] for i in (index - 1, index + 1) if 0 <= i < len(group)]
        best: tuple[int, DuplicateCandidate] | None = None
        for neighbour in neighbours:  # previous first, so ties go to the earlier document
            gap = _gap(candidate, neighbour)
            if gap is not None and gap <= window_days and (best is None or gap < best[0]):
                best = (gap, neighbour)
        if best is not None:
            matches[candidate.qbo_id] = DuplicateMatch(
                candidate.qbo_id, best[1].qbo_id, DuplicateReason.SAME_AMOUNT_NEARBY, best[0]
            )


def _match_same_number(group: list[DuplicateCandidate], matches: dict[str, DuplicateMatch]) -> None:
    group.sort(key=_order)
    for index, candidate in enumerate(group):
        other = group[1] if index == 0 else group[index - 1]
        matches[candidate.qbo_id] = DuplicateMatch(
            candidate.qbo_id, other.qbo_id, DuplicateReason.SAME_NUMBER, _gap(candidate, other)
        )
