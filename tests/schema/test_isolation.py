"""A token scoped to business A never reads business B, by any path through the schema.

B's ids are real (read as admin first), so every refusal below is the scoping at work, not a
typo; and each answer about B is compared, byte for byte, with the answer about an id that
never existed: a caller must not even learn that B exists.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from strawberry.relay import from_base64

from domains.core.models import SyncRun
from schema.relay import global_id
from sync.fakeqbo.generator import CompanySize, generate_companies
from tests.conftest import Database
from tests.factories import make_token
from tests.schema.conftest import Api, LoadCompanies

AS_OF = date(2026, 11, 20)
NEVER = 987_654_321
"""A primary key no row has."""

IDS = """
query Ids($id: ID!) {
  hygieneTray(businessId: $id, first: 500) {
    totalCount
    edges { cursor node { id entityType } }
  }
  decisionConsole(businessId: $id) {
    bills(first: 500) { edges { cursor node { id vendorId } } }
    collections(first: 500) { edges { cursor node { id } } }
  }
}
"""


@dataclass
class Tenant:
    """One business as its admin sees it: its global ids by type and its connection cursors."""

    id: str
    name: str
    ids: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    tray_cursors: list[str] = field(default_factory=list)
    bill_cursors: list[str] = field(default_factory=list)
    collection_cursors: list[str] = field(default_factory=list)
    vendor_ids: list[str] = field(default_factory=list)
    """Vendors with bills in the console (so a filter on them selects something)."""
    open_bills: list[str] = field(default_factory=list)
    """Bills in the console: open, so a decision on them would be recorded."""

    def all_ids(self) -> set[str]:
        return {self.id} | {i for ids in self.ids.values() for i in ids}


@dataclass
class World:
    a: Tenant
    b: Tenant
    viewer_a: str
    operator_a: str
    admin: str
    both: str
    """A viewer of A and B: an advisor following two clients."""


async def _tenant(api: Api, admin: str, pk: int, name: str) -> Tenant:
    tenant = Tenant(global_id("Business", pk), name)
    body = await api.query(IDS, admin, id=tenant.id)
    assert "errors" not in body, body
    for edge in body["data"]["hygieneTray"]["edges"]:
        tenant.ids[edge["node"]["entityType"].capitalize()].append(edge["node"]["id"])
        tenant.tray_cursors.append(edge["cursor"])
    console = body["data"]["decisionConsole"]
    for edge in console["bills"]["edges"]:
        tenant.ids["Bill"].append(edge["node"]["id"])
        tenant.open_bills.append(edge["node"]["id"])
        tenant.bill_cursors.append(edge["cursor"])
        if edge["node"]["vendorId"] and edge["node"]["vendorId"] not in tenant.vendor_ids:
            tenant.vendor_ids.append(edge["node"]["vendorId"])
    for edge in console["collections"]["edges"]:
        tenant.ids["Invoice"].append(edge["node"]["id"])
        tenant.collection_cursors.append(edge["cursor"])
    for kind in ("Bill", "Invoice", "Vendor", "Customer"):
        tenant.ids[kind] = sorted(set(tenant.ids[kind]))
        assert tenant.ids[kind], f"{name} has no {kind} ids to try"
    return tenant


@pytest.fixture
async def world(
    api: Api, database: Database, load_companies: LoadCompanies, admin_token: str
) -> World:
    companies = generate_companies(count=2, seed=81, as_of=AS_OF, size=CompanySize.small())
    pk_a, pk_b = await load_companies(companies)
    a = await _tenant(api, admin_token, pk_a, companies[0].name)
    b = await _tenant(api, admin_token, pk_b, companies[1].name)
    return World(
        a=a,
        b=b,
        viewer_a=await make_token(database.sessions, role="viewer", business_ids=[pk_a]),
        operator_a=await make_token(database.sessions, role="operator", business_ids=[pk_a]),
        admin=admin_token,
        both=await make_token(database.sessions, role="viewer", business_ids=[pk_a, pk_b]),
    )


def never(type_name: str) -> str:
    return global_id(type_name, NEVER)


def codes(body: dict[str, Any]) -> list[str | None]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


def leaked(body: Any, tenant: Tenant) -> set[str]:
    """Every id or name of ``tenant`` that appears anywhere in a response."""
    text = repr(body)
    return {value for value in [*tenant.all_ids(), tenant.name] if value in text}


async def test_business_by_id_answers_null_for_another_tenant(api: Api, world: World) -> None:
    query = "query($id: ID!) { business(id: $id) { id name } }"
    own = await api.query(query, world.viewer_a, id=world.a.id)
    assert own == {"data": {"business": {"id": world.a.id, "name": world.a.name}}}
    admin = await api.query(query, world.admin, id=world.b.id)
    assert admin["data"]["business"]["name"] == world.b.name  # B exists

    other = await api.query(query, world.viewer_a, id=world.b.id)
    unknown = await api.query(query, world.viewer_a, id=never("Business"))
    assert other == unknown == {"data": {"business": None}}


NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Business { name }
    ... on Bill { qboId totalAmount vendorName }
    ... on Invoice { qboId totalAmount customerName }
    ... on Vendor { displayName }
    ... on Customer { displayName }
  }
}
"""


async def test_node_answers_null_for_every_kind_of_another_tenants_id(
    api: Api, world: World
) -> None:
    for kind in ["Business", "Bill", "Invoice", "Vendor", "Customer"]:
        await _node_is_unreachable(api, world, kind)


async def _node_is_unreachable(api: Api, world: World, kind: str) -> None:
    b_ids = [world.b.id] if kind == "Business" else world.b.ids[kind]
    a_ids = [world.a.id] if kind == "Business" else world.a.ids[kind]
    for a_id in a_ids[:3]:
        own = await api.query(NODE, world.viewer_a, id=a_id)
        assert own["data"]["node"]["__typename"] == kind
    unknown = await api.query(NODE, world.viewer_a, id=never(kind))
    assert unknown == {"data": {"node": None}}
    for b_id in b_ids:
        seen_by_admin = await api.query(NODE, world.admin, id=b_id)
        assert seen_by_admin["data"]["node"]["id"] == b_id  # a real row of B
        assert await api.query(NODE, world.viewer_a, id=b_id) == unknown, b_id


DECIDE_INPUT = """
mutation($input: DecideBillInput!) { decideBill(input: $input) { id } }
"""
RECORD = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on BillDecision { billId action }
    ... on SyncRun { businessId kind status }
  }
}
"""


async def test_decisions_and_sync_runs_are_nodes_only_their_business_reaches(
    api: Api, world: World, database: Database
) -> None:
    """Every type implementing Node is refetchable by its id (Relay), and scoped like the rest."""
    ids: dict[str, list[str]] = {}
    for tenant, token in ((world.a, world.operator_a), (world.b, world.admin)):
        decision = {"billId": tenant.open_bills[0], "action": "DELAY_TO", "date": "2026-12-31"}
        body = await api.query(DECIDE_INPUT, token, input=decision)
        assert "errors" not in body, body
        run = SyncRun(business_id=int(global_pk(tenant.id)), kind="full", status="succeeded")
        async with database.sessions.begin() as session:
            session.add(run)
        ids[tenant.name] = [body["data"]["decideBill"]["id"], global_id("SyncRun", run.id)]

    a_decision, a_run = ids[world.a.name]
    own = await api.query(RECORD, world.viewer_a, id=a_decision)
    assert own["data"]["node"] == {
        "__typename": "BillDecision",
        "id": a_decision,
        "billId": world.a.open_bills[0],
        "action": "DELAY_TO",
    }
    run = await api.query(RECORD, world.viewer_a, id=a_run)
    assert run["data"]["node"] == {
        "__typename": "SyncRun",
        "id": a_run,
        "businessId": world.a.id,
        "kind": "full",
        "status": "succeeded",
    }
    unknown = {"data": {"node": None}}
    assert await api.query(RECORD, world.viewer_a, id=never("BillDecision")) == unknown
    assert await api.query(RECORD, world.viewer_a, id=never("SyncRun")) == unknown
    for b_id in ids[world.b.name]:
        assert (await api.query(RECORD, world.admin, id=b_id))["data"]["node"]["id"] == b_id
        assert await api.query(RECORD, world.viewer_a, id=b_id) == unknown


def global_pk(business_id: str) -> int:
    """The database id inside a Business's global id."""
    type_name, pk = from_base64(business_id)
    assert type_name == "Business"
    return int(pk)


async def test_nested_views_of_another_tenant_are_unreachable(api: Api, world: World) -> None:
    query = """
    query($id: ID!) {
      business(id: $id) {
        name
        hygiene(first: 500) { score edges { node { id label } } }
        decisions { cash bills(first: 500) { edges { node { id label } } } }
        digest { cash billsDueThisWeek { id } overdueInvoices { id } }
      }
    }
    """
    own = await api.query(query, world.viewer_a, id=world.a.id)
    assert own["data"]["business"]["hygiene"]["edges"]
    assert not leaked(own, world.b)
    other = await api.query(query, world.viewer_a, id=world.b.id)
    assert other == await api.query(query, world.viewer_a, id=never("Business"))
    assert other == {"data": {"business": None}}


async def test_aliases_reach_only_the_callers_business(api: Api, world: World) -> None:
    query = """
    query($a: ID!, $b: ID!) {
      a: business(id: $a) { name hygiene { score } }
      b: business(id: $b) { name hygiene { score } }
      aNode: node(id: $a) { id }
      bNode: node(id: $b) { id }
    }
    """
    body = await api.query(query, world.viewer_a, a=world.a.id, b=world.b.id)
    assert "errors" not in body
    assert body["data"]["a"]["name"] == world.a.name
    assert body["data"]["aNode"] == {"id": world.a.id}
    assert body["data"]["b"] is None
    assert body["data"]["bNode"] is None
    assert not leaked(body, world.b)

    # Many of B's records at once, each behind its own alias: none comes back.
    b_ids = [world.b.id, *[i for kind in world.b.ids.values() for i in kind][:29]]
    aliased = "{ " + " ".join(f'n{n}: node(id: "{i}") {{ id }}' for n, i in enumerate(b_ids)) + " }"
    many = await api.query(aliased, world.viewer_a)
    assert many == {"data": {f"n{n}": None for n in range(len(b_ids))}}
    assert len((await api.query(aliased, world.admin))["data"]) == len(b_ids)


async def test_fragments_reach_only_the_callers_business(api: Api, world: World) -> None:
    query = """
    query($id: ID!) {
      node(id: $id) { ...Books }
      business(id: $id) { ...Books }
    }
    fragment Books on Business {
      id name
      hygiene(first: 500) { edges { node { id } } }
      decisions { summary { mustPayCount } }
    }
    """
    own = await api.query(query, world.viewer_a, id=world.a.id)
    assert own["data"]["node"]["name"] == own["data"]["business"]["name"] == world.a.name
    other = await api.query(query, world.viewer_a, id=world.b.id)
    assert other == await api.query(query, world.viewer_a, id=never("Business"))
    assert other == {"data": {"node": None, "business": None}}


VIEWS = [
    "query($id: ID!) { hygieneTray(businessId: $id) { score totalCount } }",
    "query($id: ID!) { decisionConsole(businessId: $id) { cash status } }",
    "query($id: ID!) { digest(businessId: $id) { businessName cash } }",
]


async def test_views_of_another_tenant_are_not_found_exactly_like_unknown_ones(
    api: Api, world: World
) -> None:
    for query in VIEWS:
        own = await api.query(query, world.viewer_a, id=world.a.id)
        assert "errors" not in own, query
        other = await api.query(query, world.viewer_a, id=world.b.id)
        unknown = await api.query(query, world.viewer_a, id=never("Business"))
        assert codes(other) == ["NOT_FOUND"], query
        assert other == unknown, query
        assert other["data"] is None
        assert other["errors"][0]["message"] == "Business not found."


async def test_filters_carrying_another_tenants_ids_match_nothing(api: Api, world: World) -> None:
    tray = """
    query($id: ID!, $party: ID) {
      hygieneTray(businessId: $id, filter: {counterpartyId: $party}, first: 500) {
        totalCount edges { node { id counterpartyName } }
      }
    }
    """
    console = """
    query($id: ID!, $vendor: ID) {
      decisionConsole(businessId: $id, filter: {vendorId: $vendor}) {
        bills(first: 500) { totalCount edges { node { id vendorName } } }
      }
    }
    """
    # A's own vendor selects A's bills: the filter does filter.
    own_vendor = world.a.vendor_ids[0]
    own = await api.query(console, world.viewer_a, id=world.a.id, vendor=own_vendor)
    assert own["data"]["decisionConsole"]["bills"]["totalCount"] > 0
    nothing = {"totalCount": 0, "edges": []}
    for token in (world.viewer_a, world.both, world.admin):
        for party in [*world.b.ids["Vendor"], *world.b.ids["Customer"], *world.b.vendor_ids]:
            filtered = await api.query(tray, token, id=world.a.id, party=party)
            assert filtered["data"]["hygieneTray"] == nothing, party
        for vendor in world.b.vendor_ids:
            filtered = await api.query(console, token, id=world.a.id, vendor=vendor)
            assert filtered["data"]["decisionConsole"]["bills"] == nothing, vendor
    unknown = await api.query(tray, world.viewer_a, id=world.a.id, party=never("Vendor"))
    assert unknown["data"]["hygieneTray"] == nothing


async def test_cursors_from_another_tenant_never_page_into_its_data(api: Api, world: World) -> None:
    tray = """
    query($id: ID!, $after: String) {
      hygieneTray(businessId: $id, first: 500, after: $after) { edges { node { id } } }
    }
    """
    console = """
    query($id: ID!, $bills: String, $collections: String) {
      decisionConsole(businessId: $id) {
        bills(first: 500, after: $bills) { edges { node { id } } }
        collections(first: 500, after: $collections) { edges { node { id } } }
      }
    }
    """
    a_ids = world.a.all_ids()
    requests = [(tray, {"after": c}) for c in world.b.tray_cursors[::3]]
    requests += [(console, {"bills": c}) for c in world.b.bill_cursors[::3]]
    requests += [(console, {"collections": c}) for c in world.b.collection_cursors[::3]]
    assert len(requests) > 5
    for query, variables in requests:
        body = await api.query(query, world.viewer_a, id=world.a.id, **variables)
        if "errors" in body:
            assert codes(body) == ["BAD_USER_INPUT"], body
            continue
        returned = set(_ids_in(body["data"]))
        assert returned <= a_ids, variables
        assert not leaked(body, world.b), variables

    # And B's cursor on B's own views, for a caller of A only: still B not found.
    on_b = await api.query(tray, world.viewer_a, id=world.b.id, after=world.b.tray_cursors[0])
    assert codes(on_b) == ["NOT_FOUND"]


def _ids_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["id"]] if "id" in value else []
        return found + [i for v in value.values() for i in _ids_in(v)]
    if isinstance(value, list):
        return [i for v in value for i in _ids_in(v)]
    return []


async def test_business_cursors_from_another_listing_show_only_the_callers(
    api: Api, world: World
) -> None:
    query = """
    query($after: String) {
      businesses(first: 10, after: $after) { totalCount edges { cursor node { id name } } }
    }
    """
    everything = await api.query(query, world.admin)
    cursors = [e["cursor"] for e in everything["data"]["businesses"]["edges"]]
    assert len(cursors) == 2
    for cursor in [None, *cursors]:
        body = await api.query(query, world.viewer_a, after=cursor)
        assert body["data"]["businesses"]["totalCount"] == 1
        assert {e["node"]["id"] for e in body["data"]["businesses"]["edges"]} <= {world.a.id}
        assert not leaked(body, world.b)


DECIDE = """
mutation($bill: ID!) {
  decideBill(input: {billId: $bill, action: DELAY_TO, date: "2026-12-15"}) { id billId }
}
"""


async def test_deciding_another_tenants_bill_is_not_found_and_records_nothing(
    api: Api, world: World
) -> None:
    b_bill = world.b.open_bills[0]
    other = await api.query(DECIDE, world.operator_a, bill=b_bill)
    unknown = await api.query(DECIDE, world.operator_a, bill=never("Bill"))
    assert codes(other) == ["NOT_FOUND"]
    assert other == unknown
    assert other["errors"][0]["message"] == "Bill not found."

    decided = """
    query($id: ID!) {
      decisionConsole(businessId: $id) { bills(first: 500) { edges { node { id decidedAction } } } }
    }
    """
    b_console = await api.query(decided, world.admin, id=world.b.id)
    actions = {
        e["node"]["id"]: e["node"]["decidedAction"]
        for e in b_console["data"]["decisionConsole"]["bills"]["edges"]
    }
    assert actions[b_bill] is None

    # A's own bill is decided by the same token: only the tenant made the difference.
    a_bill = world.a.open_bills[0]
    own = await api.query(DECIDE, world.operator_a, bill=a_bill)
    assert own["data"]["decideBill"]["billId"] == a_bill


async def test_request_sync_of_another_tenant_is_not_found(api: Api, world: World) -> None:
    query = "mutation($id: ID!) { requestSync(businessId: $id) { id status } }"
    other = await api.query(query, world.operator_a, id=world.b.id)
    unknown = await api.query(query, world.operator_a, id=never("Business"))
    assert codes(other) == ["NOT_FOUND"]
    assert other == unknown


async def test_businesses_lists_only_the_callers(api: Api, world: World) -> None:
    query = """
    query($search: String) {
      businesses(first: 500, search: $search) { totalCount edges { node { id name } } }
    }
    """
    listed = await api.query(query, world.viewer_a)
    assert listed == {
        "data": {
            "businesses": {
                "totalCount": 1,
                "edges": [{"node": {"id": world.a.id, "name": world.a.name}}],
            }
        }
    }
    searched = await api.query(query, world.viewer_a, search=world.b.name)
    assert searched == {"data": {"businesses": {"totalCount": 0, "edges": []}}}
    assert (await api.query(query, world.admin))["data"]["businesses"]["totalCount"] == 2
    viewer = await api.query("{ viewer { allBusinesses } }", world.viewer_a)
    assert viewer == {"data": {"viewer": {"allBusinesses": False}}}
