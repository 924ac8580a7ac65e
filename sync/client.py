"""The QBO Accounting API client: throttled, retried, and parsed at the boundary into typed shapes.

It wraps a shared ``httpx.AsyncClient`` (STYLE.md "sync/ shaped like httpx"): authentication is an
``httpx.Auth`` passed in (``sync.oauth.QboAuth``), so this module knows nothing about tokens and can
never log one. Every HTTP attempt waits for the realm's ``Throttle``, carries ``minorversion``, and
has a total deadline. Transient failures (429, 5xx, timeouts, dropped connections, a 200 whose JSON
doesn't parse) are retried with exponential backoff and full jitter, a bounded number of times;
everything else is raised at once as a ``QboError``.
"""

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_random_exponential

from sync.errors import QboAuthError, QboConnectionError, QboResponseError, QboThrottled
from sync.mapping import parse_qbo_json
from sync.settings import QboSettings
from sync.throttle import Throttle

logger = logging.getLogger(__name__)

THROTTLE_FAULT_CODE = "3001"
"""QBO's fault code for "too many requests", sometimes inside a 200 or 400, usually a 429."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to retry transient failures; tests shrink the waits to milliseconds.

    Attributes:
        attempts: tries per request, the first included.
        backoff_base: seconds; the n-th wait is uniform in [0, min(max, base * 2**n)].
        backoff_max: the longest backoff wait, in seconds.
        max_retry_after: cap on a server's ``Retry-After``, so a bogus value can't stall a sync.
        sleep: how to wait (``asyncio.sleep``; tests may record instead).
    """

    attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 120.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    def retrying(self, *, describe: str) -> AsyncRetrying:
        """A tenacity controller for one logical request (``describe`` names it in logs)."""
        backoff = wait_random_exponential(multiplier=self.backoff_base, max=self.backoff_max)

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            asked = getattr(error, "retry_after", None)  # throttles, and 503s that say when
            if isinstance(error, QboThrottled | QboResponseError) and asked is not None:
                return min(float(asked), self.max_retry_after)
            return float(backoff(state))

        def log_retry(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            logger.warning(
                "%s failed (attempt %d of %d), retrying: %s",
                describe,
                state.attempt_number,
                self.attempts,
                error,
            )

        return AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait,
            retry=retry_if_exception(is_transient),
            sleep=self.sleep,
            before_sleep=log_retry,
            reraise=True,
        )


def is_transient(error: BaseException) -> bool:
    """Worth another try: throttles, server errors, broken transport, unreadable bodies."""
    if isinstance(error, QboThrottled | QboConnectionError):
        return True
    return isinstance(error, QboResponseError) and error.retryable


@dataclass(frozen=True)
class QueryPage:
    """One page of a Query: the objects of one entity, in the order QBO sent them."""

    entity: str
    objects: list[dict[str, Any]]
    server_time: datetime | None


@dataclass(frozen=True)
class CdcChanges:
    """One CDC answer: changed (and "Deleted") objects per entity since ``changedSince``."""

    objects: dict[str, list[dict[str, Any]]]
    server_time: datetime | None

    @property
    def total(self) -> int:
        return sum(len(objects) for objects in self.objects.values())


@dataclass(frozen=True)
class CompanyInfo:
    """The realm's CompanyInfo object and the server's clock when it answered."""

    info: dict[str, Any]
    server_time: datetime | None


class QboClient:
    """The API of one realm, over a shared ``httpx.AsyncClient``.

    ``calls`` counts HTTP requests sent to the API (retries and auth resends included), which is
    what Intuit meters and what ``Business.api_calls`` shows.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        realm_id: str,
        settings: QboSettings,
        throttle: Throttle,
        auth: httpx.Auth | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._http = http
        self.realm_id = realm_id
        self._settings = settings
        self._throttle = throttle
        self._auth = auth
        self._retry = retry or RetryPolicy()
        self._base = f"{settings.api_base_url.rstrip('/')}/v3/company/{realm_id}"
        self.calls = 0

    async def company_info(self) -> CompanyInfo:
        body = await self.get(f"companyinfo/{self.realm_id}", {}, describe="CompanyInfo")
        info = body.get("CompanyInfo")
        if not isinstance(info, dict):
            raise QboResponseError(
                f"realm {self.realm_id}: CompanyInfo answer without a CompanyInfo object"
            )
        return CompanyInfo(info, server_time(body))

    async def home_currency(self) -> str | None:
        """The company's home currency code, from Preferences (CompanyInfo doesn't carry it)."""
        body = await self.get("preferences", {}, describe="Preferences")
        prefs = body.get("Preferences")
        currency = (prefs or {}).get("CurrencyPrefs", {}).get("HomeCurrency", {})
        value = currency.get("value") if isinstance(currency, dict) else None
        return value if isinstance(value, str) and len(value) == 3 else None

    async def query(self, entity: str, statement: str) -> QueryPage:
        """Run one Query statement (one page) selecting ``entity``."""
        body = await self.get("query", {"query": statement}, describe=f"{entity} query")
        response = body.get("QueryResponse")
        if not isinstance(response, dict):
            raise QboResponseError(
                f"realm {self.realm_id}: {entity} query answer without a QueryResponse",
                entity=entity,
            )
        return QueryPage(entity, list(response.get(entity) or []), server_time(body))

    async def cdc(self, entities: Sequence[str], changed_since: datetime) -> CdcChanges:
        """Changes to ``entities`` since ``changed_since`` (QBO looks back at most 30 days)."""
        params = {
            "entities": ",".join(entities),
            "changedSince": changed_since.astimezone(UTC).isoformat(timespec="seconds"),
        }
        body = await self.get("cdc", params, describe=f"CDC of {','.join(entities)}")
        changes: dict[str, list[dict[str, Any]]] = {entity: [] for entity in entities}
        for block in body.get("CDCResponse") or []:
            for response in block.get("QueryResponse") or []:
                for entity in entities:
                    changes[entity].extend(response.get(entity) or [])
        return CdcChanges(changes, server_time(body))

    async def get(self, path: str, params: Mapping[str, str], *, describe: str) -> dict[str, Any]:
        """GET ``path`` under the realm with retries; the parsed JSON body."""
        retrying = self._retry.retrying(describe=f"realm {self.realm_id}: {describe}")
        body: dict[str, Any] = await retrying(self._attempt, path, params)
        return body

    async def _attempt(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        url = f"{self._base}/{path}"
        query = {**params, "minorversion": str(self._settings.minor_version)}
        timeout = self._settings.timeout_seconds
        async with self._throttle.slot(self.realm_id):
            self.calls += 1
            try:
                # httpx's timeout bounds each network step; this bounds the whole exchange (and
                # holds for transports that ignore httpx timeouts, such as ASGITransport).
                async with asyncio.timeout(timeout):
                    response = await self._http.get(
                        url,
                        params=query,
                        headers={"Accept": "application/json"},
                        auth=self._auth or httpx.USE_CLIENT_DEFAULT,
                        timeout=timeout,
                    )
            except (TimeoutError, httpx.TimeoutException) as error:
                raise QboConnectionError(
                    f"realm {self.realm_id}: {path} timed out after {timeout:g}s"
                ) from error
            except httpx.TransportError as error:
                raise QboConnectionError(
                    f"realm {self.realm_id}: {path} failed: {type(error).__name__}: {error}"
                ) from error
            if response.history:  # the auth flow resent after a 401
                self.calls += len(response.history)
                self._throttle.record(self.realm_id, len(response.history))
        return self._parse(path, response)

    def _parse(self, path: str, response: httpx.Response) -> dict[str, Any]:
        where = f"realm {self.realm_id}: {path}"
        status = response.status_code
        if status == 429:
            raise QboThrottled(f"{where} throttled (429)", retry_after=retry_after(response))
        if status == 401:
            raise QboAuthError(f"{where} refused the access token even after a refresh")
        try:
            body = parse_qbo_json(response.content)
        except ValueError:
            body = None
        fault = describe_fault(body, response.text)
        if fault is not None and fault[0] == THROTTLE_FAULT_CODE:
            raise QboThrottled(f"{where} throttled (fault 3001)", retry_after=retry_after(response))
        if status >= 500:
            raise QboResponseError(
                _message(where, status, fault),
                status=status,
                retryable=True,
                retry_after=retry_after(response),
            )
        if status >= 400 or fault is not None:
            raise QboResponseError(
                _message(where, status, fault), status=status, code=fault and fault[0]
            )
        if not isinstance(body, dict):
            # Truncated or garbled on the way: the same request will most likely read fine.
            raise QboResponseError(f"{where} answered 200 with unreadable JSON", retryable=True)
        return body


def _message(where: str, status: int, fault: tuple[str, str] | None) -> str:
    if fault is None:
        return f"{where} failed with HTTP {status}"
    return f"{where} failed with HTTP {status}, fault {fault[0]}: {fault[1]}"


_XML_CODE = re.compile(r"<Error[^>]*\bcode=\"(\w+)\"", re.IGNORECASE)
_XML_MESSAGE = re.compile(r"<Message>(.*?)</Message>", re.IGNORECASE | re.DOTALL)


def describe_fault(body: Any, text: str) -> tuple[str, str] | None:
    """(code, message) of a QBO fault in any of its shapes: ``Fault``, ``fault`` or XML."""
    if isinstance(body, dict):
        fault = body.get("Fault") or body.get("fault")
        if isinstance(fault, dict):
            errors = fault.get("Error") or fault.get("error") or [{}]
            first = errors[0] if isinstance(errors, list) and errors else {}
            code = str(first.get("code") or first.get("Code") or "")
            message = first.get("Message") or first.get("message") or fault.get("type") or ""
            detail = first.get("Detail") or first.get("detail")
            return code, f"{message} ({detail})" if detail else str(message)
        return None
    # Throttle answers come as XML even when JSON was asked for; a regex reads the two fields we
    # need without handing an untrusted document to an XML parser.
    code_match = _XML_CODE.search(text)
    if code_match is None:
        return None
    message_match = _XML_MESSAGE.search(text)
    return code_match.group(1), message_match.group(1).strip() if message_match else ""


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from ``Retry-After``, given as a number or an HTTP date."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def server_time(body: Mapping[str, Any]) -> datetime | None:
    """The ``time`` QBO stamps on every answer: its clock, used for the CDC cursor."""
    value = body.get("time")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
