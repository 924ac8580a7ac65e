"""Checks of free-text arguments before they reach a database."""

from resolvers.errors import InvalidRequest


def check_storable(name: str, value: str) -> None:
    """Refuse text no database stores as sent: NUL (PostgreSQL rejects it, SQLite cuts strings
    at it) and unpaired surrogates (not UTF-8), rather than fail inside a query."""
    try:
        value.encode()
    except UnicodeEncodeError:
        raise InvalidRequest(
            f"'{name}' contains an unpaired surrogate (not valid Unicode)."
        ) from None
    if "\x00" in value:
        raise InvalidRequest(f"'{name}' contains a NUL character.")
