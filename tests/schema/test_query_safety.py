"""Hostile requests get clear errors, and the server keeps answering ordinary ones afterwards.

Depth, alias and token limits (schema/root.py), the body-size limit (app/limits.py), variable
coercion, page-size and id checks, authentication and roles, and production's error masking and
introspection switch, all over real HTTP.
"""

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from graphql.language import Lexer, Source, TokenKind
from sqlalchemy import text
from strawberry.extensions.validation_cache import _get_validate_cache

from app.asgi import create_app
from app.settings import Settings
from schema.document_limits import MAX_DOCUMENT_CHARS
from schema.relay import global_id
from schema.root import MAX_ALIASES, MAX_QUERY_DEPTH, MAX_TOKENS, VALIDATION_CACHE_SIZE
from sync.fakeqbo.generator import CompanySize, generate_companies
from tests.conftest import Database
from tests.factories import make_token
from tests.schema.conftest import NOW, Api, LoadCompanies

AS_OF = date(2026, 11, 20)
ORDINARY = "{ viewer { name role } businesses { totalCount edges { node { name } } } }"
DECIDE = """
mutation Decide($billId: ID!) {
  decideBill(input: {billId: $billId, action: PAY_ON, date: "2026-12-01"}) { billId action }
}
"""
TRAY = """
query Tray($businessId: ID!, $filter: HygieneFilter, $first: Int) {
  hygieneTray(businessId: $businessId, filter: $filter, first: $first) {
    totalCount edges { node { id counterpartyName } }
  }
}
"""


@dataclass
class Company:
    """One generated company, its ids, and tokens of each role over it."""

    name: str
    business_id: str
    bill_id: str
    viewer: str
    operator: str


@pytest.fixture
async def company(
    api: Api, database: Database, load_companies: LoadCompanies, admin_token: str
) -> Company:
    generated = generate_companies(count=1, seed=71, as_of=AS_OF, size=CompanySize.small())[0]
    (pk,) = await load_companies([generated])
    business_id = global_id("Business", pk)
    console = await api.query(
        "query($id: ID!) { decisionConsole(businessId: $id) { bills(first: 1) { edges "
        "{ node { id } } } } }",
        admin_token,
        id=business_id,
    )
    bill_id = console["data"]["decisionConsole"]["bills"]["edges"][0]["node"]["id"]
    return Company(
        name=generated.name,
        business_id=business_id,
        bill_id=bill_id,
        viewer=await make_token(database.sessions, role="viewer", business_ids=[pk], name="v"),
        operator=await make_token(database.sessions, role="operator", business_ids=[pk], name="o"),
    )


async def assert_still_serving(api: Api, company: Company) -> None:
    """An ordinary request right after a hostile one answers in full."""
    body = await api.query(ORDINARY, company.viewer)
    assert body == {
        "data": {
            "viewer": {"name": "v", "role": "viewer"},
            "businesses": {"totalCount": 1, "edges": [{"node": {"name": company.name}}]},
        }
    }


def messages(body: dict[str, Any]) -> list[str]:
    return [error["message"] for error in body["errors"]]


def codes(body: dict[str, Any]) -> list[str | None]:
    return [error.get("extensions", {}).get("code") for error in body["errors"]]


def token_count(query: str) -> int:
    lexer = Lexer(Source(query))
    count = 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


async def test_a_query_50_deep_is_refused(api: Api, company: Company) -> None:
    deep = "query Deep { businesses { edges { node { " + "a { " * 47 + "id" + " }" * 50 + " }"
    body = await api.query(deep, company.viewer)
    assert body["data"] is None
    assert f"'Deep' exceeds maximum operation depth of {MAX_QUERY_DEPTH}" in messages(body)
    await assert_still_serving(api, company)


async def test_a_repeated_query_is_validated_once_and_its_limits_still_hold(
    api: Api, company: Company
) -> None:
    # The LRU cache strawberry's ValidationCache shares (keyed on document and rules): a new
    # limit rule class per request made every key new, so nothing was ever served from it.
    cache = _get_validate_cache(VALIDATION_CACHE_SIZE)
    query = f"{{ viewer {{ name }} }} # {uuid.uuid4().hex}"  # a text no other test sends
    before = cache.cache_info()
    for _ in range(3):
        assert "errors" not in await api.query(query, company.viewer)
    after = cache.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 2)
    deep = "query Deep { businesses { edges { node { " + "a { " * 47 + "id" + " }" * 50 + " }"
    for _ in range(2):
        refused = messages(await api.query(deep, company.viewer))
        assert f"'Deep' exceeds maximum operation depth of {MAX_QUERY_DEPTH}" in refused


async def test_the_deepest_real_query_is_within_the_depth_limit(api: Api, company: Company) -> None:
    # businesses.edges.node.decisions.bills.edges.node.discount.percent: 9 levels, the schema's
    # deepest path, so the limit of 12 never refuses a legitimate query.
    deepest = (
        "{ businesses { edges { node { decisions { bills(first: 500) { edges { node "
        "{ discount { percent } } } } } } } } }"
    )
    body = await api.query(deepest, company.viewer)
    assert "errors" not in body
    bills = body["data"]["businesses"]["edges"][0]["node"]["decisions"]["bills"]["edges"]
    assert len(bills) > 0


async def test_a_cyclic_introspection_query_is_refused(api: Api, company: Company) -> None:
    # The depth limiter skips introspection fields; graphql-core's own introspection depth rule
    # must still stop Node.possibleTypes.interfaces.possibleTypes… from multiplying by 7 a level.
    cycle = "possibleTypes { interfaces { " * 10
    query = '{ __type(name: "Node") { ' + cycle + "name" + " } }" * 10 + " } }"
    body = await api.query(query, company.viewer)
    assert body["data"] is None
    assert messages(body) == ["Maximum introspection depth exceeded"]
    await assert_still_serving(api, company)


async def test_1000_aliases_are_refused(api: Api, company: Company) -> None:
    aliased = "{ " + " ".join(f"a{i}: viewer {{ name }}" for i in range(1_000)) + " }"
    body = await api.query(aliased, company.viewer)
    assert body["data"] is None
    assert messages(body) == [
        f"Syntax Error: Document contains more than {MAX_TOKENS} tokens. Parsing aborted."
    ]
    await assert_still_serving(api, company)


async def test_aliases_past_30_are_refused_within_the_token_limit(
    api: Api, company: Company
) -> None:
    def aliased(count: int) -> str:
        return "{ " + " ".join(f"a{i}: viewer {{ name }}" for i in range(count)) + " }"

    allowed = await api.query(aliased(MAX_ALIASES), company.viewer)
    assert allowed["data"]["a29"] == {"name": "v"}
    refused = await api.query(aliased(MAX_ALIASES + 1), company.viewer)
    assert refused["data"] is None
    assert messages(refused) == [f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}"]
    await assert_still_serving(api, company)


async def test_a_1_mb_query_is_refused_by_its_length(api: Api, company: Company) -> None:
    huge = "{ " + "viewer { name } " * 62_500 + "}"
    assert len(huge) >= 1_000_000
    body = await api.query(huge, company.viewer)
    assert body["data"] is None
    assert messages(body) == [
        f"The document is {len(huge)} characters long; the limit is {MAX_DOCUMENT_CHARS}."
    ]
    await assert_still_serving(api, company)


async def test_exactly_the_token_limit_is_allowed_and_one_more_refused(
    api: Api, company: Company
) -> None:
    def padded(count: int) -> str:  # a long enum list: many tokens, cheap to validate
        return (
            "query($id: ID!) { hygieneTray(businessId: $id, filter: {entityTypes: ["
            + "BILL " * count
            + "]}) { totalCount } }"
        )

    at_limit = padded(MAX_TOKENS - 28)
    assert token_count(at_limit) == MAX_TOKENS
    allowed = await api.query(at_limit, company.viewer, id=company.business_id)
    assert allowed["data"]["hygieneTray"]["totalCount"] > 0

    over = padded(MAX_TOKENS - 27)
    assert token_count(over) == MAX_TOKENS + 1
    refused = await api.query(over, company.viewer, id=company.business_id)
    assert refused["data"] is None
    assert messages(refused) == [
        f"Syntax Error: Document contains more than {MAX_TOKENS} tokens. Parsing aborted."
    ]
    await assert_still_serving(api, company)


WRONG_VARIABLES: list[tuple[dict[str, Any], str]] = [
    ({"first": "ten"}, "Int cannot represent non-integer value: 'ten'"),
    ({"first": 2.5}, "Int cannot represent non-integer value: 2.5"),
    ({"first": 2**40}, "Int cannot represent non 32-bit signed integer value: 1099511627776"),
    ({"filter": {"minSeverity": "DIRE"}}, "Value 'DIRE' does not exist in 'Severity' enum."),
    ({"filter": {"nope": 1}}, "not to include unknown field 'nope'"),
    ({"filter": "BILL"}, "Expected value of type 'HygieneFilter' to be an object"),
    ({"businessId": None}, "Expected value of non-null type 'ID!' not to be None."),
    ({"businessId": {"id": 1}}, "ID cannot represent value: {'id': 1}"),
]


async def test_variables_of_the_wrong_type_are_refused_before_running(
    api: Api, company: Company
) -> None:
    for variables, message in WRONG_VARIABLES:
        body = await api.query(
            TRAY, company.viewer, **{"businessId": company.business_id, **variables}
        )
        assert body["data"] is None, variables
        assert len(body["errors"]) == 1, variables
        assert body["errors"][0]["message"].startswith("Variable '$"), variables
        assert message in body["errors"][0]["message"], variables
    await assert_still_serving(api, company)


async def test_page_sizes_out_of_range_are_bad_input(api: Api, company: Company) -> None:
    queries = [
        "query($n: Int) { businesses(first: $n) { totalCount } }",
        "query($n: Int, $id: ID!) { hygieneTray(businessId: $id, first: $n) { totalCount } }",
        "query($n: Int, $id: ID!) { decisionConsole(businessId: $id) "
        "{ bills(first: $n) { totalCount } } }",
        "query($n: Int, $id: ID!) { decisionConsole(businessId: $id) "
        "{ collections(first: $n) { totalCount } } }",
    ]
    for query in queries:
        for first in [10_000, 501, -1]:
            body = await api.query(query, company.viewer, n=first, id=company.business_id)
            assert body["data"] is None, query
            assert codes(body) == ["BAD_USER_INPUT"], query
            assert messages(body) == [f"'first' must be between 0 and 500, got {first}"]
        at_most = await api.query(query, company.viewer, n=500, id=company.business_id)
        assert "errors" not in at_most, query
    await assert_still_serving(api, company)


GARBAGE_IDS = [
    "garbage!!",
    "",
    "QmlsbDo=",  # "Bill:" with no key
    global_id("Business", None),  # "Business:None"
    "QnVzaW5lc3M6LTE=",  # "Business:-1"
    "QnVzaW5lc3M6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5",  # "Business:" and 27 nines
    "\u0000" * 64,
    "🚀" * 5_000,
]


async def test_garbage_global_ids_answer_like_unknown_ones(api: Api, company: Company) -> None:
    unfiltered = await api.query(TRAY, company.viewer, businessId=company.business_id)
    assert unfiltered["data"]["hygieneTray"]["totalCount"] > 0  # so "matches nothing" means it
    for garbage in GARBAGE_IDS:
        await _answers_like_an_unknown_id(api, company, garbage)
    await assert_still_serving(api, company)


async def _answers_like_an_unknown_id(api: Api, company: Company, garbage: str) -> None:
    lookups = await api.query(
        "query($id: ID!) { node(id: $id) { id } business(id: $id) { id } }",
        company.viewer,
        id=garbage,
    )
    assert lookups == {"data": {"node": None, "business": None}}

    for view in ["hygieneTray", "decisionConsole", "digest"]:
        body = await api.query(
            f"query($id: ID!) {{ {view}(businessId: $id) {{ businessId }} }}",
            company.viewer,
            id=garbage,
        )
        assert codes(body) == ["NOT_FOUND"], view
        assert messages(body) == ["Business not found."]

    decided = await api.query(DECIDE, company.operator, billId=garbage)
    assert codes(decided) == ["NOT_FOUND"]
    assert messages(decided) == ["Bill not found."]

    # As a filter, a garbage id matches nothing rather than failing or being ignored.
    tray = await api.query(
        TRAY, company.viewer, businessId=company.business_id, filter={"counterpartyId": garbage}
    )
    assert tray["data"]["hygieneTray"] == {"totalCount": 0, "edges": []}
    console = await api.query(
        "query($id: ID!, $vendor: ID) { decisionConsole(businessId: $id, "
        "filter: {vendorId: $vendor}) { bills { totalCount } } }",
        company.viewer,
        id=company.business_id,
        vendor=garbage,
    )
    assert console["data"]["decisionConsole"]["bills"] == {"totalCount": 0}


async def test_huge_unicode_search_strings_are_bad_input_or_match_nothing(
    api: Api, company: Company
) -> None:
    huge = "ß🚀中" * 30_000  # 90,000 characters, ~270 KB of UTF-8
    searched = await api.query(
        "query($s: String) { businesses(search: $s) { totalCount } }", company.viewer, s=huge
    )
    assert codes(searched) == ["BAD_USER_INPUT"]
    assert messages(searched) == ["'search' must be at most 200 characters"]

    short = await api.query(
        "query($s: String) { businesses(search: $s) { totalCount } }",
        company.viewer,
        s="🚀" * 200,
    )
    assert short == {"data": {"businesses": {"totalCount": 0}}}

    tray = await api.query(
        TRAY, company.viewer, businessId=company.business_id, filter={"counterparty": huge}
    )
    if "errors" in tray:
        assert codes(tray) == ["BAD_USER_INPUT"]
    else:
        assert tray["data"]["hygieneTray"] == {"totalCount": 0, "edges": []}
    await assert_still_serving(api, company)


async def test_unstorable_characters_in_text_inputs_are_bad_input(
    api: Api, company: Company
) -> None:
    # NUL is refused by PostgreSQL and cuts SQLite's LIKE pattern short; a lone surrogate can't
    # be encoded for either driver. Neither may reach the database as an unexpected error.
    search = "query($s: String) { businesses(search: $s) { totalCount } }"
    note = (
        "mutation($s: String, $bill: ID!) { decideBill(input: {billId: $bill, action: PAY_ON, "
        'date: "2026-12-01", note: $s}) { note } }'
    )
    for value, problem in [
        ("a\u0000b", "contains a NUL character."),
        ("\ud800", "contains an unpaired surrogate (not valid Unicode)."),
        ("x\udfff", "contains an unpaired surrogate (not valid Unicode)."),
    ]:
        for query, token, name in [
            (search, company.viewer, "search"),
            (note, company.operator, "note"),
        ]:
            response = await api.http.post(
                "/graphql",
                content=_json_with_raw_string(query, value, bill=company.bill_id),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            assert response.status_code == 200
            assert codes(response.json()) == ["BAD_USER_INPUT"], response.text
            assert messages(response.json()) == [f"'{name}' {problem}"]
    await assert_still_serving(api, company)


def _json_with_raw_string(query: str, value: str, **variables: str) -> bytes:
    """A JSON body whose variable ``s`` is ``value``, sent \\u-escaped (lone surrogates too)."""
    escaped = "".join(f"\\u{ord(c):04x}" if not 32 <= ord(c) <= 126 else c for c in value)
    body = json.dumps({"query": query, "variables": {**variables, "s": "PLACEHOLDER"}})
    return body.replace('"PLACEHOLDER"', f'"{escaped}"').encode()


MALFORMED_BODIES = [
    (b'{"query": "{ viewer { name }', "Unable to parse request body as JSON"),
    (b"not json at all", "Unable to parse request body as JSON"),
    (b"[1, 2, 3]", "Batching is not enabled"),
    (b'{"variables": {}}', "No GraphQL query found in the request"),
    (b'{"query": 42}', "The GraphQL operation's `query` must be a string or null, if provided."),
    (
        b'{"query": "{ viewer { name } }", "variables": [1]}',
        "The GraphQL operation's `variables` must be an object or null, if provided.",
    ),
]


async def test_malformed_bodies_are_refused(api: Api, company: Company) -> None:
    headers = {"Authorization": f"Bearer {company.viewer}", "Content-Type": "application/json"}
    for body, message in MALFORMED_BODIES:
        response = await api.http.post("/graphql", content=body, headers=headers)
        assert (response.status_code, response.text) == (400, message), body
    await assert_still_serving(api, company)


async def test_a_10_mb_body_is_refused_before_parsing(api: Api, company: Company) -> None:
    padding = "x" * 10_000_000
    response = await api.http.post(
        "/graphql",
        json={"query": ORDINARY, "variables": {"padding": padding}},
        headers={"Authorization": f"Bearer {company.viewer}"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    await assert_still_serving(api, company)


UNAUTHENTICATED = [
    (None, "Send an API token: 'Authorization: Bearer <token>'."),
    ("Bearer ", "The Authorization header must be 'Bearer <token>'."),
    ("Basic dXNlcjpwYXNz", "The Authorization header must be 'Bearer <token>'."),
    ("Bearer rwy_not-a-real-token", "This API token is unknown or revoked."),
]


async def test_requests_without_a_valid_token_are_unauthenticated(
    api: Api, company: Company
) -> None:
    for authorization, message in UNAUTHENTICATED:
        headers = {"Authorization": authorization} if authorization is not None else {}
        await _refused_everywhere(api, company, headers, message)
    await assert_still_serving(api, company)


async def _refused_everywhere(
    api: Api, company: Company, headers: dict[str, str], message: str
) -> None:
    for query, variables in [
        (ORDINARY, {}),
        (TRAY, {"businessId": company.business_id}),
        (DECIDE, {"billId": company.bill_id}),
    ]:
        response = await api.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body = response.json()
        assert body["data"] is None, query
        assert set(codes(body)) == {"UNAUTHENTICATED"}, query
        assert set(messages(body)) == {message}


async def test_a_viewer_calling_a_mutation_is_forbidden(
    api: Api, company: Company, admin_token: str
) -> None:
    refused = await api.query(DECIDE, company.viewer, billId=company.bill_id)
    assert refused["data"] is None
    assert codes(refused) == ["FORBIDDEN"]
    assert messages(refused) == ["This needs the operator role; the token 'v' is viewer."]
    decided_query = (
        "query($id: ID!) { decisionConsole(businessId: $id) "
        "{ bills(first: 500) { edges { node { id decidedAction } } } } }"
    )
    console = await api.query(decided_query, admin_token, id=company.business_id)
    edges = console["data"]["decisionConsole"]["bills"]["edges"]
    assert {e["node"]["decidedAction"] for e in edges} == {None}

    # The same request from an operator goes through: the refusal was the role, nothing else.
    allowed = await api.query(DECIDE, company.operator, billId=company.bill_id)
    assert allowed == {"data": {"decideBill": {"billId": company.bill_id, "action": "PAY_ON"}}}
    await assert_still_serving(api, company)


async def test_mutations_are_refused_over_get(api: Api, company: Company) -> None:
    response = await api.http.get(
        "/graphql",
        params={"query": DECIDE, "variables": f'{{"billId": "{company.bill_id}"}}'},
        headers={"Authorization": f"Bearer {company.operator}"},
    )
    assert (response.status_code, response.text) == (
        400,
        "mutations are not allowed when using GET",
    )
    await assert_still_serving(api, company)


@pytest.fixture
async def production(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The app as production runs it: errors masked, GraphiQL and introspection off (free
    queries allowed, so these tests reach the errors; tests/app/test_trusted_documents.py
    tests production's default of registered documents only)."""
    settings = Settings(
        database_url=database.url,
        environment="prod",
        secret_key="x" * 40,
        trusted_documents=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            yield http


async def test_production_masks_unexpected_errors_but_not_coded_ones(
    production: httpx.AsyncClient, api: Api, company: Company, database: Database
) -> None:
    headers = {"Authorization": f"Bearer {company.viewer}"}
    # A table gone from under the app: the loader's statement fails, which no resolver expects.
    async with database.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE assessment RENAME TO assessment_gone"))

    broken = await production.post(
        "/graphql",
        json={"query": TRAY, "variables": {"businessId": company.business_id}},
        headers=headers,
    )
    body = broken.json()
    assert body["data"] is None
    assert messages(body) == ["Unexpected error."]
    assert "assessment" not in broken.text
    assert "SQL" not in broken.text

    # Dev shows the same failure as it is (the contrast proves production is what masks it).
    developer = await api.query(TRAY, company.viewer, businessId=company.business_id)
    assert "assessment" in developer["errors"][0]["message"]

    unknown = global_id("Business", 987_654)
    not_found = await production.post(
        "/graphql",
        json={"query": TRAY, "variables": {"businessId": unknown}},
        headers=headers,
    )
    assert not_found.json()["errors"][0]["message"] == "Business not found."
    assert codes(not_found.json()) == ["NOT_FOUND"]

    unauthenticated = await production.post("/graphql", json={"query": ORDINARY})
    assert codes(unauthenticated.json()) == ["UNAUTHENTICATED"]

    still = await production.post("/graphql", json={"query": ORDINARY}, headers=headers)
    assert still.json()["data"]["viewer"] == {"name": "v", "role": "viewer"}


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_is_refused_when_switched_off(
    production: httpx.AsyncClient, api: Api, company: Company, database: Database
) -> None:
    headers = {"Authorization": f"Bearer {company.viewer}"}
    by_default = await production.post("/graphql", json={"query": INTROSPECTION}, headers=headers)
    assert by_default.json()["data"] is None
    assert messages(by_default.json())[0] == (
        "GraphQL introspection has been disabled, "
        "but the requested query contained the field '__schema'."
    )

    settings = Settings(
        database_url=database.url,
        environment="prod",
        secret_key="x" * 40,
        graphiql=True,
        introspection=False,
        trusted_documents=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            refused = await http.post("/graphql", json={"query": INTROSPECTION}, headers=headers)
            type_query = '{ __type(name: "Business") { name } }'
            by_type = await http.post("/graphql", json={"query": type_query}, headers=headers)
            ordinary = await http.post("/graphql", json={"query": ORDINARY}, headers=headers)
    assert refused.json()["data"] is None
    assert "introspection has been disabled" in messages(refused.json())[0]
    assert "introspection has been disabled" in messages(by_type.json())[0]
    assert ordinary.json()["data"]["viewer"]["role"] == "viewer"

    # Dev keeps it on: the same query answers there.
    allowed = await api.query(INTROSPECTION, company.viewer)
    assert allowed == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
