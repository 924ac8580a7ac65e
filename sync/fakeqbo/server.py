"""A Starlette app speaking enough of QBO's Accounting API v3 for the real sync client.

Requests to ``/v3/company/{realm}/…`` pass a gateway first, as at Intuit: it counts the request
for the realm, applies the configured latency and the next queued fault, and checks the bearer
token; only then does the router answer with data. An unknown realm gets the 403 QBO gives a
token that is not authorized for the company (with a valid token) or a 401 (without one).
"""

import asyncio
import base64
import binascii
import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from sync.fakeqbo import faults
from sync.fakeqbo.faults import Fault, auth_fault, qbo_fault
from sync.fakeqbo.query import (
    CDC_LOOKBACK,
    QueryError,
    entity_name,
    parse_query,
    run_cdc,
    run_query,
)
from sync.fakeqbo.state import (
    AuthenticationFailed,
    FakeQbo,
    FakeRealm,
    OAuthError,
    RealmStats,
    parse_timestamp,
    qbo_timestamp,
    response_time,
)

_API_PATH = re.compile(r"^/v3/company/(?P<realm>[^/]+)/(?P<endpoint>[^/]+)")


def _json_default(value: object) -> object:
    # QBO amounts are JSON numbers; the generator keeps exact Decimals. Amounts of up to 15
    # digits survive float's shortest repr digit for digit, so a Decimal-parsing client is exact.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} as QBO JSON")


class QboJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, default=_json_default, separators=(",", ":")).encode()


def _fault(fake: FakeQbo, status: int, code: str, message: str, detail: str) -> Response:
    return qbo_fault(
        status,
        code=code,
        message=message,
        detail=detail,
        kind="ValidationFault",
        time=response_time(fake.now()),
    )


def _ok(fake: FakeQbo, body: dict[str, Any]) -> Response:
    return QboJSONResponse({**body, "time": response_time(fake.now())})


def _routes(fake: FakeQbo) -> list[Route]:
    async def query(request: Request) -> Response:
        realm_id = request.path_params["realm_id"]
        text = request.query_params.get("query")
        if text is None and request.method == "POST":
            text = (await request.body()).decode()
        try:
            parsed = parse_query(text or "")
        except QueryError as error:
            return _fault(fake, 400, error.code, error.message, error.detail)
        return _ok(fake, {"QueryResponse": run_query(fake, realm_id, parsed)})

    async def cdc(request: Request) -> Response:
        realm_id = request.path_params["realm_id"]
        names = [n.strip() for n in request.query_params.get("entities", "").split(",")]
        since_text = request.query_params.get("changedSince", "")
        try:
            entities = list(dict.fromkeys(entity_name(n) for n in names if n))
            since = parse_timestamp(since_text)
        except QueryError as error:
            return _fault(fake, 400, error.code, error.message, error.detail)
        except ValueError:
            detail = f"Invalid changedSince: {since_text!r}"
            return _fault(fake, 400, "2010", "Request has invalid or unsupported property", detail)
        if not entities:
            detail = "entities is required"
            return _fault(fake, 400, "2010", "Request has invalid or unsupported property", detail)
        if since < fake.now() - CDC_LOOKBACK:
            detail = (
                f"Operation cdc with changedSince date {since_text} which is older than fixed "
                "days is not supported: changedSince is more than 30 days ago"
            )
            return _fault(fake, 400, "4001", "Invalid changedSince", detail)
        changes = run_cdc(fake, realm_id, entities, since)
        return _ok(fake, {"CDCResponse": [{"QueryResponse": changes}]})

    async def company_info(request: Request) -> Response:
        realm = fake.realm(request.path_params["realm_id"])
        if request.path_params["company_id"] != realm.realm_id:
            return _fault(fake, 400, "610", "Object Not Found", "Object Not Found : CompanyInfo")
        return _ok(fake, {"CompanyInfo": realm.company_info})

    async def preferences(request: Request) -> Response:
        realm = fake.realm(request.path_params["realm_id"])
        currency = {"HomeCurrency": {"value": realm.home_currency}, "MultiCurrencyEnabled": False}
        return _ok(fake, {"Preferences": {"Id": "1", "SyncToken": "0", "CurrencyPrefs": currency}})

    async def read(request: Request) -> Response:
        """``GET /v3/company/{realm}/bill/{id}``: one object by Id."""
        realm = fake.realm(request.path_params["realm_id"])
        try:
            entity = entity_name(request.path_params["entity"])
        except QueryError:
            entity = ""
        found = realm.get(entity, request.path_params["qbo_id"]) if entity else None
        if found is None:
            wanted = f"{request.path_params['entity']} {request.path_params['qbo_id']}"
            detail = f"Object Not Found : Something you're trying to use has been deleted: {wanted}"
            return _fault(fake, 400, "610", "Object Not Found", detail)
        return _ok(fake, {entity: found.obj})

    async def authorize(request: Request) -> Response:
        """Intuit's consent page, consenting at once: back to the app with a code for a realm.

        ``realmId`` (not an Intuit parameter) picks the company; the first one by default.
        """
        params = request.query_params
        redirect_uri = params.get("redirect_uri")
        if params.get("client_id") != fake.client_id or not redirect_uri:
            return JSONResponse({"error": "invalid_client"}, status_code=400)
        realm_id = params.get("realmId") or next(iter(fake.realms), "")
        if realm_id not in fake.realms:
            return JSONResponse({"error": "access_denied"}, status_code=400)
        code = fake.authorization_code(realm_id, redirect_uri=redirect_uri)
        answer = urlencode({"code": code, "state": params.get("state", ""), "realmId": realm_id})
        separator = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{separator}{answer}", status_code=302)

    async def tokens(request: Request) -> Response:
        return await _token_endpoint(fake, request)

    prefix = "/v3/company/{realm_id}"
    return [
        Route("/connect/oauth2", authorize, methods=["GET"]),
        Route("/oauth2/v1/tokens/bearer", tokens, methods=["POST"]),
        Route(f"{prefix}/query", query, methods=["GET", "POST"]),
        Route(f"{prefix}/cdc", cdc, methods=["GET"]),
        Route(f"{prefix}/companyinfo/{{company_id}}", company_info, methods=["GET"]),
        Route(f"{prefix}/preferences", preferences, methods=["GET"]),
        Route(f"{prefix}/{{entity}}/{{qbo_id}}", read, methods=["GET"]),
    ]


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, colon, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (client_id, secret) if colon else None


async def _token_endpoint(fake: FakeQbo, request: Request) -> Response:
    """Intuit's ``/oauth2/v1/tokens/bearer`` for the code and refresh grants."""
    credentials = _basic_credentials(request.headers.get("authorization"))
    if credentials is None or not fake.client_is_valid(*credentials):
        return JSONResponse({"error": "invalid_client"}, status_code=401)
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
    grant_type = form.get("grant_type", "")
    try:
        if grant_type == "authorization_code":
            if "code" not in form or "redirect_uri" not in form:
                return JSONResponse({"error": "invalid_request"}, status_code=400)
            grant = fake.exchange_code(form["code"], form["redirect_uri"])
        elif grant_type == "refresh_token":
            if "refresh_token" not in form:
                return JSONResponse({"error": "invalid_request"}, status_code=400)
            grant = fake.refresh(form["refresh_token"])
        else:
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
    except OAuthError as error:
        if error.realm_id in fake.stats:
            fake.stats[error.realm_id].token_requests[grant_type] += 1
        return JSONResponse({"error": error.error}, status_code=400)
    fake.stats[grant.realm_id].token_requests[grant_type] += 1
    body = {
        "token_type": "bearer",
        "access_token": grant.access_token,
        "refresh_token": grant.refresh_token,
        "expires_in": grant.expires_in,
        "x_refresh_token_expires_in": grant.refresh_expires_in,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _bearer(scope: Scope) -> str | None:
    scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class FakeQboApp(Starlette):
    """The router behind a gateway that meters, delays, faults and authenticates API calls."""

    def __init__(self, fake: FakeQbo, *, latency: float = 0.0) -> None:
        super().__init__(routes=_routes(fake))
        self.fake = fake
        self.latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = _API_PATH.match(scope["path"]) if scope["type"] == "http" else None
        if target is None:
            await super().__call__(scope, receive, send)
            return
        realm_id, endpoint = target["realm"], target["endpoint"].lower()
        if realm_id not in self.fake.realms:
            await self._authenticated(realm_id, scope, receive, send)
            return
        stats = self.fake.stats[realm_id]
        stats.started(endpoint, self.fake.monotonic())
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            fault = self.fake.realms[realm_id].faults.take(endpoint)
            if fault is None:
                await self._authenticated(realm_id, scope, receive, send)
            else:
                stats.faults_served += 1
                await self._serve_fault(fault, realm_id, scope, receive, send)
        finally:
            stats.finished()

    async def _authenticated(
        self, realm_id: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        try:
            token_realm = self.fake.access_token_realm(_bearer(scope))
        except AuthenticationFailed as failure:
            if realm_id in self.fake.stats:
                self.fake.stats[realm_id].unauthorized += 1
            response = auth_fault(401, detail=str(failure), time=response_time(self.fake.now()))
            await response(scope, receive, send)
            return
        if token_realm != realm_id:
            detail = f"The token is not authorized for company {realm_id}"
            response = auth_fault(403, detail=detail, time=response_time(self.fake.now()))
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def _serve_fault(
        self, fault: Fault, realm_id: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        now = response_time(self.fake.now())
        response: Response
        if fault.kind == "slow":
            await faults.wait_slow(fault)
            await self._authenticated(realm_id, scope, receive, send)
            return
        if fault.kind == "drop":
            await faults.drop_connection(scope, receive, send)
            return
        if fault.kind == "truncate":
            await faults.send_truncated(
                lambda s, r, w: self._authenticated(realm_id, s, r, w), scope, receive, send
            )
            return
        if fault.kind == "throttle":
            response = faults.throttle_response(fault)
        elif fault.kind == "server_error":
            response = faults.server_error_response(now)
        elif fault.kind == "service_unavailable":
            response = faults.service_unavailable_response(fault)
        else:  # expired_token: the presented token really expires, so a retry must refresh
            token = _bearer(scope)
            if token is not None:
                self.fake.expire_access_token(token)
            self.fake.stats[realm_id].unauthorized += 1
            response = auth_fault(401, detail="Token expired", time=now)
        await response(scope, receive, send)


def create_fake_qbo_app(fake: FakeQbo, *, latency: float = 0.0) -> Starlette:
    """The fake QBO as an ASGI app; ``latency`` seconds are added to every API request."""
    return FakeQboApp(fake, latency=latency)


__all__ = [
    "FakeQbo",
    "FakeQboApp",
    "FakeRealm",
    "Fault",
    "RealmStats",
    "create_fake_qbo_app",
    "qbo_timestamp",
]
