"""Connecting a QBO company: the OAuth code becomes stored tokens and a ``Business`` row.

Used by the ``/qbo/callback`` route and by the demo (which connects its fake companies the same way
a user would, through the authorization-code grant). The company's details come from CompanyInfo
and its currency from Preferences, read with the fresh access token before anything is stored.
"""

from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.core import queries as core_queries
from domains.core.models import Business
from sync.client import QboClient, RetryPolicy
from sync.mapping import map_company_info
from sync.oauth import BearerToken, TokenCipher, exchange_code, store_tokens
from sync.settings import QboSettings, SecretKey
from sync.throttle import Throttle, shared_throttle


async def company_values(client: QboClient) -> tuple[dict[str, Any], datetime | None]:
    """Business columns from CompanyInfo and Preferences; also the server time of the first."""
    company = await client.company_info()
    values = map_company_info(company.info)
    currency = await client.home_currency()
    if currency is not None:
        values["home_currency"] = currency
    return values, company.server_time


async def connect_realm(
    *,
    sessions: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    settings: QboSettings,
    secret_key: SecretKey,
    code: str,
    realm_id: str,
    throttle: Throttle | None = None,
    retry: RetryPolicy | None = None,
) -> Business:
    """Exchange ``code``, read the company, and store it with its encrypted tokens (committed).

    A realm already known is reconnected: its tokens are replaced and its status cleared, and its
    mirror and cursors are kept. The tokens are encrypted with ``secret_key``.
    """
    tokens = await exchange_code(http, settings, code=code, retry=retry)
    client = QboClient(
        http,
        realm_id=realm_id,
        settings=settings,
        throttle=throttle
        or shared_throttle(
            requests_per_minute=settings.requests_per_minute,
            max_concurrent=settings.max_concurrent_per_realm,
        ),
        auth=BearerToken(tokens.access_token),
        retry=retry,
    )
    values, _ = await company_values(client)
    async with sessions.begin() as session:
        business = await core_queries.upsert_business(session, realm_id=realm_id, values=values)
        store_tokens(business, tokens, TokenCipher(secret_key))
        business.connection_status = "connected"
        business.last_sync_error = None
        business.last_sync_error_at = None
        business.api_calls += client.calls
    return business
