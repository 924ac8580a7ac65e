"""Limits on the shape of a GraphQL document, checked before it is parsed or validated.

The token limit counts a whole string literal as one token and a comment as none, so on its own
it lets a 1 MiB document through as a handful of tokens; and graphql-core's check that fields of
one name can be merged compares every pair of them, so a few hundred repeated fields cost
hundreds of thousands of comparisons (and an error about them carries hundreds of locations).
These limits refuse such documents first, cheaply:

- the document's length, before parsing;
- the length of each string literal, and how often one response name repeats in one selection
  set (fragments included, as execution merges them), before validation.

A refusal is one ``BAD_USER_INPUT`` error without locations: nothing in it grows with the input.
"""

from collections import Counter
from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
    StringValueNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

MAX_DOCUMENT_CHARS = 32_768
"""Characters in a document: the example queries are about 1,000, and 2,000 tokens of names,
punctuation and short strings fit well within."""
MAX_STRING_CHARS = 2_000
"""Characters in one string literal (the longest argument, a decision's note, takes 1,000);
longer text belongs in variables."""
MAX_REPEATED_FIELDS = 10
"""Fields of one response name in one selection set (repeating one merges into one answer)."""


def _refuse(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


class DocumentLimits(SchemaExtension):
    """Refuse over-long documents before parsing, and long strings or repeated fields before
    validation (placed before the parser and validation caches, whose hooks do the work)."""

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query or ""
        if len(query) > MAX_DOCUMENT_CHARS:
            raise _refuse(
                f"The document is {len(query)} characters long; the limit is {MAX_DOCUMENT_CHARS}."
            )
        yield

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        if document is not None:
            problem = document_problem(document)
            if problem is not None:
                raise _refuse(problem)
        yield


def document_problem(document: DocumentNode) -> str | None:
    """What is wrong with ``document``'s strings or repeated fields, or ``None``."""
    longest = _LongestString()
    visit(document, longest)
    if longest.length > MAX_STRING_CHARS:
        return (
            f"A string literal is {longest.length} characters long; the limit is "
            f"{MAX_STRING_CHARS} (send long values as variables)."
        )
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    for selection_set in _selection_sets(document):
        counts = Counter(_response_names(selection_set, fragments, set()))
        repeated = [(name, count) for name, count in counts.items() if count > MAX_REPEATED_FIELDS]
        if repeated:
            name, count = repeated[0]
            return (
                f"The field '{name[:64]}' is selected {count} times in one selection set; the "
                f"limit is {MAX_REPEATED_FIELDS} (use aliases for different arguments)."
            )
    return None


class _LongestString(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.length = 0

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        self.length = max(self.length, len(node.value))


def _selection_sets(document: DocumentNode) -> Iterator[SelectionSetNode]:
    found: list[SelectionSetNode] = []

    class Collect(Visitor):
        def enter_selection_set(self, node: SelectionSetNode, *_: object) -> None:
            found.append(node)

    visit(document, Collect())
    return iter(found)


def _response_names(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    visited: set[str],
) -> Iterator[str]:
    """The response names one selection set yields, through its fragments, each named fragment
    once (as execution collects them)."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield (selection.alias or selection.name).value
        elif isinstance(selection, InlineFragmentNode):
            yield from _response_names(selection.selection_set, fragments, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in visited or name not in fragments:
                continue
            visited.add(name)
            yield from _response_names(fragments[name].selection_set, fragments, visited)
