"""HTTP endpoints QBO calls: the webhook that triggers syncs, and the OAuth redirect back to us.

``POST /webhooks/qbo`` must answer within Intuit's 3-second limit, so it only verifies the
signature, parses the body and registers the syncs before answering; the syncs run afterwards.
A bad or missing signature is a 401 and nothing else happens; a signed body that is no
notification (deeply nested junk included) is a 400. Repeats cost nothing: a CloudEvent id seen
within the last hour is dropped (``RecentEvents``), and a realm with a sync running gets at most
one more queued behind it however many notifications arrive (``SyncDispatcher``); the syncs
themselves share the process's bound (``sync.slots``).

``GET /qbo/callback`` finishes the connection a user started from ``runway qbo connect``: it
spends the signed, single-use ``state``, exchanges the code, stores the company with its
encrypted tokens, starts its first sync, and shows the owner a page saying so (JSON for clients
that ask, see ``app.connection_page``).
"""

import asyncio
import logging
from collections.abc import Collection
from functools import partial
from typing import Protocol

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.connection_page import START_AGAIN, connected_page, failed_page, respond
from app.settings import Settings
from domains.core.models import Business
from sync.connection import connect_realm
from sync.dispatcher import SyncDispatcher
from sync.engine import Trigger, sync_businesses
from sync.errors import SyncError
from sync.oauth_state import InvalidState, spend_state
from sync.webhooks import (
    SIGNATURE_HEADER,
    InvalidNotification,
    RecentEvents,
    parse_notification,
    realms_of,
    verify_signature,
)

logger = logging.getLogger(__name__)


class Wakeable(Protocol):
    def wake(self) -> None: ...


class SyncResources(Protocol):
    """What the routes use of the server's resources (``app.asgi.Resources``)."""

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...
    @property
    def http(self) -> httpx.AsyncClient: ...
    @property
    def assessment_job(self) -> Wakeable: ...


def qbo_routes(settings: Settings) -> list[Route]:
    """The QBO routes, bound to ``settings`` (verifier token, secret key, QBO endpoints)."""
    dispatcher = SyncDispatcher()
    recent = RecentEvents()

    async def webhook(request: Request) -> Response:
        body = await request.body()
        verifier = settings.qbo.webhook_verifier_token.get_secret_value()
        if not verify_signature(body, request.headers.get(SIGNATURE_HEADER), verifier):
            logger.warning("QBO webhook refused: bad or missing %s", SIGNATURE_HEADER)
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        try:
            events = parse_notification(body)
        except InvalidNotification as error:
            logger.warning("QBO webhook refused: %s", error)
            return JSONResponse({"error": str(error)}, status_code=400)
        fresh = recent.first_sightings(events)
        realms = realms_of(fresh)
        logger.info(
            "QBO webhook for realms %s (%d repeated events dropped)",
            ", ".join(sorted(realms)) or "(none)",
            len(events) - len(fresh),
        )
        resources = request.app.state.resources
        # Registered before answering, so the order of notifications decides what runs.
        syncs = [
            dispatcher.request(realm_id, partial(_sync_realm, resources, realm_id))
            for realm_id in sorted(realms)
        ]
        task = BackgroundTask(_until_synced, syncs) if syncs else None
        return JSONResponse({"status": "accepted", "realms": len(realms)}, background=task)

    async def _sync_realm(resources: SyncResources, realm_id: str) -> None:
        try:
            business_ids = await _connected_businesses(resources.sessions, [realm_id])
            if business_ids:
                await _sync_and_assess(resources, business_ids, trigger="webhook")
        except Exception:
            logger.exception("webhook-triggered sync of realm %s failed", realm_id)

    async def _sync_and_assess(
        resources: SyncResources, business_ids: list[int], trigger: Trigger
    ) -> None:
        """Sync, then wake the assessment job so the views reflect the new books without waiting
        for its next poll (a request in between would recompute on read anyway)."""
        try:
            await sync_businesses(
                business_ids,
                sessions=resources.sessions,
                http=resources.http,
                settings=settings.qbo,
                secret_key=settings.secret_key,
                trigger=trigger,
            )
        finally:
            resources.assessment_job.wake()

    async def callback(request: Request) -> Response:
        params = request.query_params
        if "error" in params:
            declined = params["error"] == "access_denied"
            problem = (
                "Access to QuickBooks was declined, so Runway cannot read the company's books."
                if declined
                else f"QuickBooks did not connect ({params['error'][:100]})."
            )
            return respond(request, failed_page(400, problem, START_AGAIN))
        state, code, realm_id = params.get("state"), params.get("code"), params.get("realmId")
        if not state:
            problem = "This connection link is invalid or expired."
            return respond(request, failed_page(400, problem, START_AGAIN))
        try:
            await spend_state(request.app.state.resources.sessions, _secret(settings), state)
        except InvalidState as error:
            return respond(request, failed_page(400, str(error), START_AGAIN))
        if not code or not realm_id:
            problem = "QuickBooks sent no authorization code or company id."
            return respond(request, failed_page(400, problem, START_AGAIN))
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
            problem = "QuickBooks refused the connection, or could not be reached."
            return respond(request, failed_page(502, problem, START_AGAIN))
        assert business.id is not None
        response = respond(request, connected_page(business_id=business.id, name=business.name))
        response.background = BackgroundTask(
            _sync_and_assess, resources, [business.id], trigger="manual"
        )
        return response

    return [
        Route("/webhooks/qbo", webhook, methods=["POST"]),
        Route("/qbo/callback", callback, methods=["GET"]),
    ]


def _secret(settings: Settings) -> str:
    return settings.secret_key.get_secret_value()


async def _until_synced(syncs: list[asyncio.Future[None]]) -> None:
    """Keep the request open until its syncs are done (a server shutting down waits for them);
    shielded, so a request cut short never cancels a sync other requests wait on."""
    await asyncio.gather(*(asyncio.shield(sync) for sync in syncs), return_exceptions=True)


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
