"""The hygiene score: one number from 100 (nothing wrong) down to 0 (every item badly broken)."""

from collections.abc import Iterable
from decimal import Decimal

from resolvers.rules.hygiene.codes import Severity
from resolvers.rules.money import round_int
from resolvers.thresholds import Thresholds


def severity_weight(severity: Severity, thresholds: Thresholds) -> int:
    """The weight of a severity: high 3, medium 2, low 1 by default."""
    if severity is Severity.HIGH:
        return thresholds.weight_high
    if severity is Severity.MEDIUM:
        return thresholds.weight_medium
    return thresholds.weight_low


def hygiene_score(
    worst_severities: Iterable[Severity], *, examined_count: int, thresholds: Thresholds
) -> int:
    """``round(100 * (1 - sum(weight of each flagged item's worst issue) / (high weight * N)))``.

    Args:
        worst_severities: the worst issue's severity of each flagged item, one per item.
        examined_count: N, the items the tray looked at: open bills and invoices (plus zero-total
            ones, which are never "open" by balance but are exactly the broken ones), active
            vendors with open bills, active customers with open invoices, and any other vendor or
            customer that has an issue. Every flagged item is among them, so the penalty never
            exceeds ``high weight * N``.

    Why the worst issue per item, not every issue: the score reads as "how much of the open books
    is in order, weighted by how badly the rest is broken", so one bill with four problems does
    not outweigh four bills with one each, and the score can't go below 0.

    Rounded half up, then kept honest at both ends: 100 only when nothing is flagged (one low
    issue among 500 items is 99, not a rounded-up 100), 0 only when every item has a high-weight
    issue. No examined items scores 100.
    """
    flagged = list(worst_severities)
    if examined_count <= 0 or not flagged:
        return 100
    penalty = sum(severity_weight(severity, thresholds) for severity in flagged)
    worst_possible = thresholds.weight_high * max(examined_count, len(flagged))
    score = round_int(Decimal(100) * (1 - Decimal(penalty) / Decimal(worst_possible)))
    if penalty >= worst_possible:
        return 0
    return min(99, max(1, score))
