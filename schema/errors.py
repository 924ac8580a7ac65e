"""Where errors get their ``extensions.code``: one schema extension maps them all.

The codes themselves, and which failure has which, are ``resolvers.errors``'s.
"""

from collections.abc import Iterable, Iterator

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from resolvers.errors import RunwayError


class ErrorCodes(SchemaExtension):
    """Give every error its ``code``: a ``RunwayError``'s own, else ``BAD_USER_INPUT`` for a
    request refused before any resolver ran.

    Resolvers and fields raise ``resolvers.errors`` exceptions; graphql-core keeps each as the
    ``original_error`` of the error it reports, and this maps its class to the code, once.

    Syntax errors, validation errors (the depth, alias and token limits among them) and variable
    values that don't fit their types are all the client's to fix, and every error is promised a
    code. Uncoded, a variable error was also masked outside dev as "Unexpected error." (graphql-core
    keeps the scalar's exception as its ``original_error``, see ``is_unexpected``). Errors of the
    execution step without a ``path`` are the variables' (coerced before anything runs); errors
    of resolvers have a path and carry their exception's code, or none (a bug: masked).
    """

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLSyntaxError as error:  # ParserCache parses in its hook: the error escapes
            _code_as_bad_input([error])
            raise

    def on_parse(self) -> Iterator[None]:
        yield
        _code_as_bad_input(self.execution_context.pre_execution_errors or ())

    def on_validate(self) -> Iterator[None]:
        yield
        _code_as_bad_input(self.execution_context.pre_execution_errors or ())

    def on_execute(self) -> Iterator[None]:
        yield
        errors = getattr(self.execution_context.result, "errors", None) or ()
        for error in errors:
            if isinstance(error.original_error, RunwayError):
                error.extensions = {**(error.extensions or {}), "code": error.original_error.code}
        _code_as_bad_input(error for error in errors if error.path is None)


def _code_as_bad_input(errors: Iterable[GraphQLError]) -> None:
    for error in errors:
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}


def is_unexpected(error: GraphQLError) -> bool:
    """Errors we raise on purpose carry a ``code``; anything else is a bug and is masked."""
    return not (error.extensions or {}).get("code") and error.original_error is not None
