"""The errors a request can meet on purpose, each with the stable ``code`` clients switch on.

::

    RunwayError                     (code: what the client reads in ``extensions.code``)
    ├── InvalidRequest              BAD_USER_INPUT: the request itself must change
    │   ├── InvalidPageRequest      a foreign cursor, a page size out of range
    │   └── InvalidDigestRequest    an empty business list, a week not started yet…
    │       └── DeliveryUnavailable e-mail asked of a server without SMTP settings
    ├── NotFound                    NOT_FOUND: unknown, or another tenant's (never told apart)
    │   └── UnknownBusinesses       a digest request naming businesses that aren't the caller's
    ├── Unavailable                 UNAVAILABLE: this server can't do it now (not configured)
    ├── Unauthenticated             UNAUTHENTICATED: no valid token
    └── Forbidden                   FORBIDDEN: the token's role is too weak

Resolvers and the schema raise these; ``schema.errors.ErrorCodes`` maps them to ``extensions.code``
in one place. Anything else reaching a client is a bug, masked outside dev.
"""

from collections.abc import Sequence
from typing import ClassVar


class RunwayError(Exception):
    """An expected failure whose message is safe and useful to show the client."""

    code: ClassVar[str]


class InvalidRequest(RunwayError):
    """The request must change: a bad argument, a bad cursor, a past date."""

    code = "BAD_USER_INPUT"


class InvalidPageRequest(InvalidRequest):
    """A page request the client must fix: a foreign cursor or a page size out of range."""


class InvalidDigestRequest(InvalidRequest):
    """A digest request the client must change: an empty list, too many businesses, a future
    week, or delivery asked of a server without e-mail."""


class DeliveryUnavailable(InvalidDigestRequest):
    """``deliver`` was asked of a process without SMTP settings: ask without it, or configure
    e-mail."""


class NotFound(RunwayError):
    """Unknown, or another tenant's: the two answer identically on purpose."""

    code = "NOT_FOUND"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found.")


class UnknownBusinesses(NotFound):
    """Some requested businesses don't exist or aren't the caller's (which, is not said)."""

    def __init__(self, missing: Sequence[int]) -> None:
        super().__init__("Business")
        self.missing = tuple(missing)
        """For operators only (the CLI names them); never shown to an API client."""


class Unavailable(RunwayError):
    """The server can't do this now (not configured, or a dependency is down)."""

    code = "UNAVAILABLE"


class Unauthenticated(RunwayError):
    """No token, or one that is unknown, revoked or malformed."""

    code = "UNAUTHENTICATED"


class Forbidden(RunwayError):
    """The token is valid but its role may not do this."""

    code = "FORBIDDEN"
