import pytest

from resolvers.rules.keywords import find_keyword, normalised_name


def test_keywords_match_whole_words_only() -> None:
    assert find_keyword(["IRS"], ["irs"]) == "irs"
    assert find_keyword(["First Street Bakery"], ["irs"]) is None
    assert find_keyword(["Rentals R Us"], ["rent"]) is None
    assert find_keyword(["PG&E"], ["pg&e"]) == "pg&e"
    assert find_keyword(["Late Fee - March"], ["late fee"]) == "late fee"
    assert find_keyword(["Fee, late"], ["late fee"]) is None
    assert find_keyword([None, "", "Gusto Payroll"], ["payroll"]) == "payroll"
    assert find_keyword([], ["payroll"]) is None


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Acme Supply", "ACME SUPPLY, Inc."),
        ("Acme Supply", "acme  supply llc"),
        ("Smith & Sons", "Smith and Sons"),
        ("Blue Cafe", "Blue Cafe."),
        ("J.B. Hunt", "JB Hunt"),
    ],
)
def test_normalised_names_equal(first: str, second: str) -> None:
    assert normalised_name(first) == normalised_name(second)


def test_normalised_names_differ() -> None:
    assert normalised_name("Acme Supply") != normalised_name("Acme Supply East")
    assert normalised_name("Co") == "co"  # a name that is only a legal form stays itself
