"""The README's GraphQL examples and commands are what the code accepts.

A newcomer copies them first; one that fails to validate, or names a command or option the CLI
doesn't have, is the first thing they find wrong.
"""

import re
import shlex
from pathlib import Path

import pytest
from graphql import parse, validate
from typer.core import TyperGroup
from typer.main import get_command

from app.cli import cli
from schema.root import build_schema

README = (Path(__file__).parent.parent / "README.md").read_text()
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README) if lang == language]


def graphql_documents() -> list[str]:
    """Each README GraphQL block, split where one block holds several one-line operations."""
    documents: list[str] = []
    for body in blocks("graphql"):
        lines = body.strip().splitlines()
        if all(re.match(r"^(query|mutation)\b", line) for line in lines):
            documents.extend(lines)
        else:
            documents.append(body)
    return documents


def test_the_readme_has_graphql_examples() -> None:
    assert len(graphql_documents()) >= 3


@pytest.mark.parametrize("document", graphql_documents())
def test_each_graphql_example_validates_against_the_schema(document: str) -> None:
    schema = build_schema(introspection=True, mask_errors=False)._schema
    errors = validate(schema, parse(document))
    assert errors == [], (document, [error.message for error in errors])


def runway_invocations() -> list[list[str]]:
    """Every `runway …` command line in the README's shell blocks and its command table."""
    lines: list[str] = []
    for body in blocks("sh"):
        for line in body.splitlines():
            line = line.split("#", 1)[0].strip()
            if re.search(r"(^|\s|/)runway\s", line):
                lines.append(line)
    found: list[list[str]] = []
    for line in lines:
        words = shlex.split(line)
        start = next(i for i, word in enumerate(words) if word.endswith("runway"))
        found.append(words[start + 1 :])
    return found


def test_the_readme_shows_runway_commands() -> None:
    assert len(runway_invocations()) >= 3


@pytest.mark.parametrize("argv", runway_invocations(), ids=" ".join)
def test_each_runway_command_in_the_readme_parses(argv: list[str]) -> None:
    """The command exists and takes these options (parsed only: nothing runs)."""
    command = get_command(cli)
    words = list(argv)
    parent = None
    name = "runway"
    while isinstance(command, TyperGroup):
        assert words, f"runway {' '.join(argv)} names no command"
        parent = command.make_context(name, list(words), parent=parent)
        sub = command.get_command(parent, words[0])
        assert sub is not None, f"runway has no command {words[0]!r}: {argv}"
        name, command, words = words[0], sub, words[1:]
    command.make_context(name, words, parent=parent)  # raises a usage error on a bad option
