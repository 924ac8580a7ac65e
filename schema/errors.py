"""The errors clients can act on, each with a stable ``code`` extension (mapped here only)."""

from graphql import GraphQLError


def bad_input(message: str) -> GraphQLError:
    """The request itself must change (a bad cursor, a page size out of range, a past date)."""
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def check_storable(name: str, value: str) -> None:
    """Refuse text no database stores as sent: NUL (PostgreSQL rejects it, SQLite cuts strings
    at it) and unpaired surrogates (not UTF-8), rather than fail inside a query."""
    try:
        value.encode()
    except UnicodeEncodeError:
        raise bad_input(f"'{name}' contains an unpaired surrogate (not valid Unicode).") from None
    if "\x00" in value:
        raise bad_input(f"'{name}' contains a NUL character.")


def not_found(what: str) -> GraphQLError:
    """Unknown, or another tenant's: the two answer identically on purpose."""
    return GraphQLError(f"{what} not found.", extensions={"code": "NOT_FOUND"})


def unavailable(message: str) -> GraphQLError:
    """The server can't do this now (not configured, or a dependency is down)."""
    return GraphQLError(message, extensions={"code": "UNAVAILABLE"})
