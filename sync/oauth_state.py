"""The signed OAuth ``state``: who may finish a connection, and only once.

``runway qbo connect`` puts a state in the authorize URL; Intuit hands it back on ``/qbo/callback``.
It holds a random nonce and its issue time, HMAC-signed with a key derived from the application's
secret key (with a purpose label, so the token cipher's key differs), and lives
``STATE_MAX_AGE``. The callback spends it (``spend_state``) before exchanging the code: the nonce
is recorded in the database by one statement, so a replayed redirect (a reload, a copied link,
another process) is refused instead of posting the code to Intuit again.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.connections import queries as connection_queries

STATE_MAX_AGE = timedelta(minutes=15)
"""How long a signed ``state`` stays valid: the time a user may take on Intuit's consent screen."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


MAX_STATE_LENGTH = 200
"""Characters of a ``state``: ours are about 70 (a nonce, a timestamp and a MAC)."""


class InvalidState(ValueError):
    """A ``state`` that cannot finish a connection; the message tells the user what to do."""


def _state_mac(secret_key: str, payload: str) -> str:
    key = hashlib.sha256(b"runway oauth state\0" + secret_key.encode()).digest()
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign_state(secret_key: str, *, now: datetime | None = None) -> str:
    """A ``state`` for the authorize URL: a nonce and issue time, HMAC-signed."""
    issued = int((now or _utc_now()).timestamp())
    payload = f"{secrets.token_urlsafe(16)}.{issued}"
    return f"{payload}.{_state_mac(secret_key, payload)}"


@dataclass(frozen=True)
class SignedState:
    """What a verified ``state`` carries."""

    nonce: str
    issued_at: datetime


def read_state(secret_key: str, state: str, *, now: datetime | None = None) -> SignedState:
    """The nonce and issue time of ``state``, if we signed it and it is younger than
    ``STATE_MAX_AGE``.

    ``state`` comes from the query string of a redirect anyone can craft, so it is refused early
    by its length and characters (``hmac.compare_digest`` refuses non-ASCII text with a
    ``TypeError``, so the MACs are compared as bytes), and a timestamp that fits no date is
    refused like any other bad state.

    Raises:
        InvalidState: forged, malformed, expired or from the future.
    """
    invalid = InvalidState("This connection link is invalid or expired: start again.")
    if len(state) > MAX_STATE_LENGTH or not state.isascii():
        raise invalid
    payload, _, mac = state.rpartition(".")
    if not payload or not hmac.compare_digest(
        mac.encode(), _state_mac(secret_key, payload).encode()
    ):
        raise invalid
    nonce, _, issued_text = payload.rpartition(".")
    try:
        issued = datetime.fromtimestamp(int(issued_text), UTC)
    except (ValueError, OverflowError, OSError):
        raise invalid from None
    age = (now or _utc_now()) - issued
    if not nonce or not timedelta(0) <= age <= STATE_MAX_AGE:
        raise invalid
    return SignedState(nonce=nonce, issued_at=issued)


def verify_state(secret_key: str, state: str, *, now: datetime | None = None) -> bool:
    """Whether ``state`` was signed with ``secret_key`` and is younger than ``STATE_MAX_AGE``."""
    try:
        read_state(secret_key, state, now=now)
    except InvalidState:
        return False
    return True


async def spend_state(
    sessions: async_sessionmaker[AsyncSession],
    secret_key: str,
    state: str,
    *,
    now: datetime | None = None,
) -> SignedState:
    """Verify ``state`` and mark it used, before its code is exchanged: a replay is refused.

    Raises:
        InvalidState: as ``read_state``, or the state was already used (by any process).
    """
    moment = now or _utc_now()
    signed = read_state(secret_key, state, now=moment)
    async with sessions.begin() as session:
        fresh = await connection_queries.claim_oauth_state(
            session,
            nonce=signed.nonce,
            issued_at=signed.issued_at,
            now=moment,
            forget_issued_before=moment - STATE_MAX_AGE - timedelta(minutes=1),
        )
    if not fresh:
        raise InvalidState(
            "This connection link was already used: start again to connect another company."
        )
    return signed
