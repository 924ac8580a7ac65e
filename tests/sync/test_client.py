"""The QBO client's handling of every answer shape: retries, throttles, faults, exact amounts.

One-off edge responses come from ``httpx.MockTransport`` handlers written here (QBO's real
envelopes); the fault scenarios against the fake QBO live in ``test_engine``.
"""

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime

import httpx
import pytest

from sync.client import QboClient, RetryPolicy, describe_fault, retry_after, server_time
from sync.errors import QboAuthError, QboConnectionError, QboResponseError, QboThrottled
from sync.fakeqbo.faults import THROTTLE_XML
from sync.settings import QboSettings
from sync.throttle import Throttle

REALM = "9130000000000001"
BASE = "https://qbo.test"


class Recorder:
    """Waits a retry asked for, recorded instead of slept."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


Handler = Callable[[httpx.Request], httpx.Response]


def answers(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A MockTransport handler giving ``responses`` in order, and the requests it saw."""
    seen: list[httpx.Request] = []
    queue: Iterator[httpx.Response | Exception] = iter(responses)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = next(queue)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handle, seen


def client_for(handler: Handler, recorder: Recorder, **qbo: object) -> QboClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return QboClient(
        http,
        realm_id=REALM,
        settings=QboSettings(api_base_url=BASE, **qbo),  # type: ignore[arg-type]
        throttle=Throttle(requests_per_minute=500, max_concurrent=10),
        retry=RetryPolicy(attempts=4, backoff_base=0.001, backoff_max=0.002, sleep=recorder),
    )


def ok(body: object) -> httpx.Response:
    return httpx.Response(200, json=body)


def fault(status: int, code: str, message: str, detail: str = "") -> httpx.Response:
    error = {"Message": message, "Detail": detail, "code": code}
    return httpx.Response(status, json={"Fault": {"Error": [error], "type": "ValidationFault"}})


PAGE = {"QueryResponse": {"Term": [{"Id": "1"}], "startPosition": 1, "maxResults": 1}}


async def test_every_request_names_the_minor_version_and_asks_for_json() -> None:
    handler, seen = answers(ok(PAGE))
    client = client_for(handler, Recorder(), minor_version=75)

    page = await client.query("Term", "select * from Term")

    assert page.objects == [{"Id": "1"}]
    (request,) = seen
    assert request.url.path == f"/v3/company/{REALM}/query"
    assert request.url.params["minorversion"] == "75"
    assert request.url.params["query"] == "select * from Term"
    assert request.headers["accept"] == "application/json"
    assert client.calls == 1


async def test_amounts_arrive_exact() -> None:
    body = b'{"QueryResponse": {"Bill": [{"Id": "7", "TotalAmt": 1234567890123.45}]}}'
    handler, _ = answers(httpx.Response(200, content=body))
    page = await client_for(handler, Recorder()).query("Bill", "select * from Bill")
    assert page.objects[0]["TotalAmt"] == Decimal("1234567890123.45")


async def test_an_empty_query_answer_is_an_empty_page() -> None:
    handler, _ = answers(ok({"QueryResponse": {}, "time": "2026-11-20T09:00:00.000-08:00"}))
    page = await client_for(handler, Recorder()).query("Bill", "select * from Bill")
    assert page.objects == []
    assert page.server_time == datetime(2026, 11, 20, 17, tzinfo=UTC)


async def test_a_429_with_an_xml_body_waits_its_retry_after_then_retries() -> None:
    throttled = httpx.Response(
        429, text=THROTTLE_XML, headers={"Retry-After": "7", "Content-Type": "application/xml"}
    )
    handler, seen = answers(throttled, ok(PAGE))
    recorder = Recorder()

    page = await client_for(handler, recorder).query("Term", "select * from Term")

    assert page.objects and len(seen) == 2
    assert recorder.waits == [7.0]


async def test_fault_3001_is_a_throttle_whatever_the_status() -> None:
    handler, seen = answers(fault(400, "3001", "ThrottleExceeded"), ok(PAGE))
    recorder = Recorder()
    await client_for(handler, recorder).query("Term", "select * from Term")
    assert len(seen) == 2 and len(recorder.waits) == 1


async def test_a_server_that_keeps_throttling_gives_up_after_the_attempts() -> None:
    handler, seen = answers(*[httpx.Response(429, text=THROTTLE_XML)] * 4)
    with pytest.raises(QboThrottled, match=REALM):
        await client_for(handler, Recorder()).query("Term", "select * from Term")
    assert len(seen) == 4


async def test_5xx_bursts_back_off_with_jitter_and_recover() -> None:
    handler, seen = answers(
        fault(500, "10000", "An application error has occurred"),
        httpx.Response(503, text="<html>503 Service Temporarily Unavailable</html>"),
        httpx.Response(502),
        ok(PAGE),
    )
    recorder = Recorder()
    page = await client_for(handler, recorder).query("Term", "select * from Term")
    assert page.objects and len(seen) == 4
    assert len(recorder.waits) == 3 and all(0 <= wait <= 0.002 for wait in recorder.waits)


async def test_a_503_that_says_when_is_retried_then() -> None:
    unavailable = httpx.Response(503, text="<html>503</html>", headers={"Retry-After": "3"})
    handler, seen = answers(unavailable, ok(PAGE))
    recorder = Recorder()
    await client_for(handler, recorder).query("Term", "select * from Term")
    assert recorder.waits == [3.0] and len(seen) == 2


async def test_5xx_forever_ends_in_a_response_error_naming_realm_and_fault() -> None:
    handler, seen = answers(*[fault(500, "10000", "An application error")] * 4)
    with pytest.raises(QboResponseError, match=rf"{REALM}.*HTTP 500.*10000") as raised:
        await client_for(handler, Recorder()).query("Term", "select * from Term")
    assert raised.value.retryable and raised.value.status == 500
    assert len(seen) == 4


async def test_a_validation_fault_is_not_retried() -> None:
    handler, seen = answers(fault(400, "4000", "Error parsing query", "QueryParserError"))
    with pytest.raises(QboResponseError, match="Error parsing query") as raised:
        await client_for(handler, Recorder()).query("Term", "select nonsense")
    assert (raised.value.code, raised.value.retryable, len(seen)) == ("4000", False, 1)


async def test_a_fault_inside_a_200_is_an_error() -> None:
    handler, _ = answers(fault(200, "610", "Object Not Found"))
    with pytest.raises(QboResponseError, match="Object Not Found"):
        await client_for(handler, Recorder()).query("Term", "select * from Term")


async def test_truncated_or_invalid_json_on_a_200_is_retried() -> None:
    whole = json.dumps(PAGE).encode()
    handler, seen = answers(
        httpx.Response(200, content=whole[: len(whole) // 2]),
        httpx.Response(200, content=b"\xff\xfe not json"),
        ok(PAGE),
    )
    page = await client_for(handler, Recorder()).query("Term", "select * from Term")
    assert page.objects and len(seen) == 3


async def test_connection_failures_and_timeouts_are_retried_then_reported() -> None:
    handler, seen = answers(
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ConnectError("connection refused"),
    )
    with pytest.raises(QboConnectionError, match=rf"{REALM}.*ConnectError"):
        await client_for(handler, Recorder()).query("Term", "select * from Term")
    assert len(seen) == 4


async def test_a_401_that_survives_authentication_is_an_auth_error() -> None:
    body = {"fault": {"error": [{"message": "AuthenticationFailed", "code": "3200"}]}}
    handler, seen = answers(httpx.Response(401, json=body))
    with pytest.raises(QboAuthError, match=REALM):
        await client_for(handler, Recorder()).query("Term", "select * from Term")
    assert len(seen) == 1


async def test_cdc_sends_the_window_and_groups_changes_by_entity() -> None:
    body = {
        "CDCResponse": [
            {
                "QueryResponse": [
                    {"Bill": [{"Id": "1"}, {"Id": "2", "status": "Deleted"}], "maxResults": 2},
                    {},
                    {"Invoice": [{"Id": "9"}]},
                ]
            }
        ],
        "time": "2026-11-20T10:00:00.000-08:00",
    }
    handler, seen = answers(ok(body))
    since = datetime(2026, 11, 19, 12, tzinfo=UTC)

    changes = await client_for(handler, Recorder()).cdc(["Bill", "Vendor", "Invoice"], since)

    assert changes.objects == {
        "Bill": [{"Id": "1"}, {"Id": "2", "status": "Deleted"}],
        "Vendor": [],
        "Invoice": [{"Id": "9"}],
    }
    assert changes.total == 3
    params = seen[0].url.params
    assert (params["entities"], params["changedSince"]) == (
        "Bill,Vendor,Invoice",
        "2026-11-19T12:00:00+00:00",
    )


async def test_company_info_and_home_currency() -> None:
    info = {"CompanyInfo": {"CompanyName": "Alder Dental"}, "time": "2026-11-20T10:00:00-08:00"}
    prefs = {"Preferences": {"CurrencyPrefs": {"HomeCurrency": {"value": "CAD"}}}}
    handler, seen = answers(ok(info), ok(prefs))
    client = client_for(handler, Recorder())

    company = await client.company_info()
    assert company.info["CompanyName"] == "Alder Dental"
    assert await client.home_currency() == "CAD"
    assert [request.url.path for request in seen] == [
        f"/v3/company/{REALM}/companyinfo/{REALM}",
        f"/v3/company/{REALM}/preferences",
    ]


def test_retry_after_reads_seconds_and_http_dates() -> None:
    def response(value: str) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": value})

    assert retry_after(response("2.5")) == 2.5
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 < (retry_after(response(format_datetime(later, usegmt=True))) or 0) <= 30
    assert retry_after(response("soon")) is None
    assert retry_after(httpx.Response(429)) is None


def test_faults_are_read_in_each_of_qbos_shapes() -> None:
    assert describe_fault(None, THROTTLE_XML) == (
        "3001",
        "message=ThrottleExceeded; errorCode=003001; statusCode=429",
    )
    lower = {"fault": {"error": [{"message": "AuthenticationFailed", "detail": "Token expired"}]}}
    assert describe_fault(lower, "") == ("", "AuthenticationFailed (Token expired)")
    assert describe_fault({"QueryResponse": {}}, "") is None
    assert describe_fault(None, "<html>503</html>") is None


def test_server_time_must_carry_an_offset() -> None:
    assert server_time({"time": "2026-11-20T10:00:00.123-08:00"}) == datetime(
        2026, 11, 20, 18, 0, 0, 123000, tzinfo=UTC
    )
    assert server_time({"time": "2026-11-20T10:00:00"}) is None
    assert server_time({"time": "yesterday"}) is None
    assert server_time({}) is None
