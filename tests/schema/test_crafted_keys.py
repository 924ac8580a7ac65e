"""Cursors and global ids come back from clients: crafted ones get a coded answer, never a 500.

``resolvers.pagination.decode_cursor`` checks length, kind and key parts before anything reads a
cursor; these tests hand each connection the cursors an attacker would try (a boolean or a
23-digit integer where an id goes, an integer past the database's, a deep array, a float) over
HTTP, on both databases, and expect BAD_USER_INPUT. A global id whose key is past PostgreSQL's
INTEGER answers like an unknown one (it failed the statement there, uncoded).
"""

import base64
import json
from datetime import date
from typing import Any

import pytest

from schema.relay import global_id
from sync.fakeqbo.generator import CompanySize, generate_companies
from tests.conftest import Database
from tests.factories import make_token
from tests.schema.conftest import Api, LoadCompanies


def crafted(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()


def raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def deep(kind: str, depth: int) -> str:
    return raw(f'["{kind}", ' + "[" * depth + "]" * depth + "]")


def hostile(kind: str, *key: Any) -> dict[str, str]:
    """Cursors of ``kind`` whose last key part is swapped for something no key of ours is."""
    *head, _ = key
    return {
        "boolean": crafted(kind, *head, True),
        "23 digits": crafted(kind, *head, 12345678901234567890123),
        "past int64": crafted(kind, *head, 2**63),
        "past int32": crafted(kind, *head, 2**31),
        "negative past int32": crafted(kind, *head, -(2**31) - 1),
        "float": crafted(kind, *head, 1.5),
        "NaN": raw(f'["{kind}", NaN]'),
        "null": crafted(kind, *head, None),
        "object": crafted(kind, *head, {"id": 1}),
        "nested": crafted(kind, *head, [1]),
        "100,000 deep": deep(kind, 100_000),
        "deep within the length limit": deep(kind, 370),
        "4,000 digits": raw(f'["{kind}", ' + "9" * 4_000 + "]"),
        "not base64": "%%%",
        "not JSON": raw("[businesses"),
        "empty list": crafted(),
        "no kind": crafted(*key),
    }


BUSINESSES = "query($after: String) { businesses(first: 2, after: $after) { totalCount } }"
HYGIENE = """query($id: ID!, $after: String) {
  hygieneTray(businessId: $id, first: 2, after: $after) { totalCount }
}"""
BILLS = """query($id: ID!, $after: String) {
  decisionConsole(businessId: $id) { bills(first: 2, after: $after) { totalCount } }
}"""
COLLECTIONS = """query($id: ID!, $after: String) {
  decisionConsole(businessId: $id) { collections(first: 2, after: $after) { totalCount } }
}"""
STORED = """query($id: ID!, $after: String) {
  business(id: $id) { digests(first: 2, after: $after) { totalCount } }
}"""
RUN_ITEMS = """query($run: ID!, $after: String) {
  digestRun(id: $run) { items(first: 2, after: $after) { totalCount } }
}"""
GENERATE = "mutation { generateDigests(input: {wait: true}) { id } }"


@pytest.fixture
async def business(database: Database, load_companies: LoadCompanies) -> int:
    companies = generate_companies(
        count=1, seed=5, as_of=date(2026, 11, 20), size=CompanySize.small()
    )
    [business_id] = await load_companies(companies)
    return business_id


async def refused(api: Api, token: str, query: str, cursors: dict[str, str], **ids: Any) -> None:
    for name, cursor in cursors.items():
        body = await api.query(query, token, after=cursor, **ids)
        assert body.get("errors"), (name, body)
        codes = {error.get("extensions", {}).get("code") for error in body["errors"]}
        assert codes == {"BAD_USER_INPUT"}, (name, body["errors"])


async def test_the_business_list_refuses_crafted_cursors(
    api: Api, admin_token: str, business: int
) -> None:
    await refused(api, admin_token, BUSINESSES, hostile("businesses", "Alder Dental", 1))


async def test_the_views_refuse_crafted_cursors(api: Api, admin_token: str, business: int) -> None:
    gid = global_id("Business", business)
    await refused(api, admin_token, HYGIENE, hostile("hygiene", "key"), id=gid)
    await refused(api, admin_token, BILLS, hostile("bills", "key"), id=gid)
    await refused(api, admin_token, COLLECTIONS, hostile("collections", "key"), id=gid)
    await refused(api, admin_token, STORED, hostile("StoredDigest", -739_000, 1), id=gid)


async def test_digest_run_items_refuse_crafted_cursors(
    api: Api, database: Database, business: int
) -> None:
    token = await make_token(database.sessions, role="admin")
    run = await api.query(GENERATE, token)
    run_id = run["data"]["generateDigests"]["id"]
    await refused(api, token, RUN_ITEMS, hostile("DigestRunItem", 1), run=run_id)


@pytest.mark.parametrize("pk", [2**31, 2**40, 10**17, 10**18 - 1])
async def test_a_global_id_past_the_database_integer_is_unknown(
    api: Api, admin_token: str, business: int, pk: int
) -> None:
    query = """query($business: ID!, $run: ID!) {
      business(id: $business) { name }
      node(id: $business) { id }
      hygieneTray(businessId: $business, first: 1) { totalCount }
      digestRun(id: $run) { id }
    }"""
    body = await api.query(
        query, admin_token, business=global_id("Business", pk), run=global_id("DigestRun", pk)
    )
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors", [])]
    assert codes == ["NOT_FOUND"], body
    assert body["data"] is None or (
        body["data"].get("business") is None and body["data"].get("node") is None
    )
