import pytest

from resolvers.rules.vendors import bill_term, critical_keyword, late_fee_keyword
from tests.resolvers.rules.rows import DEFAULTS, UPDATED, bill, term, vendor


@pytest.mark.parametrize(
    ("name", "keyword"),
    [
        ("Gusto Payroll", "payroll"),  # "payroll" comes before "gusto" in the keyword list
        ("IRS", "irs"),
        ("Franchise Tax Board", "tax"),  # likewise before "franchise tax board"
        ("Oak Street Properties LLC", "properties"),
        ("PG&E", "pg&e"),
        ("State Farm Insurance", "insurance"),
        ("SBA Loan Servicing", "loan"),
        ("City of Austin Utilities", "utilities"),
        ("ADP", "adp"),
    ],
)
def test_critical_vendors(name: str, keyword: str) -> None:
    assert critical_keyword(vendor(display_name=name), None, DEFAULTS) == keyword


@pytest.mark.parametrize(
    "name", ["Acme Supply", "First Street Bakery", "Staples", "Rentokil Pest Control"]
)
def test_ordinary_vendors(name: str) -> None:
    assert critical_keyword(vendor(display_name=name), None, DEFAULTS) is None


def test_critical_by_company_name_or_by_the_name_on_the_bill() -> None:
    by_company = vendor(display_name="GP Services", company_name="Northwind Payroll Inc")
    assert critical_keyword(by_company, None, DEFAULTS) == "payroll"
    assert critical_keyword(None, bill(vendor_name="Franchise Tax Board"), DEFAULTS) == "tax"


def test_late_fee_from_memo_line_or_term() -> None:
    memo = bill(private_note="Vendor charges a LATE FEE after 30 days")
    assert late_fee_keyword(memo, None, DEFAULTS) == "late fee"
    lines = ["Hardware", "Interest on overdue balance"]
    assert late_fee_keyword(bill(), None, DEFAULTS, lines) == "interest"
    by_term = term(name="Net 30, 1.5% penalty after due")
    assert late_fee_keyword(bill(), by_term, DEFAULTS) == "penalty"


def test_no_late_fee_without_such_words() -> None:
    plain = bill(private_note="March supplies")
    assert late_fee_keyword(plain, term(name="Net 30"), DEFAULTS, ["Paper", ""]) is None


def test_bill_term_prefers_the_bills_own_then_the_vendors() -> None:
    own, vendors_term = term(qbo_id="T10"), term(qbo_id="T30")
    terms = {"T10": own, "T30": vendors_term}
    supplier = vendor(term_qbo_id="T30")
    assert bill_term(bill(term_qbo_id="T10"), supplier, terms) is own
    assert bill_term(bill(term_qbo_id=None), supplier, terms) is vendors_term
    assert bill_term(bill(term_qbo_id="T99"), supplier, terms) is vendors_term
    deleted = {"T10": term(qbo_id="T10", deleted_at=UPDATED)}
    assert bill_term(bill(term_qbo_id="T10"), None, deleted) is None
    assert bill_term(bill(), supplier, {}) is None
