"""Every figure says what it is: each type, field, input field and argument has a description.

The schema is read the way a client reads it, through the standard introspection query, and every
non-introspection type (scalars and enums too), every field of an object or interface type, every
input field and every argument is counted. A new undescribed name fails the test and is named in
the failure, so whoever reads the schema (the SPA's authors, an API explorer) never meets a bare
name. Enum values are not counted: the rules' vocabularies name themselves.
"""

import re
from typing import Any

from graphql import get_introspection_query

from schema import build_schema

MIN_SHARE = 0.95
MIN_WORDS = 2
"""A description is real text: at least this many words, and more than the name it describes."""


def _introspect() -> dict[str, Any]:
    result = build_schema().execute_sync(get_introspection_query(descriptions=True))
    assert result.errors is None, result.errors
    assert result.data is not None
    schema: dict[str, Any] = result.data["__schema"]
    return schema


def _described() -> dict[str, str | None]:
    """Every counted name ("Type", "Type.field", "Type.field(arg)") and its description."""
    found: dict[str, str | None] = {}
    for type_ in _introspect()["types"]:
        name = type_["name"]
        if name.startswith("__"):
            continue
        found[name] = type_["description"]
        for field in type_["fields"] or []:
            found[f"{name}.{field['name']}"] = field["description"]
            for argument in field["args"]:
                found[f"{name}.{field['name']}({argument['name']})"] = argument["description"]
        for input_field in type_["inputFields"] or []:
            found[f"{name}.{input_field['name']}"] = input_field["description"]
    return found


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", text)


def _own_name(path: str) -> str:
    """The last name in a path: "Type.field(arg)" -> "arg", "Type.field" -> "field"."""
    return re.split(r"[.(]", path.rstrip(")"))[-1]


def test_every_type_field_and_argument_is_described() -> None:
    found = _described()
    missing = sorted(path for path, text in found.items() if not (text or "").strip())
    share = 1 - len(missing) / len(found)
    assert share >= MIN_SHARE, f"{share:.1%} described; missing: {missing}"
    assert missing == [], f"{share:.1%} of {len(found)} described; missing: {missing}"


def test_descriptions_are_real_text() -> None:
    """Not the name again, not a single word: a sentence a bookkeeper can read."""
    thin = []
    for path, text in sorted(_described().items()):
        if not text:
            continue
        words = _words(text)
        name = _own_name(path)
        # "totalCount" described as "Total count." says nothing the name did not.
        says_only_the_name = "".join(words).lower() == name.lower()
        if says_only_the_name or len(words) < MIN_WORDS:
            thin.append(f"{path}: {text!r}")
    assert thin == [], thin


def test_the_count_reaches_every_kind_of_name() -> None:
    """The walk sees types, fields, input fields and arguments (a guard on the test itself)."""
    found = _described()
    assert "Query" in found and "Decimal" in found and "Urgency" in found
    assert "Query.businesses" in found and "Query.businesses(search)" in found
    assert "DecisionFilter.horizonDays" in found
    assert "Business.hygiene(filter)" in found
    assert len(found) > 500
