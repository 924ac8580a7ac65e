import pytest

from resolvers.rules.labels import (
    bill_label,
    find_keyword,
    invoice_label,
    normalised_name,
    plural,
)
from tests.resolvers.rules.rows import bill, days, invoice


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


def test_labels_name_the_document_as_qbo_shows_it() -> None:
    assert bill_label(bill(doc_number="1043"), "Acme Supply") == "Bill 1043 from Acme Supply"
    assert bill_label(bill(doc_number=None, txn_date=days(0)), None) == (
        "Bill dated 2026-12-07 from Acme Supply"
    )
    assert bill_label(bill(qbo_id="77", doc_number=" ", txn_date=None, vendor_name=None), None) == (
        "Bill (QBO id 77) from an unknown vendor"
    )
    assert invoice_label(invoice(doc_number="2001"), "Blue Cafe") == "Invoice 2001 to Blue Cafe"


def test_plural() -> None:
    assert plural(1, "day") == "1 day"
    assert plural(0, "day") == "0 days"
    assert plural(3, "line") == "3 lines"
