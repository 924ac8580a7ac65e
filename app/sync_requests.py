"""What `requestSync` runs: the sync engine with this process's settings and HTTP client.

A demo business (``runway demo``) is refused with UNAVAILABLE naming why: its companies were
served by a fake QBO inside the process that built the demo, so nothing can sync it later, and
trying used to record a DNS error on it as if its QuickBooks connection were broken.
"""

import logging
from collections.abc import Callable

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.settings import Settings
from domains.core.models import Business, SyncRun
from resolvers.errors import Unavailable
from schema.context import SyncRequester
from sync.engine import DEMO_STATUS, demo_refusal, sync_business

logger = logging.getLogger(__name__)


def sync_requester(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    *,
    synced: Callable[[], None] | None = None,
) -> SyncRequester:
    """A callback for the schema that syncs a business now and returns its recorded run.

    Args:
        synced: told once the run is over (the server wakes its assessment job: the business's
            views are assessed again once per run, not per page).
    """

    async def run(business_id: int, full: bool, requested_by: str) -> SyncRun:
        logger.info(
            "sync of business %s requested by %s (full=%s)", business_id, requested_by, full
        )
        async with sessions() as session:
            business = await session.get(Business, business_id)
        if business is not None and business.connection_status == DEMO_STATUS:
            raise Unavailable(demo_refusal(business.name))
        outcome = await sync_business(
            business_id,
            sessions=sessions,
            http=http,
            settings=settings.qbo,
            secret_key=settings.secret_key,
            full=full,
            trigger="graphql",
        )
        if synced is not None:
            synced()
        async with sessions() as session:
            row = await session.get(SyncRun, outcome.run_id) if outcome.run_id else None
        if row is None:  # the engine could not even record a run: report the outcome itself
            row = SyncRun(
                business_id=business_id,
                kind=outcome.kind,
                status=outcome.status,
                trigger="graphql",
                error=outcome.error,
            )
        return row

    return run
