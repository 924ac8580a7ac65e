"""OAuth against the fake QBO's token endpoint: encryption at rest, refresh on 401, rotation
under the per-realm guards, ``invalid_grant``, and tokens kept out of logs and the database."""

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, text

from domains.core.models import Business, SyncRun
from sync.client import QboClient
from sync.errors import QboAuthError
from sync.oauth import (
    QboAuth,
    RealmTokens,
    TokenCipher,
    TokenSet,
    authorize_url,
)
from sync.settings import QboSettings
from sync.throttle import Throttle
from tests.conftest import Database
from tests.sync.harness import FAST_RETRY, SECRET_KEY, Bench, qbo_bench


@pytest.fixture
async def bench(database: Database) -> AsyncIterator[Bench]:
    async with qbo_bench(database, count=1) as bench:
        await bench.connect(bench.realms[0])
        yield bench


def tokens_for(bench: Bench) -> RealmTokens:
    """A token holder as a separate process would have one: its own cache, same database."""
    realm_id = bench.realms[0]
    return RealmTokens(
        business_id=bench.business_ids[realm_id],
        realm_id=realm_id,
        sessions=bench.database.sessions,
        http=bench.http,
        settings=bench.settings.qbo,
        secret_key=bench.settings.secret_key,
        retry=FAST_RETRY,
    )


def api_client(bench: Bench, tokens: RealmTokens) -> QboClient:
    return QboClient(
        bench.http,
        realm_id=tokens.realm_id,
        settings=bench.settings.qbo,
        throttle=Throttle(requests_per_minute=500, max_concurrent=10),
        auth=QboAuth(tokens),
        retry=FAST_RETRY,
    )


async def stored(bench: Bench) -> Business:
    return await bench.business(bench.realms[0])


def test_tokens_are_encrypted_with_a_key_derived_from_the_secret() -> None:
    cipher = TokenCipher(SECRET_KEY)
    sealed = cipher.encrypt("eyJ.access-token")
    assert "access-token" not in sealed and sealed != cipher.encrypt("eyJ.access-token")
    assert TokenCipher(SECRET_KEY).decrypt(sealed) == "eyJ.access-token"
    with pytest.raises(QboAuthError, match="RUNWAY_SECRET_KEY") as raised:
        TokenCipher("another-secret").decrypt(sealed)
    assert raised.value.needs_reconnect


def test_token_sets_never_show_their_tokens() -> None:
    tokens = TokenSet("eyJ.secret-access", "AB11secret-refresh", datetime.now(UTC))
    assert "secret" not in repr(tokens) and "secret" not in str(tokens)


def test_the_authorize_url_asks_for_accounting_with_a_signed_state() -> None:
    settings = QboSettings(client_id="app-123")
    url = authorize_url(settings, state="the-state")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == settings.auth_url
    assert parse_qs(parts.query) == {
        "client_id": ["app-123"],
        "scope": ["com.intuit.quickbooks.accounting"],
        "redirect_uri": [settings.redirect_uri],
        "response_type": ["code"],
        "state": ["the-state"],
    }


async def test_connecting_stores_the_company_and_only_encrypted_tokens(bench: Bench) -> None:
    business = await stored(bench)
    company = bench.companies[0]
    assert (business.name, business.timezone, business.home_currency) == (
        company.name,
        company.timezone,
        company.home_currency,
    )
    assert business.connection_status == "connected"
    assert business.access_token_encrypted and business.refresh_token_encrypted
    assert len(bench.issued_tokens) == 2
    cipher = TokenCipher(SECRET_KEY)
    assert {
        cipher.decrypt(business.access_token_encrypted),
        cipher.decrypt(business.refresh_token_encrypted),
    } == bench.issued_tokens
    await assert_no_clear_tokens_in_database(bench)


async def test_a_401_refreshes_once_persists_the_rotation_and_resends(bench: Bench) -> None:
    realm_id = bench.realms[0]
    before = await stored(bench)
    bench.fake.expire_access_tokens(realm_id)  # QBO says expired; our clock says fresh
    client = api_client(bench, tokens_for(bench))

    page = await client.query("Term", "select * from Term")

    assert page.objects
    stats = bench.fake.stats[realm_id]
    assert (stats.unauthorized, stats.token_requests["refresh_token"]) == (1, 1)
    assert client.calls == 2  # the refused request and its resend are both metered
    after = await stored(bench)
    cipher = TokenCipher(SECRET_KEY)
    assert after.refresh_token_encrypted != before.refresh_token_encrypted
    assert after.refresh_token_encrypted is not None
    assert cipher.decrypt(after.refresh_token_encrypted) in bench.issued_tokens
    assert after.access_token_expires_at is not None
    assert after.access_token_expires_at > datetime.now(UTC) + timedelta(minutes=50)


async def test_a_token_near_expiry_is_refreshed_before_it_is_sent(bench: Bench) -> None:
    realm_id = bench.realms[0]
    async with bench.database.sessions.begin() as session:
        business = await session.get(Business, bench.business_ids[realm_id])
        assert business is not None
        business.access_token_expires_at = datetime.now(UTC) + timedelta(seconds=30)

    await api_client(bench, tokens_for(bench)).query("Term", "select * from Term")

    stats = bench.fake.stats[realm_id]
    assert (stats.unauthorized, stats.token_requests["refresh_token"]) == (0, 1)


async def test_concurrent_refreshes_of_one_realm_rotate_the_token_once(bench: Bench) -> None:
    realm_id = bench.realms[0]
    # Three holders with their own caches, as in three workers sharing the database, all holding
    # the access token that QBO is about to call expired.
    holders = [tokens_for(bench) for _ in range(3)]
    for holder in holders:
        await holder.access_token()
    bench.fake.expire_access_tokens(realm_id)
    clients = [api_client(bench, holder) for holder in holders]

    await asyncio.gather(*(c.query("Term", "select * from Term") for c in clients))

    stats = bench.fake.stats[realm_id]
    assert stats.token_requests["refresh_token"] == 1
    assert stats.unauthorized == 3  # each learnt of the expiry itself, then adopted the new token


async def test_a_token_rotated_elsewhere_is_adopted_not_refreshed_again(bench: Bench) -> None:
    realm_id = bench.realms[0]
    ours, theirs = tokens_for(bench), tokens_for(bench)
    await api_client(bench, ours).query("Term", "select * from Term")  # ours caches the token
    bench.fake.expire_access_tokens(realm_id)
    await api_client(bench, theirs).query("Term", "select * from Term")  # theirs rotates
    assert bench.fake.stats[realm_id].token_requests["refresh_token"] == 1

    # Ours still holds the old access token: QBO refuses it, and the refresh finds the rotated
    # pair in the database instead of spending (and killing) the refresh token again.
    await api_client(bench, ours).query("Term", "select * from Term")

    assert bench.fake.stats[realm_id].token_requests["refresh_token"] == 1


async def test_invalid_grant_marks_the_business_for_reconnection(bench: Bench) -> None:
    realm_id = bench.realms[0]
    bench.fake.revoke_tokens(realm_id)  # the user disconnected the app in QBO

    outcome = await bench.sync(realm_id)

    assert outcome.status == "failed" and outcome.error and "invalid_grant" in outcome.error
    business = await stored(bench)
    assert business.connection_status == "needs_reconnect"
    assert business.last_sync_error == outcome.error and business.last_sync_error_at is not None
    async with bench.database.sessions() as session:
        run = await session.scalar(select(SyncRun).where(SyncRun.id == outcome.run_id))
        assert run is not None and run.status == "failed" and "invalid_grant" in (run.error or "")
    tokens = tokens_for(bench)
    with pytest.raises(QboAuthError) as raised:
        await tokens.refresh(rejected=await tokens.access_token())
    assert raised.value.needs_reconnect


async def test_a_business_without_tokens_fails_with_a_clear_error(bench: Bench) -> None:
    async with bench.database.sessions.begin() as session:
        business = await session.get(Business, bench.business_ids[bench.realms[0]])
        assert business is not None
        business.access_token_encrypted = business.refresh_token_encrypted = None

    outcome = await bench.sync(bench.realms[0])

    assert outcome.status == "failed" and "not connected" in (outcome.error or "")
    assert bench.fake.stats[bench.realms[0]].total_requests == 2  # only connecting's


async def test_tokens_never_reach_the_logs_or_the_database_in_clear(
    bench: Bench, caplog: pytest.LogCaptureFixture
) -> None:
    realm_id = bench.realms[0]
    caplog.set_level(logging.DEBUG)
    bench.fake.expire_access_tokens(realm_id)

    full = await bench.sync(realm_id)  # a full sync that starts with a refresh on 401
    tokens = tokens_for(bench)
    await tokens.refresh(rejected=await tokens.access_token())  # and a refresh on its own
    bench.fake.revoke_tokens(realm_id)
    failed = await bench.sync(realm_id)  # and a refresh that fails with invalid_grant

    assert full.ok and not failed.ok
    assert len(bench.issued_tokens) == 6  # connect, refresh on 401, explicit refresh: 3 pairs
    logged = caplog.text + "".join(repr(record.args) for record in caplog.records)
    assert "HTTP Request" in logged  # httpx's own request logging was captured too
    for token in bench.issued_tokens:
        assert token not in logged
    await assert_no_clear_tokens_in_database(bench)


async def assert_no_clear_tokens_in_database(bench: Bench) -> None:
    """No issued token appears in any column of the business or sync run tables."""
    async with bench.database.engine.connect() as connection:
        dump = ""
        for table in ("business", "sync_run"):
            rows = (await connection.execute(text(f"select * from {table}"))).all()  # noqa: S608
            dump += repr(rows)
    assert bench.issued_tokens
    for token in bench.issued_tokens:
        assert token not in dump
