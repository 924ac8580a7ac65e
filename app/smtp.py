"""Where digest e-mail goes: ``RUNWAY_SMTP_URL`` parsed into a target, and one send over SMTP.

URL forms (user and password percent-encoded; both optional):

- ``smtp://user:pass@host:25``: plain SMTP, no TLS at all (a local relay, a test server).
- ``smtp+starttls://user:pass@host:587``: connect in plain text, then STARTTLS, which is required
  (a server that does not offer it is an error, never a silent downgrade).
- ``smtps://user:pass@host:465``: implicit TLS from the first byte.

Query parameters: ``from`` (the From address, e.g. ``?from=Runway%20%3Cdigest%40example.com%3E``;
default ``DEFAULT_SENDER``) and ``timeout`` (seconds per SMTP operation, default 30). Anything
else is refused, so a misspelt option is not silently ignored. Certificates are always verified.
"""

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from enum import StrEnum
from urllib.parse import parse_qsl, unquote, urlsplit

import aiosmtplib

DEFAULT_SENDER = "Runway <digest@localhost>"
"""The From address when the URL has no ``?from=``; set one that your SMTP server accepts."""
DEFAULT_TIMEOUT = 30.0


class SmtpSecurity(StrEnum):
    """How the connection is protected."""

    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


_SCHEMES = {
    "smtp": (SmtpSecurity.NONE, 25),
    "smtp+starttls": (SmtpSecurity.STARTTLS, 587),
    "smtps": (SmtpSecurity.TLS, 465),
}


class SmtpUrlError(ValueError):
    """``RUNWAY_SMTP_URL`` cannot be used; the message never contains the password."""


class PermanentSmtpError(Exception):
    """The server refused for good (a 5xx reply): retrying the same message cannot help."""


@dataclass(frozen=True)
class SmtpTarget:
    """An SMTP server and how to log in to it."""

    host: str
    port: int
    security: SmtpSecurity
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = DEFAULT_SENDER
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def parse(cls, url: str) -> "SmtpTarget":
        """The target of an ``smtp://``, ``smtp+starttls://`` or ``smtps://`` URL."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _SCHEMES:
            raise SmtpUrlError(
                f"scheme must be smtp://, smtp+starttls:// or smtps:// (got {scheme or 'none'}://)"
            )
        security, default_port = _SCHEMES[scheme]
        if not parts.hostname:
            raise SmtpUrlError("the URL has no host")
        try:
            port = parts.port or default_port
        except ValueError as error:  # a port that is not a number, or out of range
            raise SmtpUrlError("the port must be a number from 1 to 65535") from error
        if parts.path not in ("", "/"):
            raise SmtpUrlError("the URL must not have a path")
        options = dict(parse_qsl(parts.query, keep_blank_values=True))
        unknown = sorted(set(options) - {"from", "timeout"})
        if unknown:
            raise SmtpUrlError(f"unknown query parameter(s): {', '.join(unknown)}")
        sender = options.get("from", DEFAULT_SENDER)
        if "@" not in parseaddr(sender)[1]:
            raise SmtpUrlError(f"'from' must be an e-mail address (got {sender!r})")
        try:
            timeout = float(options.get("timeout", DEFAULT_TIMEOUT))
        except ValueError as error:
            raise SmtpUrlError("'timeout' must be a number of seconds") from error
        if not 0 < timeout <= 600:
            raise SmtpUrlError("'timeout' must be between 0 and 600 seconds")
        return cls(
            host=parts.hostname,
            port=port,
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            sender=sender,
            timeout=timeout,
        )

    @property
    def sender_domain(self) -> str:
        """The domain of the From address (Message-IDs are made under it)."""
        return parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"

    def describe(self) -> str:
        """ "smtps://host:465" for logs: no user, no password."""
        scheme = {v[0]: k for k, v in _SCHEMES.items()}[self.security]
        return f"{scheme}://{self.host}:{self.port}"


async def send_message(
    target: SmtpTarget, message: EmailMessage, recipients: list[str]
) -> dict[str, str]:
    """Send ``message`` to ``recipients`` over one connection.

    Returns:
        The recipients the server refused (address -> reply) while accepting the others.

    Raises:
        PermanentSmtpError: a 5xx reply (bad login, every recipient refused, message refused).
        aiosmtplib.SMTPException, OSError: anything else, worth a retry (4xx, network, timeout).
    """
    try:
        refused, _ = await aiosmtplib.send(
            message,
            recipients=recipients,
            hostname=target.host,
            port=target.port,
            username=target.username,
            password=target.password,
            use_tls=target.security is SmtpSecurity.TLS,
            start_tls=target.security is SmtpSecurity.STARTTLS,
            timeout=target.timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as error:
        replies = "; ".join(f"{e.recipient}: {e.code} {e.message}" for e in error.recipients)
        if all(e.code >= 500 for e in error.recipients):
            raise PermanentSmtpError(f"every recipient was refused ({replies})") from error
        raise
    except aiosmtplib.SMTPResponseException as error:
        if error.code >= 500:
            raise PermanentSmtpError(f"{error.code} {error.message}") from error
        raise
    except ValueError as error:  # aiosmtplib refuses an address it cannot send safely
        raise PermanentSmtpError(f"invalid address: {error}") from error
    return {address: f"{reply.code} {reply.message}" for address, reply in refused.items()}
