"""Where errors get their ``extensions.code``, lose their suggestions, and get logged.

The codes themselves, and which failure has which, are ``resolvers.errors``'s. Logging follows
one rule: an expected error (the client's to fix, coded) is not the server's problem and is not
logged as an error; an unexpected one (a bug) is logged once, with its message, its path and its
traceback, never with graphql-core's rendering of the document around each of its locations (a
merged field can have hundreds, each reprinting a line that can be the whole document).
"""

import logging
import re
from collections.abc import Iterable, Iterator, Sequence

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.errors import RunwayError

logger = logging.getLogger(__name__)

MAX_LOGGED_MESSAGE = 500
"""Characters of an unexpected error's message that reach the log (it may quote the input)."""
MAX_LOGGED_PER_REQUEST = 5
"""Unexpected errors logged in full per request; the rest are counted in one line."""

_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


class ErrorCodes(SchemaExtension):
    """Give every error its ``code``: a ``RunwayError``'s own, else ``BAD_USER_INPUT`` for a
    request refused before any resolver ran; without ``suggestions``, drop graphql-core's
    "Did you mean 'business'?" hints, which spell out the schema to whoever asks.

    Resolvers and fields raise ``resolvers.errors`` exceptions; graphql-core keeps each as the
    ``original_error`` of the error it reports, and this maps its class to the code, once.

    Syntax errors, validation errors (the depth, alias and token limits among them) and variable
    values that don't fit their types are all the client's to fix, and every error is promised a
    code. Uncoded, a variable error was also masked outside dev as "Unexpected error." (graphql-core
    keeps the scalar's exception as its ``original_error``, see ``is_unexpected``). Errors of the
    execution step without a ``path`` are the variables' (coerced before anything runs); errors
    of resolvers have a path and carry their exception's code, or none (a bug: masked).
    """

    def __init__(self, *, suggestions: bool = True) -> None:
        super().__init__()
        self.suggestions = suggestions

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:  # raised in a hook (ParserCache parses in its own)
            self._code_as_bad_input([error])
            raise

    def on_parse(self) -> Iterator[None]:
        yield
        self._code_as_bad_input(self.execution_context.pre_execution_errors or ())

    def on_validate(self) -> Iterator[None]:
        yield
        self._code_as_bad_input(self.execution_context.pre_execution_errors or ())

    def on_execute(self) -> Iterator[None]:
        yield
        errors = getattr(self.execution_context.result, "errors", None) or ()
        for error in errors:
            if isinstance(error.original_error, RunwayError):
                error.extensions = {**(error.extensions or {}), "code": error.original_error.code}
        self._code_as_bad_input(error for error in errors if error.path is None)
        if not self.suggestions:
            for error in errors:
                _drop_suggestion(error)

    def _code_as_bad_input(self, errors: Iterable[GraphQLError]) -> None:
        for error in errors:
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}
            if not self.suggestions:
                _drop_suggestion(error)


def _drop_suggestion(error: GraphQLError) -> None:
    # graphql-core always puts its suggestions last: "Cannot query field 'busines' on type
    # 'Query'. Did you mean 'business'?"
    if "Did you mean" in error.message:
        error.message = _SUGGESTION.sub("", error.message)


def is_unexpected(error: GraphQLError) -> bool:
    """Errors we raise on purpose carry a ``code``; anything else is a bug and is masked."""
    return not (error.extensions or {}).get("code") and error.original_error is not None


def is_expected(error: GraphQLError) -> bool:
    """Whether ``error`` is the client's to fix (checked before ``ErrorCodes`` has coded it:
    strawberry logs errors first): graphql-core's own (syntax, validation), our limits', a
    ``RunwayError``, or a variable value that doesn't fit its type (graphql-core keeps the
    scalar's exception, so those are told by their message). An exception escaping a resolver
    or an extension is a bug."""
    original = error.original_error
    return (
        original is None
        or isinstance(original, (RunwayError, GraphQLError))
        or (error.path is None and error.message.startswith("Variable '$"))
    )


def log_unexpected(errors: Sequence[GraphQLError]) -> None:
    """Log each unexpected error once (message, path, traceback), a bounded number per request;
    expected ones go to DEBUG as one short line each."""
    unexpected = [error for error in errors if not is_expected(error)]
    if logger.isEnabledFor(logging.DEBUG):
        for error in errors:
            if is_expected(error):
                logger.debug("client error: %.200s", error.message)
    for error in unexpected[:MAX_LOGGED_PER_REQUEST]:
        path = ".".join(str(part) for part in error.path or ())
        logger.error(
            "Unexpected error at %s: %.*s",
            path or "(no path)",
            MAX_LOGGED_MESSAGE,
            error.message,
            exc_info=error.original_error,
        )
    if len(unexpected) > MAX_LOGGED_PER_REQUEST:
        logger.error(
            "…and %d more unexpected errors in the same request",
            len(unexpected) - MAX_LOGGED_PER_REQUEST,
        )
