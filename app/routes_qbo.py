"""HTTP endpoints QBO calls: the webhook that triggers syncs, and the OAuth redirect back to us.

``POST /webhooks/qbo`` must answer within Intuit's 3-second limit, so it only verifies the
signature and parses the body before answering; the syncs of the named realms run afterwards as a
background task. A bad or missing signature is a 401 and nothing else happens. ``GET /qbo/callback``
finishes the connection a user started from ``runway qbo connect``: it checks the signed ``state``,
exchanges the code, stores the company with its encrypted tokens, and starts its first sync.
"""

import logging
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.settings import Settings
from domains.core.models import Business
from sync.connection import connect_realm
from sync.engine import sync_businesses
from sync.errors import SyncError
from sync.oauth import verify_state
from sync.webhooks import SIGNATURE_HEADER, InvalidNotification, changed_realms, verify_signature

logger = logging.getLogger(__name__)


def qbo_routes(settings: Settings) -> list[Route]:
    """The QBO routes, bound to ``settings`` (verifier token, secret key, QBO endpoints)."""

    async def webhook(request: Request) -> Response:
        body = await request.body()
        verifier = settings.qbo.webhook_verifier_token.get_secret_value()
        if not verify_signature(body, request.headers.get(SIGNATURE_HEADER), verifier):
            logger.warning("QBO webhook refused: bad or missing %s", SIGNATURE_HEADER)
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        try:
            realms = changed_realms(body)
        except InvalidNotification as error:
            logger.warning("QBO webhook refused: %s", error)
            return JSONResponse({"error": str(error)}, status_code=400)
        logger.info("QBO webhook for realms %s", ", ".join(sorted(realms)) or "(none)")
        task = BackgroundTask(_sync_realms, request, realms.keys())
        return JSONResponse({"status": "accepted", "realms": len(realms)}, background=task)

    async def _sync_realms(request: Request, realm_ids: Collection[str]) -> None:
        resources = request.app.state.resources
        try:
            business_ids = await _connected_businesses(resources.sessions, realm_ids)
            if business_ids:
                await sync_businesses(
                    business_ids,
                    sessions=resources.sessions,
                    http=resources.http,
                    settings=settings.qbo,
                    secret_key=settings.secret_key,
                    trigger="webhook",
                )
        except Exception:
            logger.exception("webhook-triggered sync of realms %s failed", sorted(realm_ids))

    async def callback(request: Request) -> Response:
        params = request.query_params
        if "error" in params:
            return _page(400, f"QuickBooks did not connect: {params['error']}.")
        state, code, realm_id = params.get("state"), params.get("code"), params.get("realmId")
        if not state or not verify_state(settings.secret_key.get_secret_value(), state):
            return _page(400, "This connection link is invalid or expired: start again.")
        if not code or not realm_id:
            return _page(400, "QuickBooks sent no authorization code or company id.")
        resources = request.app.state.resources
        try:
            business = await connect_realm(
                sessions=resources.sessions,
                http=resources.http,
                settings=settings.qbo,
                secret_key=settings.secret_key,
                code=code,
                realm_id=realm_id,
            )
        except SyncError as error:
            logger.warning("QBO connection of realm %s failed: %s", realm_id, error)
            return _page(502, "QuickBooks refused the connection: start again.")
        assert business.id is not None
        task = BackgroundTask(
            sync_businesses,
            [business.id],
            sessions=resources.sessions,
            http=resources.http,
            settings=settings.qbo,
            secret_key=settings.secret_key,
        )
        return JSONResponse(
            {"status": "connected", "businessId": business.id, "name": business.name},
            background=task,
        )

    return [
        Route("/webhooks/qbo", webhook, methods=["POST"]),
        Route("/qbo/callback", callback, methods=["GET"]),
    ]


async def _connected_businesses(
    sessions: async_sessionmaker[AsyncSession], realm_ids: Collection[str]
) -> list[int]:
    """Businesses of ``realm_ids`` with a live connection (unknown realms are ignored)."""
    if not realm_ids:
        return []
    async with sessions() as session:
        statement = (
            select(col(Business.id))
            .where(col(Business.realm_id).in_(list(realm_ids)))
            .where(col(Business.connection_status) == "connected")
            .order_by(col(Business.id))
        )
        return [
            business_id for business_id in (await session.scalars(statement)).all() if business_id
        ]


def _page(status: int, message: str) -> Response:
    return JSONResponse({"status": "error", "message": message}, status_code=status)
