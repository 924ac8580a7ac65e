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
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from app.asgi import create_app
from app.job_options import AssessmentJobOptions
from domains.assessments.models import Assessment
from domains.core.models import Business, SyncRun
from sync.fakeqbo.server import Fault
from sync.oauth import TokenCipher
from sync.oauth_state import sign_state
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


async def test_twenty_copies_of_one_notification_make_one_run_and_one_more(
    bench: Bench, app: Starlette
) -> None:
    """A sync is running: the first copy queues one more, the other 18 join that queued one."""
    realm_id = bench.realms[0]
    await synced_then_changed(bench, realm_id)
    release = asyncio.Event()
    bench.fake.inject(realm_id, Fault("slow", release=release, endpoint="cdc"))
    stats = bench.fake.stats[realm_id]
    body, headers = signed(legacy(realm_id))

    async with serve_loopback(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        first = await client.post("/webhooks/qbo", content=body, headers=headers, timeout=5)
        await until(lambda: stats.in_flight == 1)  # the first sync is held at QBO
        for _ in range(19):
            response = await client.post("/webhooks/qbo", content=body, headers=headers, timeout=5)
            assert response.status_code == 200
        release.set()
    # Leaving serve_loopback waits for every request's syncs (uvicorn's graceful shutdown).

    assert first.status_code == 200
    runs = await sync_runs(bench, trigger="webhook")
    assert [(run.kind, run.status) for run in runs] == [("incremental", "succeeded")] * 2
    assert stats.requests["cdc"] == 2
    await bench.assert_mirrors(realm_id)


def cloud_event(realm_id: str, event_id: str) -> dict[str, str]:
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": "intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=",
        "type": "qbo.bill.updated.v1",
        "intuitaccountid": realm_id,
    }


async def test_a_redelivered_cloud_event_is_dropped_and_a_new_one_syncs(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    realm_id = bench.realms[0]
    await synced_then_changed(bench, realm_id)
    body, headers = signed([cloud_event(realm_id, "evt-1")])

    first = await runway.post("/webhooks/qbo", content=body, headers=headers)
    again = await runway.post("/webhooks/qbo", content=body, headers=headers)
    assert (first.json()["realms"], again.json()["realms"]) == (1, 0)
    assert len(await sync_runs(bench, trigger="webhook")) == 1

    body, headers = signed([cloud_event(realm_id, "evt-1"), cloud_event(realm_id, "evt-2")])
    newer = await runway.post("/webhooks/qbo", content=body, headers=headers)
    assert newer.json()["realms"] == 1
    assert len(await sync_runs(bench, trigger="webhook")) == 2


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"eventNotifications": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b'[{"intuitaccountid": ' + b'{"a":' * 20_000 + b"1" + b"}" * 20_000 + b"}]",
    ],
)
async def test_a_signed_body_nested_too_deeply_is_a_400(
    runway: httpx.AsyncClient, body: bytes
) -> None:
    signature = base64.b64encode(hmac.new(VERIFIER.encode(), body, hashlib.sha256).digest())
    headers = {"intuit-signature": signature.decode(), "content-type": "application/json"}
    response = await runway.post("/webhooks/qbo", content=body, headers=headers)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]


async def test_webhooks_for_different_realms_share_one_process_wide_sync_limit(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """With RUNWAY_QBO__MAX_CONCURRENT_SYNCS=1, a second realm's sync waits for the first's."""
    caplog.set_level(logging.INFO, logger="sync.slots")
    async with qbo_bench(database, loopback=True, max_concurrent_syncs=1) as bench:
        held, other = bench.realms
        for realm_id in bench.realms:
            await synced_then_changed(bench, realm_id)
        release = asyncio.Event()
        bench.fake.inject(held, Fault("slow", release=release, endpoint="cdc"))
        held_stats, other_stats = (bench.fake.stats[realm_id] for realm_id in bench.realms)
        other_requests = other_stats.total_requests
        app = create_app(bench.settings)
        async with (
            app.router.lifespan_context(app),
            serve_loopback(app) as base_url,
            httpx.AsyncClient(base_url=base_url) as client,
        ):
            for realm_id in (held, other):
                body, headers = signed(legacy(realm_id))
                response = await client.post("/webhooks/qbo", content=body, headers=headers)
                assert response.status_code == 200
                if realm_id == held:
                    await until(lambda: held_stats.in_flight == 1)
            await eventually(
                lambda: (
                    other_stats.total_requests > other_requests
                    or "waiting for one of the 1 sync slots" in caplog.text
                )
            )
            assert other_stats.total_requests == other_requests  # it waits: no request yet
            release.set()

        runs = await sync_runs(bench, trigger="webhook")
        assert [(run.business_id, run.status) for run in runs] == [
            (bench.business_ids[held], "succeeded"),
            (bench.business_ids[other], "succeeded"),
        ]
        for realm_id in bench.realms:
            await bench.assert_mirrors(realm_id)


async def eventually(condition: Callable[[], bool]) -> None:
    """Poll ``condition`` (bounded) while other tasks and threads make progress."""
    async with asyncio.timeout(10):
        while True:
            if condition():
                return
            await asyncio.sleep(0.01)


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


BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
API_CLIENT = {"accept": "application/json"}


def callback_params(bench: Bench, realm_id: str, state: str | None = None) -> dict[str, str]:
    code = bench.fake.authorization_code(realm_id, redirect_uri=bench.settings.qbo.redirect_uri)
    return {"code": code, "realmId": realm_id, "state": state or sign_state(SECRET_KEY)}


async def test_the_callback_connects_the_company_and_starts_its_sync(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    realm_id = bench.realms[0]

    response = await runway.get(
        "/qbo/callback", params=callback_params(bench, realm_id), headers=API_CLIENT
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


async def test_the_owners_browser_gets_a_page_naming_the_company_and_its_first_sync(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    realm_id = bench.realms[0]
    bench.fake.realm(realm_id).company_info["CompanyName"] = "Bell & <Sons>"

    response = await runway.get(
        "/qbo/callback", params=callback_params(bench, realm_id), headers=BROWSER
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "QuickBooks is connected" in page
    assert "Bell &amp; &lt;Sons&gt; is now connected to Runway." in page  # escaped, not markup
    assert "first sync has started" in page
    assert "<Sons>" not in page


async def test_without_an_accept_header_the_callback_answers_html(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    params = callback_params(bench, bench.realms[0])
    response = await runway.get("/qbo/callback", params=params, headers={"accept": ""})
    assert response.headers["content-type"].startswith("text/html")


async def test_a_replayed_callback_is_refused_without_posting_the_code_again(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    realm_id = bench.realms[0]
    params = callback_params(bench, realm_id)
    first = await runway.get("/qbo/callback", params=params, headers=API_CLIENT)
    assert first.status_code == 200
    stats = bench.fake.stats[realm_id]
    token_requests = dict(stats.token_requests)

    replay = await runway.get("/qbo/callback", params=params, headers=BROWSER)

    assert replay.status_code == 400
    assert "already used" in replay.text
    assert "runway qbo connect" in replay.text  # what to do next
    assert dict(stats.token_requests) == token_requests == {"authorization_code": 1}
    assert len(await sync_runs(bench)) == 1


@pytest.mark.parametrize(
    "state", ["ñ.1.mac", "nonce.1." + "é" * 43, "nonce.99999999999999999999.mac", "x" * 5000]
)
async def test_a_crafted_state_is_a_400_not_a_500(
    bench: Bench, runway: httpx.AsyncClient, state: str
) -> None:
    response = await runway.get(
        "/qbo/callback", params=callback_params(bench, bench.realms[0], state), headers=API_CLIENT
    )
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert bench.fake.stats[bench.realms[0]].token_requests == {}


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
        assert "invalid or expired" in response.text, name

    assert bench.fake.stats[realm_id].token_requests == {}
    async with bench.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Business)) == 0


async def test_the_callback_reports_a_declined_consent(runway: httpx.AsyncClient) -> None:
    params = {"error": "access_denied", "state": "s"}
    response = await runway.get("/qbo/callback", params=params, headers=API_CLIENT)
    assert response.status_code == 400
    assert "declined" in response.json()["message"]
    assert "runway qbo connect" in response.json()["nextStep"]
    page = await runway.get("/qbo/callback", params=params, headers=BROWSER)
    assert page.status_code == 400 and "QuickBooks did not connect" in page.text


async def test_the_error_the_callback_echoes_is_cut_short_and_escaped(
    runway: httpx.AsyncClient,
) -> None:
    """``error`` is read before ``state`` (so from a link anyone can craft): the page may quote
    it, but only its first 100 characters and as text, never as markup."""
    markup = '<script>alert("x")</script>'
    crafted = markup + "A" * 200
    page = await runway.get("/qbo/callback", params={"error": crafted}, headers=BROWSER)
    assert page.status_code == 400
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(" in page.text
    kept = 100 - len(markup)
    assert "A" * kept in page.text and "A" * (kept + 1) not in page.text


async def test_the_callback_reports_a_refused_code(bench: Bench, runway: httpx.AsyncClient) -> None:
    params = {"code": "not-a-code", "realmId": bench.realms[0], "state": sign_state(SECRET_KEY)}
    response = await runway.get("/qbo/callback", params=params, headers=API_CLIENT)
    assert response.status_code == 502
    assert response.json()["status"] == "error"
    async with bench.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Business)) == 0


async def polled(
    read: Callable[[], Awaitable[tuple[int, int | None]]],
    done: Callable[[tuple[int, int | None]], bool],
) -> tuple[int, int | None]:
    """Read (bounded) until ``done`` holds of what was read, while the server's tasks progress."""
    async with asyncio.timeout(10):
        while True:
            found = await read()
            if done(found):
                return found
            await asyncio.sleep(0.01)


async def test_a_webhook_sync_wakes_the_assessment_job(bench: Bench) -> None:
    """After a webhook's sync, the job assesses the new books at once, not at its next poll (an
    hour here): the stored assessment catches up with the business's data version."""
    changed, _ = bench.realms
    await synced_then_changed(bench, changed)
    business_id = bench.business_ids[changed]
    settings = bench.settings.model_copy(
        update={"assessments": AssessmentJobOptions(poll_seconds=3600)}
    )
    app = create_app(settings)

    async def assessed_version() -> tuple[int, int | None]:
        async with bench.database.sessions() as session:
            version = await session.scalar(
                select(Business.data_version).where(Business.id == business_id)
            )
            stored = await session.scalar(
                select(func.max(Assessment.data_version)).where(
                    Assessment.business_id == business_id
                )
            )
        assert version is not None
        return version, stored

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            before, _ = await polled(assessed_version, lambda found: found[1] is not None)
            body, headers = signed(legacy(changed))
            assert (await http.post("/webhooks/qbo", content=body, headers=headers)).is_success
            await until_finished(bench)
            version, _ = await polled(assessed_version, lambda found: found[0] == found[1])
    assert version > before  # the webhook's sync changed the books, and the job followed
