"""What can be wrong with a record, and how bad each thing is: docs/design.md#the-rules's issue
table."""

from collections.abc import Mapping
from enum import StrEnum


class IssueCode(StrEnum):
    """What is wrong with a record in the hygiene tray (docs/design.md#the-rules, table of
    issues)."""

    MISSING_VENDOR = "MISSING_VENDOR"
    POSSIBLE_DUPLICATE = "POSSIBLE_DUPLICATE"
    ZERO_AMOUNT = "ZERO_AMOUNT"
    MISSING_DUE_DATE = "MISSING_DUE_DATE"
    DUE_BEFORE_TXN = "DUE_BEFORE_TXN"
    UNCATEGORIZED = "UNCATEGORIZED"
    NO_CONTACT_EMAIL = "NO_CONTACT_EMAIL"
    STALE_OPEN = "STALE_OPEN"
    MISSING_TERMS = "MISSING_TERMS"
    DUPLICATE_NAME = "DUPLICATE_NAME"


_SEVERITY_RANK = {"LOW": 1, "MEDIUM": 2, "HIGH": 3}


class Severity(StrEnum):
    """How bad an issue is; ordered LOW < MEDIUM < HIGH (not alphabetically, as ``str`` would)."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"

    @property
    def rank(self) -> int:
        """1 for LOW, 2 for MEDIUM, 3 for HIGH."""
        return _SEVERITY_RANK[self.value]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


SEVERITY: Mapping[IssueCode, Severity] = {
    IssueCode.MISSING_VENDOR: Severity.HIGH,
    IssueCode.POSSIBLE_DUPLICATE: Severity.HIGH,
    IssueCode.ZERO_AMOUNT: Severity.MEDIUM,
    IssueCode.MISSING_DUE_DATE: Severity.MEDIUM,
    IssueCode.DUE_BEFORE_TXN: Severity.MEDIUM,
    IssueCode.UNCATEGORIZED: Severity.LOW,
    IssueCode.NO_CONTACT_EMAIL: Severity.MEDIUM,
    IssueCode.STALE_OPEN: Severity.HIGH,
    IssueCode.MISSING_TERMS: Severity.LOW,
    IssueCode.DUPLICATE_NAME: Severity.MEDIUM,
}
"""docs/design.md#the-rules's severity of each issue."""
