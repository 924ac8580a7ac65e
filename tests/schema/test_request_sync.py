"""`requestSync` over GraphQL runs the real engine against the fake QBO and returns the run."""

from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select, update

from app.asgi import create_app
from domains.ap.models import Bill
from domains.core.models import Business, SyncRun
from schema.relay import global_id
from tests.conftest import Database
from tests.factories import make_token
from tests.sync.harness import Bench, qbo_bench

REQUEST_SYNC = """
mutation($id: ID!, $full: Boolean) {
  requestSync(businessId: $id, full: $full) {
    id businessId kind status trigger error apiCalls changed { entity count }
  }
}
"""


@pytest.fixture
async def bench(database: Database) -> AsyncIterator[Bench]:
    # On a loopback socket: the app reaches the fake with its own shared httpx client.
    async with qbo_bench(database, loopback=True) as bench:
        yield bench


@pytest.fixture
async def runway(bench: Bench) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(bench.settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            yield http


async def _request(
    runway: httpx.AsyncClient, token: str, business_id: int, full: bool | None = None
) -> dict[str, object]:
    response = await runway.post(
        "/graphql",
        json={
            "query": REQUEST_SYNC,
            "variables": {"id": global_id("Business", business_id), "full": full},
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    body: dict[str, object] = response.json()
    return body


async def test_an_operator_syncs_a_business_and_sees_the_change(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    realm_id = bench.realms[0]
    business_id = await bench.connect(realm_id)
    token = await make_token(bench.database.sessions, role="operator", business_ids=[business_id])

    first = (await _request(runway, token, business_id))["data"]["requestSync"]  # type: ignore[index]
    assert (first["kind"], first["status"], first["trigger"]) == ("full", "succeeded", "graphql")
    assert first["businessId"] == global_id("Business", business_id)
    bills = sum(c["count"] for c in first["changed"] if c["entity"] == "Bill")
    assert bills == len(bench.fake.objects(realm_id, "Bill"))
    await bench.assert_mirrors(realm_id)

    bench.clock.advance(minutes=1)
    bill = bench.fake.objects(realm_id, "Bill")[0]
    bench.fake.change(realm_id, "Bill", bill["Id"], Balance=Decimal(0))
    second = (await _request(runway, token, business_id))["data"]["requestSync"]  # type: ignore[index]
    assert (second["kind"], second["status"]) == ("incremental", "succeeded")
    assert {"entity": "Bill", "count": 1} in second["changed"]
    async with bench.database.sessions() as session:
        stored = await session.scalar(
            select(Bill).where(Bill.business_id == business_id, Bill.qbo_id == str(bill["Id"]))  # type: ignore[arg-type]
        )
    assert stored is not None and stored.balance == 0


async def test_a_viewer_or_another_tenant_cannot_request_a_sync(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    mine = await bench.connect(bench.realms[0])
    viewer = await make_token(bench.database.sessions, role="viewer", business_ids=[mine])
    refused = await _request(runway, viewer, mine)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # type: ignore[index]

    operator = await make_token(bench.database.sessions, role="operator", business_ids=[mine])
    theirs = mine + 1000  # never existed; another tenant's id answers the same (see isolation)
    missing = await _request(runway, operator, theirs)
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]


async def test_a_demo_business_is_refused_as_unavailable_and_nothing_is_recorded(
    bench: Bench, runway: httpx.AsyncClient
) -> None:
    """``runway demo`` marks its businesses ``demo`` once its in-process fake QBO is gone."""
    realm_id = bench.realms[0]
    business_id = await bench.connect(realm_id)
    async with bench.database.sessions.begin() as session:
        await session.execute(
            update(Business).where(Business.id == business_id).values(connection_status="demo")  # type: ignore[arg-type]
        )
    requests_before = bench.fake.stats[realm_id].total_requests
    operator = await make_token(bench.database.sessions, role="operator")

    body = await _request(runway, operator, business_id)

    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert "is a demo business" in error["message"] and "runway qbo connect" in error["message"]
    assert bench.fake.stats[realm_id].total_requests == requests_before
    async with bench.database.sessions() as session:
        assert (await session.scalars(select(SyncRun))).all() == []
        business = await session.get(Business, business_id)
    assert business is not None and business.last_sync_error is None
