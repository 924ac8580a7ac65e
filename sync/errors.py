"""Errors of the sync engine, so callers catch a family rather than a module's internals.

```
SyncError                     anything the sync engine raises on purpose
├── MappingError              QBO JSON we cannot turn into mirror rows
│   └── MalformedValue        one field of one object is unusable (the object is skipped)
└── QboError                  the QBO API (or its OAuth endpoint) failed us
    ├── QboAuthError          no usable token; ``needs_reconnect`` when the user must re-authorise
    │                         (``invalid_grant``, nothing stored)
    ├── QboThrottled          429 / fault 3001, with the server's ``retry_after`` (transient)
    ├── QboResponseError      an answer we can't use: 4xx/5xx, a Fault, unreadable JSON
    │                         (``retryable`` for 5xx and a 200 whose body doesn't parse)
    └── QboConnectionError    no answer at all: timeout, refused or dropped connection (transient)
```

A batch never fails because of one bad object: the mapper catches ``MalformedValue`` per object and
reports it as a ``MappingProblem``. ``MappingError`` escapes only where there is no batch to keep
going with, such as a CompanyInfo that has no name.
"""


class SyncError(Exception):
    """Base of every error the sync engine raises on purpose."""


class MappingError(SyncError):
    """QBO JSON that does not fit the mirror."""


class MalformedValue(MappingError):
    """One field of a QBO object is missing when required, or has a value we refuse to guess at."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class QboError(SyncError):
    """The QBO API or its OAuth endpoint failed; the message names the realm and what was asked."""


class QboAuthError(QboError):
    """No usable token: refresh refused, nothing stored, or a 401 even after refreshing.

    ``needs_reconnect`` says only a user re-authorising the app can fix it (``invalid_grant``), so
    retrying is pointless and the business is shown as needing a reconnect.
    """

    def __init__(self, message: str, *, needs_reconnect: bool = False) -> None:
        super().__init__(message)
        self.needs_reconnect = needs_reconnect


class QboThrottled(QboError):
    """QBO's throttle (HTTP 429 or fault 3001); ``retry_after`` is its ``Retry-After`` if sent."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QboResponseError(QboError):
    """An answer the sync can't use; ``retryable`` when the same request may well succeed.

    ``retry_after`` carries a 503's ``Retry-After``, honoured like a throttle's.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retryable: bool = False,
        entity: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.retryable = retryable
        self.entity = entity
        self.retry_after = retry_after


class QboConnectionError(QboError):
    """No answer: the request timed out or the connection failed or was dropped."""
