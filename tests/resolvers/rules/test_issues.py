from decimal import Decimal

from resolvers.rules.enums import EntityType, IssueCode, Severity
from resolvers.rules.issues import SEVERITY, has_email, issue, make_item


def test_severities_are_design_md_s_table() -> None:
    high = {IssueCode.MISSING_VENDOR, IssueCode.POSSIBLE_DUPLICATE, IssueCode.STALE_OPEN}
    low = {IssueCode.UNCATEGORIZED, IssueCode.MISSING_TERMS}
    for code in IssueCode:
        expected = (
            Severity.HIGH if code in high else Severity.LOW if code in low else Severity.MEDIUM
        )
        assert SEVERITY[code] is expected


def test_item_lists_worst_issue_first_then_table_order() -> None:
    found = [
        issue(IssueCode.UNCATEGORIZED, "u", "lines", Decimal(1)),
        issue(IssueCode.DUE_BEFORE_TXN, "d", "due_date", Decimal(1)),
        issue(IssueCode.ZERO_AMOUNT, "z", "total_amt", Decimal(0)),
        issue(IssueCode.STALE_OPEN, "s", "balance", Decimal(1)),
    ]
    item = make_item(EntityType.BILL, 1, "1", "Bill 1", Decimal(1), None, found)
    assert item is not None
    assert item.severity is Severity.HIGH
    assert [i.code for i in item.issues] == [
        IssueCode.STALE_OPEN,
        IssueCode.ZERO_AMOUNT,
        IssueCode.DUE_BEFORE_TXN,
        IssueCode.UNCATEGORIZED,
    ]


def test_no_issues_no_item() -> None:
    assert make_item(EntityType.BILL, 1, "1", "Bill 1", Decimal(1), None, []) is None


def test_email_presence() -> None:
    assert has_email("a@b.example")
    assert not has_email(None)
    assert not has_email("   ")
