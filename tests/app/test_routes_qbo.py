"""The QBO routes of the real app: signed webhooks trigger syncs, the OAuth callback connects.

The fake QBO runs on a loopback socket so the app reaches it with its own shared httpx client.
Through ``httpx.ASGITransport`` the app's background task has finished when the response
arrives, which makes "the sync ran" deterministic; one test serves the app under uvicorn to show
the webhook answers while its sync is still held in flight.
"""

import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from app.asgi import create_app
from domains.core.models import Business, SyncRun
from sync.fakeqbo.server import Fault
from sync.oauth import TokenCipher, sign_state
from tests.conftest import Database
from tests.sync.harness import SECRET_KEY, VERIFIER, Bench, qbo_bench, serve_loopback, until


@pytest.fixture
async def bench(database: Database) -> AsyncIterator[Bench]:
    async with qbo_bench(database, loopback=True) as bench:
        yield bench


@pytest.fixture
async def app(bench: Bench) -> AsyncIterator[Starlette]:
    app = create_app(bench.settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def runway(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as client:
        yield client


def signed(payload: Any, key: str = VERIFIER) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    signature = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
    return body, {"intuit-signature": signature, "content-type": "application/json"}


def legacy(realm_id: str) -> dict[str, Any]:
    entities = [{"name": "Bill", "id": "1", "operation": "Update"}]
    return {
        "eventNotifications": [{"realmId": realm_id, "dataChangeEvent": {"entities": entities}}]
    }


async def sync_runs(bench: Bench, **where: Any) -> list[SyncRun]:
    async with bench.database.sessions() as session:
        statement = select(SyncRun).filter_by(**where).order_by(SyncRun.id)  # type: ignore[arg-type]
        return list((await session.scalars(statement)).all())


async def synced_then_changed(bench: Bench, realm_id: str) -> str:
    """Connect and sync the realm, then change a bill in QBO; returns the bill's id."""
    await bench.connect(realm_id)
    await bench.sync(realm_id)
    bench.clock.advance(minutes=1)
    bill = bench.fake.objects(realm_id, "Bill")[0]
    bench.fake.change(realm_id, "Bill", bill["Id"], Balance=Decimal(0))
    return str(bill["Id"])


async def test_a_signed_legacy_webhook_syncs_the_named_realm(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    changed, quiet = bench.realms
    await synced_then_changed(bench, changed)
    await bench.connect(quiet)
    body, headers = signed(legacy(changed))

    response = await runway.post("/webhooks/qbo", content=body, headers=headers)

    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "realms": 1}
    (run,) = await sync_runs(bench, trigger="webhook")
    assert (run.business_id, run.kind, run.status) == (
        bench.business_ids[changed],
        "incremental",
        "succeeded",
    )
    assert run.changed == {"Bill": 1}
    await bench.assert_mirrors(changed)
    assert await sync_runs(bench, business_id=bench.business_ids[quiet]) == []


async def test_a_signed_cloud_events_webhook_syncs_its_realms(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    for realm_id in bench.realms:
        await synced_then_changed(bench, realm_id)
    events = [
        {"specversion": "1.0", "id": f"e{i}", "type": "qbo.bill.updated.v1", "intuitaccountid": r}
        for i, r in enumerate([*bench.realms, bench.realms[0]])  # repeated: synced once
    ]
    body, headers = signed(events)

    response = await runway.post("/webhooks/qbo", content=body, headers=headers)

    assert response.status_code == 200
    runs = await sync_runs(bench, trigger="webhook")
    assert sorted(run.business_id for run in runs) == sorted(bench.business_ids.values())
    for realm_id in bench.realms:
        await bench.assert_mirrors(realm_id)


BAD_SIGNATURES = {
    "missing": {},
    "empty": {"intuit-signature": ""},
    "wrong": {"intuit-signature": "bm90IHRoZSBzaWduYXR1cmU="},
    "other key": signed({"eventNotifications": []}, key="not-the-verifier")[1],
}


async def test_a_bad_or_missing_signature_is_refused_and_changes_nothing(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    realm_id = bench.realms[0]
    await bench.connect(realm_id)
    requests_before = bench.fake.stats[realm_id].total_requests
    body, _ = signed(legacy(realm_id))

    for name, headers in BAD_SIGNATURES.items():
        response = await runway.post("/webhooks/qbo", content=body, headers=headers)
        assert response.status_code == 401, name

    assert await sync_runs(bench) == []
    assert bench.fake.stats[realm_id].total_requests == requests_before


async def test_unknown_realms_are_acknowledged_and_ignored(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    body, headers = signed(legacy("no-such-realm"))
    response = await runway.post("/webhooks/qbo", content=body, headers=headers)
    assert response.status_code == 200
    assert await sync_runs(bench) == []


async def test_a_signed_body_that_is_no_notification_is_a_400(runway: httpx.AsyncClient) -> None:
    body, headers = signed({"something": "else"})
    response = await runway.post("/webhooks/qbo", content=body, headers=headers)
    assert response.status_code == 400


async def test_over_a_real_socket_the_webhook_answers_before_its_sync_finishes(
    bench: Bench, app: Starlette
) -> None:
    realm_id = bench.realms[0]
    await synced_then_changed(bench, realm_id)
    release = asyncio.Event()
    bench.fake.inject(realm_id, Fault("slow", release=release, endpoint="cdc"))
    stats = bench.fake.stats[realm_id]
    body, headers = signed(legacy(realm_id))

    async with serve_loopback(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        response = await client.post("/webhooks/qbo", content=body, headers=headers, timeout=5)
        assert response.status_code == 200
        await until(lambda: stats.in_flight == 1)  # the sync's CDC request is held at QBO
        (running,) = await sync_runs(bench, trigger="webhook")
        assert running.status == "running"
        release.set()
        await until_finished(bench)

    (run,) = await sync_runs(bench, trigger="webhook")
    assert (run.status, run.changed) == ("succeeded", {"Bill": 1})
    await bench.assert_mirrors(realm_id)


async def until_finished(bench: Bench) -> None:
    """Poll the database (bounded) until no sync run is still running."""
    async with asyncio.timeout(10):
        while True:
            async with bench.database.sessions() as session:
                running = await session.scalar(
                    select(func.count()).select_from(SyncRun).where(SyncRun.status == "running")
                )
            if running == 0:
                return
            await asyncio.sleep(0.01)


async def test_the_callback_connects_the_company_and_starts_its_sync(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    realm_id = bench.realms[0]
    code = bench.fake.authorization_code(realm_id, redirect_uri=bench.settings.qbo.redirect_uri)
    state = sign_state(SECRET_KEY)

    response = await runway.get(
        "/qbo/callback", params={"code": code, "realmId": realm_id, "state": state}
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "connected"
    async with bench.database.sessions() as session:
        business = await session.scalar(select(Business).where(Business.realm_id == realm_id))
    assert business is not None and business.id == response.json()["businessId"]
    assert (business.name, business.connection_status) == (bench.companies[0].name, "connected")
    assert business.refresh_token_encrypted is not None
    refresh_token = TokenCipher(SECRET_KEY).decrypt(business.refresh_token_encrypted)
    assert refresh_token not in business.refresh_token_encrypted
    bench.business_ids[realm_id] = business.id
    (run,) = await sync_runs(bench, business_id=business.id)
    assert (run.kind, run.status) == ("full", "succeeded")
    await bench.assert_mirrors(realm_id)


async def test_the_callback_refuses_a_bad_state_without_spending_the_code(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    realm_id = bench.realms[0]
    code = bench.fake.authorization_code(realm_id, redirect_uri=bench.settings.qbo.redirect_uri)
    stale = sign_state(SECRET_KEY, now=bench.clock() - timedelta(hours=1))
    states = {"missing": None, "forged": "forged.1.state", "stale": stale}
    states["other key"] = sign_state("another-secret")

    for name, state in states.items():
        params = {"code": code, "realmId": realm_id} | ({"state": state} if state else {})
        response = await runway.get("/qbo/callback", params=params)
        assert response.status_code == 400, name

    assert bench.fake.stats[realm_id].token_requests == {}
    async with bench.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Business)) == 0


async def test_the_callback_reports_a_declined_consent(runway: httpx.AsyncClient) -> None:
    response = await runway.get("/qbo/callback", params={"error": "access_denied", "state": "s"})
    assert response.status_code == 400
    assert "access_denied" in response.json()["message"]


async def test_the_callback_reports_a_refused_code(bench: Bench, runway: httpx.AsyncClient) -> None:
    params = {"code": "not-a-code", "realmId": bench.realms[0], "state": sign_state(SECRET_KEY)}
    response = await runway.get("/qbo/callback", params=params)
    assert response.status_code == 502
    async with bench.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Business)) == 0
