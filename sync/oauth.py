"""QBO OAuth 2: token requests, encryption at rest, and an ``httpx.Auth`` that refreshes safely.

Intuit's refresh tokens rotate: each refresh returns a new one and the old one dies about a day
later (docs/design.md#sync). Two refreshers racing with the same token would both get new pairs, and
the loser's stored token would be the one that dies, so every refresh of a realm is serialised: an
``asyncio.Lock`` per realm inside the process, and inside the database transaction a row lock
(``SELECT … FOR UPDATE`` on PostgreSQL, SQLite's write lock) under which the stored refresh token
is re-read. If another process rotated it meanwhile, its access token is adopted instead of
refreshing again. The rotated pair is committed before the new access token is used, so a crash
never leaves the only valid refresh token in memory. ``invalid_grant`` means the user must
reconnect: the business is marked ``needs_reconnect`` with the error, and ``QboAuthError`` raised.

Tokens are Fernet-encrypted with a key derived from the application's secret key, never logged (only
their absence or the OAuth error code is), and ``TokenSet`` keeps them out of its ``repr``.
"""

import base64
import hashlib
import logging
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domains.core.models import Business
from sync.client import RetryPolicy
from sync.errors import QboAuthError, QboConnectionError, QboResponseError
from sync.locks import named_lock
from sync.settings import QboSettings, SecretKey

logger = logging.getLogger(__name__)

SCOPE = "com.intuit.quickbooks.accounting"
REFRESH_MARGIN = timedelta(seconds=60)
"""Refresh a little before expiry, so a token doesn't die between the check and the request."""

Now = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class TokenCipher:
    """Fernet encryption of tokens at rest, keyed from the application's secret key."""

    def __init__(self, secret_key: SecretKey) -> None:
        if isinstance(secret_key, SecretStr):
            secret_key = secret_key.get_secret_value()
        # Fernet wants 32 url-safe base64 bytes; a SHA-256 of the secret (with a purpose label,
        # so the same secret signs OAuth states with a different key) gives exactly that.
        digest = hashlib.sha256(b"runway qbo tokens\0" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            raise QboAuthError(
                "stored QBO token cannot be decrypted (was RUNWAY_SECRET_KEY changed?)",
                needs_reconnect=True,
            ) from None


@dataclass(frozen=True)
class TokenSet:
    """A pair issued by Intuit's token endpoint; never printed (``repr`` hides the tokens)."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: datetime


# -- the token endpoint --------------------------------------------------------------------------


async def request_tokens(
    http: httpx.AsyncClient,
    settings: QboSettings,
    form: dict[str, str],
    *,
    retry: RetryPolicy | None = None,
    now: Now = _utc_now,
) -> TokenSet:
    """POST a grant to Intuit's token endpoint (retrying only transient failures)."""
    retrying = (retry or RetryPolicy()).retrying(describe=f"OAuth {form['grant_type']}")
    tokens: TokenSet = await retrying(_post_grant, http, settings, form, now)
    return tokens


async def _post_grant(
    http: httpx.AsyncClient, settings: QboSettings, form: dict[str, str], now: Now
) -> TokenSet:
    grant = form["grant_type"]
    try:
        response = await http.post(
            settings.token_url,
            data=form,
            auth=(settings.client_id, settings.client_secret.get_secret_value()),
            headers={"Accept": "application/json"},
            timeout=settings.timeout_seconds,
        )
    except httpx.TransportError as error:
        raise QboConnectionError(f"OAuth {grant}: {type(error).__name__}: {error}") from error
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    if response.status_code >= 500:
        raise QboResponseError(
            f"OAuth {grant} failed with HTTP {response.status_code}",
            status=response.status_code,
            retryable=True,
        )
    code = body.get("error")
    if response.status_code != 200 or code:
        # Only the error code is reported: an OAuth error body never needs more to be understood.
        if code == "invalid_grant":
            raise QboAuthError(
                f"OAuth {grant}: invalid_grant (the QBO connection must be re-authorised)",
                needs_reconnect=True,
            )
        raise QboAuthError(f"OAuth {grant} refused with HTTP {response.status_code}: {code}")
    try:
        return TokenSet(
            access_token=str(body["access_token"]),
            refresh_token=str(body["refresh_token"]),
            access_expires_at=now() + timedelta(seconds=int(body.get("expires_in", 3600))),
        )
    except (KeyError, ValueError):
        raise QboResponseError(f"OAuth {grant}: answer without tokens", retryable=True) from None


async def exchange_code(
    http: httpx.AsyncClient, settings: QboSettings, *, code: str, retry: RetryPolicy | None = None
) -> TokenSet:
    """Trade the authorization code of the OAuth redirect for the first token pair."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": settings.redirect_uri}
    return await request_tokens(http, settings, form, retry=retry)


def store_tokens(business: Business, tokens: TokenSet, cipher: TokenCipher) -> None:
    """Put an encrypted pair on ``business``; the caller commits."""
    business.access_token_encrypted = cipher.encrypt(tokens.access_token)
    business.refresh_token_encrypted = cipher.encrypt(tokens.refresh_token)
    business.access_token_expires_at = tokens.access_expires_at


# -- the authorize URL ----------------------------------------------------------------------------


def authorize_url(settings: QboSettings, *, state: str) -> str:
    """Where to send a user to connect a QBO company to Runway."""
    query = {
        "client_id": settings.client_id,
        "scope": SCOPE,
        "redirect_uri": settings.redirect_uri,
        "response_type": "code",
        "state": state,
    }
    return f"{settings.auth_url}?{urlencode(query)}"


# -- the per-realm token holder and its httpx.Auth ----------------------------------------------


class RealmTokens:
    """The current access token of one business, refreshed under the per-realm guards."""

    def __init__(
        self,
        *,
        business_id: int,
        realm_id: str,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        settings: QboSettings,
        secret_key: SecretKey,
        retry: RetryPolicy | None = None,
        now: Now = _utc_now,
    ) -> None:
        """Args:
        settings: the token endpoint and the app's credentials.
        secret_key: the key the stored tokens are encrypted with (``RUNWAY_SECRET_KEY``).
        """
        self.business_id = business_id
        self.realm_id = realm_id
        self._sessions = sessions
        self._http = http
        self._settings = settings
        self._cipher = TokenCipher(secret_key)
        self._retry = retry
        self._now = now
        self._access: str | None = None
        self._expires_at: datetime | None = None
        self._known_refresh: str | None = None  # ciphertext as last read: detects rotation

    def _fresh(self, expires_at: datetime | None) -> bool:
        return expires_at is not None and expires_at - REFRESH_MARGIN > self._now()

    def _adopt(self, business: Business) -> str:
        if business.access_token_encrypted is None:
            raise QboAuthError(f"realm {self.realm_id}: no access token stored")
        self._access = self._cipher.decrypt(business.access_token_encrypted)
        self._expires_at = business.access_token_expires_at
        self._known_refresh = business.refresh_token_encrypted
        return self._access

    async def access_token(self) -> str:
        """A token believed valid: the cached one, the stored one, or a fresh one."""
        if self._access is None:
            async with self._sessions() as session:
                business = await session.get(Business, self.business_id)
            if business is None or business.refresh_token_encrypted is None:
                raise QboAuthError(
                    f"realm {self.realm_id}: not connected to QBO (no tokens stored)",
                    needs_reconnect=True,
                )
            if business.access_token_encrypted is not None:
                self._adopt(business)
            else:
                self._known_refresh = business.refresh_token_encrypted
        if self._access is not None and self._fresh(self._expires_at):
            return self._access
        return await self.refresh(rejected=self._access)

    async def refresh(self, *, rejected: str | None) -> str:
        """A new access token, after ``rejected`` expired or was refused with a 401."""
        async with named_lock("qbo-refresh", self.realm_id):
            current = self._access
            if current is not None and current != rejected and self._fresh(self._expires_at):
                return current  # a coroutine of ours refreshed while we waited for the lock
            try:
                return await self._refresh_in_transaction(rejected)
            except QboAuthError as error:
                if error.needs_reconnect:
                    await self._mark_needs_reconnect(error)
                raise

    async def _refresh_in_transaction(self, rejected: str | None) -> str:
        async with self._sessions() as session, session.begin():
            business = await _lock_business(session, self.business_id)
            stored_refresh = business.refresh_token_encrypted
            if stored_refresh is None:
                raise QboAuthError(
                    f"realm {self.realm_id}: not connected to QBO (no tokens stored)",
                    needs_reconnect=True,
                )
            if (
                stored_refresh != self._known_refresh
                and business.access_token_encrypted is not None
                and self._fresh(business.access_token_expires_at)
                and self._cipher.decrypt(business.access_token_encrypted) != rejected
            ):
                logger.info("realm %s: tokens were rotated elsewhere; using them", self.realm_id)
                return self._adopt(business)
            form = {
                "grant_type": "refresh_token",
                "refresh_token": self._cipher.decrypt(stored_refresh),
            }
            tokens = await request_tokens(
                self._http, self._settings, form, retry=self._retry, now=self._now
            )
            store_tokens(business, tokens, self._cipher)
        # Committed: the rotated refresh token is safe on disk before the access token is used.
        logger.info("realm %s: access token refreshed", self.realm_id)
        return self._adopt(business)

    async def _mark_needs_reconnect(self, error: QboAuthError) -> None:
        async with self._sessions() as session, session.begin():
            business = await session.get(Business, self.business_id)
            if business is not None:
                business.connection_status = "needs_reconnect"
                business.last_sync_error = str(error)
                business.last_sync_error_at = self._now()
        logger.warning("realm %s: %s", self.realm_id, error)


async def _lock_business(session: AsyncSession, business_id: int) -> Business:
    """Read the business row under a write lock held until the transaction ends."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks; a no-op write takes the database write lock right away, so
        # refreshers in other processes queue here instead of reading a token about to rotate.
        await session.execute(
            update(Business)
            .where(col(Business.id) == business_id)
            .values(refresh_token_encrypted=Business.refresh_token_encrypted)
        )
    statement = select(Business).where(col(Business.id) == business_id).with_for_update()
    business = (await session.scalars(statement)).one_or_none()
    if business is None:
        raise QboAuthError(f"business {business_id} no longer exists")
    return business


class BearerToken(httpx.Auth):
    """A fixed access token, for the first calls right after the code exchange."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


class QboAuth(httpx.Auth):
    """Bearer authentication that refreshes once on a 401 (or near expiry) and resends."""

    def __init__(self, tokens: RealmTokens) -> None:
        self.tokens = tokens

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError("QboAuth refreshes through the database: use an httpx.AsyncClient")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.tokens.access_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            token = await self.tokens.refresh(rejected=token)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request
