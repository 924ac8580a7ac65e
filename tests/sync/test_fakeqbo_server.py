"""The fake QBO server over real HTTP: query language, CDC, OAuth, auth errors and every fault.

Most tests go through ``httpx.ASGITransport``; the last ones run the same app under uvicorn on a
loopback port, because dropped connections and client timeouts only exist on a real socket.
"""

import asyncio
import json
import socket
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import uvicorn

from sync.fakeqbo import CompanySize, GeneratedCompany, generate_companies
from sync.fakeqbo.server import FakeQbo, Fault, create_fake_qbo_app
from sync.fakeqbo.state import parse_timestamp, qbo_timestamp

AS_OF = date(2026, 3, 2)
START = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)  # after every generated timestamp
BASE_URL = "https://quickbooks.api.intuit.com"
CLIENT = ("fake-client-id", "fake-client-secret")
REDIRECT = "https://runway.test/qbo/callback"


class Clock:
    """A hand-driven ``now`` for the fake, so expiry and CDC windows need no waiting."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


@pytest.fixture(scope="module")
def companies() -> list[GeneratedCompany]:
    return generate_companies(count=2, seed=7, as_of=AS_OF, size=CompanySize.small())


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def fake(companies: list[GeneratedCompany], clock: Clock) -> FakeQbo:
    return FakeQbo(companies, now=clock)


@pytest.fixture
def realm(companies: list[GeneratedCompany]) -> str:
    return companies[0].realm_id


@pytest.fixture
async def http(fake: FakeQbo) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_fake_qbo_app(fake))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
async def api(http: httpx.AsyncClient, fake: FakeQbo, realm: str) -> httpx.AsyncClient:
    """The in-process client, holding a valid access token for ``realm``."""
    http.headers["Authorization"] = f"Bearer {fake.grant_tokens(realm)[0]}"
    return http


async def query(api: httpx.AsyncClient, realm: str, text: str) -> httpx.Response:
    return await api.get(f"/v3/company/{realm}/query", params={"query": text, "minorversion": "75"})


def select(entity: str, where: str = "", tail: str = "") -> str:
    """A QBO query string (QBO's query language, served by the fake: not SQL)."""
    condition = f" where {where}" if where else ""
    return f"select * from {entity}{condition}{tail}"  # noqa: S608


async def rows(api: httpx.AsyncClient, realm: str, entity: str, text: str) -> list[dict[str, Any]]:
    response = await query(api, realm, text)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["QueryResponse"].get(entity, [])
    return found


async def cdc(api: httpx.AsyncClient, realm: str, entities: str, since: datetime) -> httpx.Response:
    params = {"entities": entities, "changedSince": qbo_timestamp(since), "minorversion": "75"}
    return await api.get(f"/v3/company/{realm}/cdc", params=params)


def changes(response: httpx.Response) -> dict[str, list[dict[str, Any]]]:
    """CDC's nested envelope as entity -> objects, checking the counts it carries."""
    assert response.status_code == 200, response.text
    (block,) = response.json()["CDCResponse"]
    found: dict[str, list[dict[str, Any]]] = {}
    for part in block["QueryResponse"]:
        for key, value in part.items():
            if isinstance(value, list):
                assert part["maxResults"] == part["totalCount"] == len(value)
                found[key] = value
    return found


def ids(objs: list[dict[str, Any]]) -> list[str]:
    return [obj["Id"] for obj in objs]


async def token_request(http: httpx.AsyncClient, **form: str) -> httpx.Response:
    return await http.post("/oauth2/v1/tokens/bearer", data=form, auth=CLIENT)


# -- query ----------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["", " order by MetaData.LastUpdatedTime", " ORDERBY Id"])
@pytest.mark.parametrize("entity", ["Bill", "Invoice", "Vendor", "Account"])
async def test_paging_returns_every_object_exactly_once(
    api: httpx.AsyncClient, fake: FakeQbo, realm: str, entity: str, order: str
) -> None:
    seen: list[dict[str, Any]] = []
    start = 1
    while True:
        tail = f"{order} STARTPOSITION {start} MAXRESULTS 7"
        response = await query(api, realm, select(entity, "Active in (true, false)", tail))
        page = response.json()["QueryResponse"]
        if not page:
            break
        assert page["startPosition"] == start
        assert page["maxResults"] == len(page[entity]) <= 7
        seen.extend(page[entity])
        start += 7
    expected = fake.objects(realm, entity)
    assert len(expected) > 7
    assert sorted(ids(seen), key=int) == ids(expected)
    if "LastUpdatedTime" in order:
        stamps = [parse_timestamp(obj["MetaData"]["LastUpdatedTime"]) for obj in seen]
        assert stamps == sorted(stamps)


async def test_amounts_arrive_exact(api: httpx.AsyncClient, fake: FakeQbo, realm: str) -> None:
    response = await query(api, realm, "select * from Bill maxresults 1000")
    served = json.loads(response.content, parse_float=Decimal)["QueryResponse"]["Bill"]
    assert [b["TotalAmt"] for b in served] == [b["TotalAmt"] for b in fake.objects(realm, "Bill")]


async def test_count_and_default_page_size(
    api: httpx.AsyncClient, fake: FakeQbo, clock: Clock, realm: str
) -> None:
    for n in range(110 - len(fake.objects(realm, "Bill"))):
        fake.add(realm, "Bill", {"TotalAmt": Decimal(n), "TxnDate": "2026-03-04"})
    response = await query(api, realm, "SELECT COUNT(*) FROM Bill")
    assert response.json()["QueryResponse"] == {"totalCount": 110}
    assert len(await rows(api, realm, "Bill", "select * from Bill")) == 100  # QBO's default


async def test_query_refusals_use_the_fault_envelope(api: httpx.AsyncClient, realm: str) -> None:
    too_many = await query(api, realm, "select * from Bill startposition 1 maxresults 1001")
    assert too_many.status_code == 400
    assert too_many.json()["Fault"]["type"] == "ValidationFault"
    assert too_many.json()["Fault"]["Error"][0]["code"] == "4001"
    garbled = await query(api, realm, "select * from Bill where TotalAmt ~ 3")
    assert garbled.status_code == 400
    assert garbled.json()["Fault"]["Error"][0]["code"] == "4000"
    unknown = await query(api, realm, "select * from Widget")
    assert "Widget" in unknown.json()["Fault"]["Error"][0]["Detail"]


async def test_inactive_name_list_records_hide_unless_asked_for(
    api: httpx.AsyncClient, fake: FakeQbo, realm: str
) -> None:
    vendor = fake.objects(realm, "Vendor", include_inactive=False)[0]["Id"]
    assert vendor in ids(await rows(api, realm, "Vendor", "select * from Vendor"))
    fake.change(realm, "Vendor", vendor, Active=False)
    inactive = {v["Id"] for v in fake.objects(realm, "Vendor") if v.get("Active") is False}
    assert vendor in inactive

    plain = await rows(api, realm, "Vendor", "select * from Vendor maxresults 1000")
    everything = await rows(
        api, realm, "Vendor", "select * from Vendor where Active in (true, false) maxresults 1000"
    )
    only_inactive = await rows(api, realm, "Vendor", "select * from vendor where active = false")

    assert not inactive & set(ids(plain))
    assert set(ids(everything)) == set(ids(fake.objects(realm, "Vendor")))
    assert set(ids(only_inactive)) == inactive
    count = await query(api, realm, "select count(*) from Vendor")
    assert count.json()["QueryResponse"]["totalCount"] == len(plain)


async def test_where_last_updated_time(
    api: httpx.AsyncClient,
    fake: FakeQbo,
    clock: Clock,
    companies: list[GeneratedCompany],
    realm: str,
) -> None:
    generated = next(b for b in companies[0].entities["Bill"] if b["Id"] == "3")
    original = json.dumps(generated, default=str)
    changed_at = clock.advance(minutes=5)
    fake.change(realm, "Bill", "3", PrivateNote="checked")
    stamp = qbo_timestamp(changed_at)

    after = await rows(api, realm, "Bill", select("Bill", f"MetaData.LastUpdatedTime > '{AS_OF}'"))
    strictly_after = await rows(
        api, realm, "Bill", select("Bill", f"MetaData.LastUpdatedTime > '{stamp}'")
    )
    from_stamp = await rows(
        api, realm, "Bill", select("Bill", f"MetaData.LastUpdatedTime >= '{stamp}'")
    )

    # A bare date means midnight Pacific: bills touched on AS_OF qualify, older ones don't.
    assert "3" in ids(after)
    assert all(b["MetaData"]["LastUpdatedTime"] >= f"{AS_OF}T00:00" for b in after)
    assert len(after) < len(fake.objects(realm, "Bill"))
    assert strictly_after == []
    assert ids(from_stamp) == ["3"]
    assert from_stamp[0]["PrivateNote"] == "checked"
    assert from_stamp[0]["SyncToken"] == str(int(generated["SyncToken"]) + 1)
    assert json.dumps(generated, default=str) == original  # the generator's dict is untouched
    assert from_stamp[0]["MetaData"]["LastUpdatedTime"] == stamp
    assert stamp.endswith(("-08:00", "-07:00"))


# -- CDC ------------------------------------------------------------------------------------


async def test_cdc_reports_adds_changes_and_deletes(
    api: httpx.AsyncClient, fake: FakeQbo, clock: Clock, realm: str
) -> None:
    since = clock.advance(minutes=1)
    clock.advance(minutes=1)
    fake.delete(realm, "Bill", "2")
    clock.advance(minutes=1)
    added = fake.add(realm, "Bill", {"TotalAmt": Decimal("10.00"), "TxnDate": "2026-03-04"})
    changed = fake.change(realm, "Invoice", "4", Balance=Decimal(0))

    found = changes(await cdc(api, realm, "Bill,Invoice,Vendor", since))

    assert set(found) == {"Bill", "Invoice"}
    assert found["Bill"][0] == json.loads(json.dumps(added, default=float))
    assert found["Bill"][1] == {  # deleted objects come after the live ones
        "Id": "2",
        "status": "Deleted",
        "domain": "QBO",
        "MetaData": {"LastUpdatedTime": qbo_timestamp(since + timedelta(minutes=1))},
    }
    assert ids(found["Invoice"]) == ["4"]
    assert found["Invoice"][0]["SyncToken"] == str(int(changed["SyncToken"]))
    assert "2" not in ids(await rows(api, realm, "Bill", "select * from Bill maxresults 1000"))
    assert "2" not in ids(fake.objects(realm, "Bill"))
    with pytest.raises(ValueError, match="inactive"):
        fake.delete(realm, "Vendor", "1")

    later = changes(await cdc(api, realm, "Bill,Invoice", clock.advance(seconds=1)))
    assert later == {}


async def test_cdc_refuses_a_window_longer_than_30_days(
    api: httpx.AsyncClient, clock: Clock, realm: str
) -> None:
    too_old = await cdc(api, realm, "Bill", clock.moment - timedelta(days=30, seconds=1))
    assert too_old.status_code == 400
    error = too_old.json()["Fault"]["Error"][0]
    assert "30 days" in error["Detail"]
    assert too_old.json()["Fault"]["type"] == "ValidationFault"
    assert (await cdc(api, realm, "Bill", clock.moment - timedelta(days=30))).status_code == 200


async def test_cdc_returns_the_oldest_1000_changes_at_most(
    api: httpx.AsyncClient, fake: FakeQbo, clock: Clock, realm: str
) -> None:
    since = clock.advance(seconds=1)
    for n in range(600):
        fake.add(realm, "Bill", {"TotalAmt": Decimal(n)})
        fake.add(realm, "Invoice", {"TotalAmt": Decimal(n)})
        clock.advance(seconds=1)

    capped = changes(await cdc(api, realm, "Invoice,Bill", since))
    returned = [obj for objs in capped.values() for obj in objs]
    assert len(returned) == 1000
    newest_returned = max(parse_timestamp(o["MetaData"]["LastUpdatedTime"]) for o in returned)
    assert newest_returned == since + timedelta(seconds=499)

    by_entity = changes(await cdc(api, realm, "Bill", since))
    assert len(by_entity["Bill"]) == 600
    rest = changes(await cdc(api, realm, "Invoice,Bill", newest_returned))
    assert sum(map(len, rest.values())) == 2 * 101  # the window's edge is inclusive


async def test_cdc_rejects_unknown_entities(
    api: httpx.AsyncClient, clock: Clock, realm: str
) -> None:
    response = await cdc(api, realm, "Bill,Gadget", clock.moment)
    assert response.status_code == 400
    assert "Gadget" in response.json()["Fault"]["Error"][0]["Detail"]


async def test_company_info_and_preferences(
    api: httpx.AsyncClient, companies: list[GeneratedCompany], realm: str
) -> None:
    info = await api.get(f"/v3/company/{realm}/companyinfo/{realm}")
    assert info.json()["CompanyInfo"]["CompanyName"] == companies[0].name
    prefs = await api.get(f"/v3/company/{realm}/preferences")
    assert prefs.json()["Preferences"]["CurrencyPrefs"]["HomeCurrency"] == {"value": "USD"}
    wrong = await api.get(f"/v3/company/{realm}/companyinfo/42")
    assert wrong.status_code == 400 and wrong.json()["Fault"]["Error"][0]["code"] == "610"


async def test_read_by_id_and_query_by_post(
    api: httpx.AsyncClient, fake: FakeQbo, realm: str
) -> None:
    bill = await api.get(f"/v3/company/{realm}/bill/5", params={"minorversion": "75"})
    assert bill.json()["Bill"]["Id"] == "5"
    missing = await api.get(f"/v3/company/{realm}/bill/999999")
    assert missing.status_code == 400
    posted = await api.post(
        f"/v3/company/{realm}/query",
        content="select * from Term where Id in ('1', '3')",
        headers={"Content-Type": "application/text"},
    )
    assert ids(posted.json()["QueryResponse"]["Term"]) == ["1", "3"]
    assert fake.stats[realm].requests == {"bill": 2, "query": 1}


# -- OAuth and API authentication -------------------------------------------------------------


async def test_authorization_code_grant(http: httpx.AsyncClient, fake: FakeQbo, realm: str) -> None:
    consent = await http.get(
        "/connect/oauth2",
        params={"client_id": CLIENT[0], "redirect_uri": REDIRECT, "state": "s1", "realmId": realm},
    )
    assert consent.status_code == 302
    callback = httpx.URL(consent.headers["location"])
    assert callback.params["realmId"] == realm and callback.params["state"] == "s1"
    code = callback.params["code"]

    granted = await token_request(
        http, grant_type="authorization_code", code=code, redirect_uri=REDIRECT
    )
    assert granted.status_code == 200
    tokens = granted.json()
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["x_refresh_token_expires_in"] == 8726400
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await http.get(f"/v3/company/{realm}/preferences", headers=headers)).status_code == 200

    reused = await token_request(
        http, grant_type="authorization_code", code=code, redirect_uri=REDIRECT
    )
    assert reused.status_code == 400 and reused.json() == {"error": "invalid_grant"}
    other = fake.authorization_code(realm, redirect_uri=REDIRECT)
    elsewhere = await token_request(
        http, grant_type="authorization_code", code=other, redirect_uri="https://evil.test/cb"
    )
    assert elsewhere.json() == {"error": "invalid_grant"}
    assert fake.stats[realm].token_requests["authorization_code"] == 3


async def test_bad_client_credentials(http: httpx.AsyncClient, fake: FakeQbo, realm: str) -> None:
    refresh = fake.grant_tokens(realm)[1]
    form = {"grant_type": "refresh_token", "refresh_token": refresh}
    wrong = await http.post("/oauth2/v1/tokens/bearer", data=form, auth=(CLIENT[0], "nope"))
    assert wrong.status_code == 401 and wrong.json() == {"error": "invalid_client"}
    missing = await http.post("/oauth2/v1/tokens/bearer", data=form)
    assert missing.status_code == 401


async def test_refresh_tokens_rotate_and_the_old_one_dies_after_the_grace(
    http: httpx.AsyncClient, fake: FakeQbo, clock: Clock, realm: str
) -> None:
    first = fake.grant_tokens(realm)[1]
    rotated = (await token_request(http, grant_type="refresh_token", refresh_token=first)).json()
    second = rotated["refresh_token"]
    assert second != first

    clock.advance(hours=23)
    graced = await token_request(http, grant_type="refresh_token", refresh_token=first)
    assert graced.status_code == 200

    clock.advance(hours=2)
    dead = await token_request(http, grant_type="refresh_token", refresh_token=first)
    assert dead.status_code == 400 and dead.json() == {"error": "invalid_grant"}
    alive = await token_request(http, grant_type="refresh_token", refresh_token=second)
    assert alive.status_code == 200

    unknown = await token_request(http, grant_type="refresh_token", refresh_token="AB11nope")
    assert unknown.json() == {"error": "invalid_grant"}
    fake.revoke_tokens(realm)
    revoked = alive.json()["refresh_token"]
    gone = await token_request(http, grant_type="refresh_token", refresh_token=revoked)
    assert gone.json() == {"error": "invalid_grant"}


async def test_expired_access_token_gets_intuits_401(
    api: httpx.AsyncClient, fake: FakeQbo, clock: Clock, realm: str
) -> None:
    path = f"/v3/company/{realm}/companyinfo/{realm}"
    assert (await api.get(path)).status_code == 200
    clock.advance(minutes=61)
    expired = await api.get(path)
    assert expired.status_code == 401
    assert expired.headers["www-authenticate"].startswith("Bearer")
    fault = expired.json()["fault"]
    assert fault["type"] == "AUTHENTICATION"
    assert fault["error"][0]["code"] == "3200"
    assert "errorCode=003200" in fault["error"][0]["message"]
    assert "expired" in fault["error"][0]["detail"].lower()

    fresh = fake.grant_tokens(realm)[0]
    assert (await api.get(path, headers={"Authorization": f"Bearer {fresh}"})).status_code == 200
    fake.expire_access_tokens(realm)
    assert (await api.get(path, headers={"Authorization": f"Bearer {fresh}"})).status_code == 401
    assert (await api.get(path, headers={"Authorization": ""})).status_code == 401
    assert fake.stats[realm].unauthorized == 3


async def test_a_token_opens_only_its_own_realm(
    api: httpx.AsyncClient, companies: list[GeneratedCompany]
) -> None:
    other = companies[1].realm_id
    assert (await api.get(f"/v3/company/{other}/preferences")).status_code == 403
    unknown = await api.get("/v3/company/123/preferences")
    assert unknown.status_code == 403
    assert unknown.json()["fault"]["error"][0]["code"] == "3100"


# -- faults ---------------------------------------------------------------------------------


async def test_throttle_answers_429_in_xml_with_retry_after(
    api: httpx.AsyncClient, fake: FakeQbo, realm: str
) -> None:
    fake.inject(realm, Fault("throttle", retry_after=2))
    throttled = await query(api, realm, "select * from Bill")
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "2"
    assert throttled.headers["content-type"].startswith("application/xml")
    error = ET.fromstring(throttled.text).find("{*}Fault/{*}Error")  # noqa: S314
    assert error is not None and error.get("code") == "3001"
    assert (await query(api, realm, "select * from Bill")).status_code == 200


async def test_server_errors_come_in_order_then_recover(
    api: httpx.AsyncClient, fake: FakeQbo, realm: str
) -> None:
    fake.inject(realm, Fault("server_error", count=2), Fault("service_unavailable"))
    statuses = [(await query(api, realm, "select * from Term")).status_code for _ in range(4)]
    assert statuses == [500, 500, 503, 200]
    fake.inject(realm, Fault("server_error"))
    failed = await query(api, realm, "select * from Term")
    assert failed.json()["Fault"]["type"] == "SystemFault"
    assert fake.stats[realm].faults_served == 4


async def test_faults_target_an_endpoint_and_a_realm(
    api: httpx.AsyncClient, fake: FakeQbo, clock: Clock, realm: str
) -> None:
    fake.inject(realm, Fault("server_error", endpoint="cdc"))
    assert (await query(api, realm, "select * from Term")).status_code == 200
    assert (await cdc(api, realm, "Bill", clock.moment)).status_code == 500
    assert (await cdc(api, realm, "Bill", clock.moment)).status_code == 200


async def test_truncated_body_is_a_complete_200_with_half_the_json(
    api: httpx.AsyncClient, fake: FakeQbo, realm: str
) -> None:
    whole = await query(api, realm, "select * from Bill")
    fake.inject(realm, Fault("truncate"))
    cut = await query(api, realm, "select * from Bill")
    assert cut.status_code == 200
    assert cut.content == whole.content[: len(whole.content) // 2]
    with pytest.raises(json.JSONDecodeError):
        cut.json()


async def test_dropped_connection_is_a_transport_error_in_process(
    api: httpx.AsyncClient, fake: FakeQbo, realm: str
) -> None:
    fake.inject(realm, Fault("drop"))
    with pytest.raises(httpx.RemoteProtocolError) as dropped:
        await query(api, realm, "select * from Bill")
    assert dropped.value.request.url.path == f"/v3/company/{realm}/query"
    assert (await query(api, realm, "select * from Bill")).status_code == 200
    assert fake.stats[realm].in_flight == 0


async def test_expired_token_fault_really_expires_the_token(
    api: httpx.AsyncClient, fake: FakeQbo, realm: str
) -> None:
    fake.inject(realm, Fault("expired_token"))
    assert (await query(api, realm, "select * from Term")).status_code == 401
    assert (await query(api, realm, "select * from Term")).status_code == 401
    fresh = fake.grant_tokens(realm)[0]
    api.headers["Authorization"] = f"Bearer {fresh}"
    assert (await query(api, realm, "select * from Term")).status_code == 200


async def test_concurrency_counter_sees_overlapping_requests(
    api: httpx.AsyncClient, fake: FakeQbo, realm: str
) -> None:
    release = asyncio.Event()
    fake.inject(realm, Fault("slow", count=4, release=release))
    stats = fake.stats[realm]
    held = [asyncio.create_task(query(api, realm, "select * from Term")) for _ in range(4)]
    await until(lambda: stats.in_flight == 4)
    assert not any(task.done() for task in held)
    release.set()
    assert [r.status_code for r in await asyncio.gather(*held)] == [200] * 4
    for _ in range(3):
        await query(api, realm, "select * from Term")
    assert stats.max_concurrent == 4
    assert stats.in_flight == 0
    assert stats.requests["query"] == 7
    assert len(stats.request_times) == 7 and stats.request_times == sorted(stats.request_times)


async def until(condition: Callable[[], bool], *, turns: int = 1000) -> None:
    """Yield to the event loop until ``condition`` holds (in-process requests need a few turns)."""
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never held")


# -- a real socket ----------------------------------------------------------------------------


@pytest.fixture
async def served(fake: FakeQbo) -> AsyncIterator[str]:
    """The app under uvicorn on a free loopback port; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        create_fake_qbo_app(fake), log_level="warning", ws="none", lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    await wait_until_started(server, task)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        listener.close()


async def wait_until_started(server: uvicorn.Server, task: "asyncio.Task[None]") -> None:
    async with asyncio.timeout(10):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)


async def test_over_a_real_socket(
    served: str, fake: FakeQbo, companies: list[GeneratedCompany], realm: str
) -> None:
    async with httpx.AsyncClient(base_url=served, timeout=5) as http:
        refresh = fake.grant_tokens(realm)[1]
        granted = await token_request(http, grant_type="refresh_token", refresh_token=refresh)
        http.headers["Authorization"] = f"Bearer {granted.json()['access_token']}"
        bills = await rows(http, realm, "Bill", "select * from Bill maxresults 1000")
        assert ids(bills) == ids(fake.objects(realm, "Bill"))

        release = asyncio.Event()
        fake.inject(
            realm,
            Fault("throttle", retry_after=1),
            Fault("truncate"),
            Fault("drop"),
            Fault("slow", release=release),
        )
        throttled = await query(http, realm, "select * from Term")
        assert (throttled.status_code, throttled.headers["retry-after"]) == (429, "1")
        cut = await query(http, realm, "select * from Term")
        with pytest.raises(json.JSONDecodeError):
            cut.json()
        with pytest.raises(httpx.RemoteProtocolError):
            await query(http, realm, "select * from Term")
        with pytest.raises(httpx.ReadTimeout):
            await http.get(
                f"/v3/company/{realm}/query", params={"query": "select * from Term"}, timeout=0.2
            )
        release.set()
        assert (await query(http, realm, "select * from Term")).status_code == 200
    assert fake.stats[realm].requests["query"] == 6
    assert fake.stats[realm].faults_served == 4
