"""How the rules name records to a bookkeeper, and how they compare names and keywords.

Messages name the document the way QBO shows it ("Bill 1043 from Acme Supply"), falling back to
its date when it has no number, and to its QBO id only when it has neither.
"""

import re
from collections.abc import Iterable
from functools import lru_cache

from domains.ap.models import Bill
from domains.ar.models import Invoice

_WORD = re.compile(r"[^\W_]+")
_LEGAL_SUFFIXES = frozenset(
    {
        "co",
        "company",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "plc",
        "pllc",
    }
)


def words(text: str) -> list[str]:
    """Lower-cased words of ``text``; punctuation separates words ("PG&E" is "pg", "e")."""
    return _WORD.findall(text.casefold())


def find_keyword(texts: Iterable[str | None], keywords: Iterable[str]) -> str | None:
    """The first of ``keywords`` found as whole words in any of ``texts``, else ``None``.

    Whole words, so "irs" matches "IRS" but not "First Street Bakery", and a phrase keyword
    ("late fee", "pg&e") matches only its words in order, within one text.
    """
    ordered = tuple(keywords)
    found: set[str] = set()
    for text in texts:
        if text:
            found.update(_keywords_in(text, ordered))
    return next((keyword for keyword in ordered if keyword in found), None)


@lru_cache(maxsize=16_384)
def _keywords_in(text: str, keywords: tuple[str, ...]) -> frozenset[str]:
    # Term names and line descriptions repeat across thousands of bills: tokenise each once.
    haystack = f" {' '.join(words(text))} "
    return frozenset(keyword for keyword, needle in _needles(keywords) if needle in haystack)


@lru_cache(maxsize=32)
def _needles(keywords: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    # Keyword lists come from the (few) Thresholds objects: tokenise each list once, not per row.
    padded = ((keyword, " ".join(words(keyword))) for keyword in keywords)
    return tuple((keyword, f" {needle} ") for keyword, needle in padded if needle)


def normalised_name(name: str) -> str:
    """A counterparty name reduced for duplicate detection.

    Case, punctuation, "&" versus "and" and a trailing legal form are ignored, so "Acme Supply,
    Inc." and "ACME SUPPLY" are the same name; "Acme Supply East" is not.
    """
    tokens = words(name.replace("&", " and ").replace(".", ""))
    trimmed = list(tokens)
    while trimmed and trimmed[-1] in _LEGAL_SUFFIXES:
        trimmed.pop()
    return " ".join(trimmed or tokens)


def document_name(kind: str, doc_number: str | None, txn_date: object, qbo_id: str) -> str:
    """ "Bill 1043"; "Bill dated 2026-03-02" without a number; "Bill (QBO id 77)" without both."""
    number = (doc_number or "").strip()
    if number:
        return f"{kind} {number}"
    if txn_date is not None:
        return f"{kind} dated {txn_date}"
    return f"{kind} (QBO id {qbo_id})"


def bill_label(bill: Bill, vendor_name: str | None) -> str:
    """ "Bill 1043 from Acme Supply"."""
    document = document_name("Bill", bill.doc_number, bill.txn_date, bill.qbo_id)
    return f"{document} from {vendor_name or bill.vendor_name or 'an unknown vendor'}"


def invoice_label(invoice: Invoice, customer_name: str | None) -> str:
    """ "Invoice 2001 to Blue Cafe"."""
    document = document_name("Invoice", invoice.doc_number, invoice.txn_date, invoice.qbo_id)
    return f"{document} to {customer_name or invoice.customer_name or 'an unknown customer'}"


def plural(count: int, noun: str) -> str:
    """ "1 day", "3 days"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
