"""Vendor criticality and late-fee evidence: the must-pay signals that come from words, not sums.

QBO has no "critical" flag and no late-fee field, so both are read from text the business already
keeps: the vendor's name, and what the bill and its payment term say.
"""

from collections.abc import Iterable, Mapping
from functools import lru_cache

from domains.ap.models import Bill, Vendor
from domains.core.models import Term
from resolvers.rules.keywords import find_keyword
from resolvers.thresholds import Thresholds


def critical_keyword(
    vendor: Vendor | None, bill: Bill | None, thresholds: Thresholds
) -> str | None:
    """The keyword that makes this vendor critical (payroll, tax, rent…), else ``None``.

    Matches whole words of the vendor's display and company names (the name on the bill only when
    the vendor row is missing), so "Gusto Payroll", "IRS", "Franchise Tax Board", "Oak Street
    Properties LLC", "PG&E", "State Farm Insurance" and "SBA Loan Servicing" are critical.
    """
    names: tuple[str | None, str | None]
    if vendor is not None:
        names = (vendor.display_name, vendor.company_name)
    else:
        names = (bill.vendor_name if bill is not None else None, None)
    return _critical(names, thresholds.critical_vendor_keywords)


@lru_cache(maxsize=4096)
def _critical(names: tuple[str | None, str | None], keywords: tuple[str, ...]) -> str | None:
    # A business has thousands of bills from a few hundred vendors: match each vendor once.
    return find_keyword(names, keywords)


def late_fee_keyword(
    bill: Bill, term: Term | None, thresholds: Thresholds, line_descriptions: Iterable[str] = ()
) -> str | None:
    """The late-fee wording found for this bill, else ``None``.

    Interpretation (QBO has no late-fee field): paying late costs a fee when the bill's private
    note (memo), a line description, or the name of its payment term mentions a late fee,
    interest, a penalty or a finance charge, e.g. a term named "Net 30, 1.5% interest after due" or
    a memo "late fee $25 after the 15th". A vendor that already charged one on this bill (a line
    "Late fee") will charge again.
    """
    texts = [bill.private_note, *line_descriptions, term.name if term is not None else None]
    return find_keyword(texts, thresholds.late_fee_keywords)


def bill_term(bill: Bill, vendor: Vendor | None, terms: Mapping[str, Term] | None) -> Term | None:
    """The payment term that governs a bill: its own, else its vendor's; deleted terms don't."""
    if not terms:
        return None
    for term_id in (bill.term_qbo_id, vendor.term_qbo_id if vendor is not None else None):
        term = terms.get(term_id) if term_id else None
        if term is not None and term.deleted_at is None:
            return term
    return None
