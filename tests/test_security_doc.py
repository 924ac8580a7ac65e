"""docs/security.md names, for each security claim, the tests that prove it; each must exist.

A reviewer trusts the checklist only as far as its references hold: a test renamed or removed
leaves a claim that looks proven and is not. Every ``tests/….py::test_name`` in the document
(a parametrised id such as ``test_name[case]`` counts as ``test_name``) must name a module that
exists and defines that test function at its top level, where pytest collects it.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SECURITY = ROOT / "docs" / "security.md"
REFERENCE = re.compile(r"(tests/[\w/]+\.py)::(\w+)(?:\[[^\]`]*\])?")
PLACEHOLDER = ("tests/path.py", "test_name")
"""The document's own example of the reference format, which names no test."""


def references() -> list[tuple[str, str]]:
    """Every (module, test) the document names, once each, in order of first mention."""
    found = REFERENCE.findall(SECURITY.read_text(encoding="utf-8"))
    return [ref for ref in dict.fromkeys(found) if ref != PLACEHOLDER]


def collected_tests(module: Path) -> set[str]:
    """The test functions pytest would collect from ``module``'s top level."""
    tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    }


def test_the_checklist_names_its_tests() -> None:
    # The parametrised test below passes vacuously on an empty list: the format must still match.
    assert len(references()) >= 50


@pytest.mark.parametrize(
    ("module", "name"),
    references(),
    ids=[f"{module.removeprefix('tests/')}:{name}" for module, name in references()],
)
def test_each_named_test_exists(module: str, name: str) -> None:
    path = ROOT / module
    assert path.is_file(), f"docs/security.md names {module}, which does not exist"
    assert name in collected_tests(path), f"docs/security.md names {module}::{name}, not defined"
