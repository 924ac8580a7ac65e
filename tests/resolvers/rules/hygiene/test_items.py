from decimal import Decimal

from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode, Severity
from resolvers.rules.hygiene.items import issue, make_item


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
