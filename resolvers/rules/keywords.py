"""How the rules compare words: keywords in free text, and counterparty names for duplicates."""

import re
from collections.abc import Iterable
from functools import lru_cache

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
