from resolvers.rules.hygiene.codes import SEVERITY, IssueCode, Severity


def test_severities_are_design_md_s_table() -> None:
    high = {IssueCode.MISSING_VENDOR, IssueCode.POSSIBLE_DUPLICATE, IssueCode.STALE_OPEN}
    low = {IssueCode.UNCATEGORIZED, IssueCode.MISSING_TERMS}
    for code in IssueCode:
        expected = (
            Severity.HIGH if code in high else Severity.LOW if code in low else Severity.MEDIUM
        )
        assert SEVERITY[code] is expected


def test_severity_orders_by_badness_not_alphabet() -> None:
    assert Severity.LOW < Severity.MEDIUM < Severity.HIGH
    assert Severity.HIGH > Severity.MEDIUM >= Severity.MEDIUM
    assert max([Severity.MEDIUM, Severity.HIGH, Severity.LOW]) is Severity.HIGH
    assert sorted([Severity.HIGH, Severity.LOW, Severity.MEDIUM]) == [
        Severity.LOW,
        Severity.MEDIUM,
        Severity.HIGH,
    ]


def test_severity_is_still_its_string_for_graphql() -> None:
    assert Severity.HIGH == "HIGH"
    by_name: dict[str, int] = {Severity.LOW: 1}
    assert by_name["LOW"] == 1


def test_issue_codes_are_design_md_s_table() -> None:
    assert [code.value for code in IssueCode] == [
        "MISSING_VENDOR",
        "POSSIBLE_DUPLICATE",
        "ZERO_AMOUNT",
        "MISSING_DUE_DATE",
        "DUE_BEFORE_TXN",
        "UNCATEGORIZED",
        "NO_CONTACT_EMAIL",
        "STALE_OPEN",
        "MISSING_TERMS",
        "DUPLICATE_NAME",
    ]
