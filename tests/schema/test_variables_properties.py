"""Properties of the GraphQL API under hostile requests: a coded error or an answer, never a 500.

``test_query_safety.py`` pins each limit and refusal down with hand-picked values; these let
hypothesis pick them. For every argument of every field reachable from ``Query`` and ``Mutation``
(found by introspecting the schema, so an argument added tomorrow is covered the day it lands), any
JSON value sent as that argument's variable — null, booleans, huge integers, floats with NaN and
infinities, unicode, control characters and lone surrogates, huge strings, lists, objects, and
values of the argument's own type at the edges of their range — gets either an answer or errors
that each carry one of the project's codes (README, "Authentication"): never a 500, never a bare
exception message, never a traceback. Around that, the request limits (body size, depth, aliases,
tokens, page size) are checked as functions of the request's size rather than at single points.

Hypothesis runs each example of an async test in that test's own event loop (pytest-asyncio's
``AsyncHypothesisTest``), so the app and database fixtures, made once per test, serve every example.
That is intended: the properties only read, or write decisions and digest runs that no other
example depends on, so the function-scoped-fixture health check is suppressed.
"""

import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Lexer,
    Source,
    TokenKind,
    get_named_type,
    is_required_argument,
    is_required_input_field,
)
from graphql import build_schema as schema_from_sdl
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import col

from app.limits import DEFAULT_MAX_BODY_BYTES
from domains.tables import Customer, Invoice, Vendor
from resolvers.pagination import MAX_PAGE_SIZE
from schema import build_schema
from schema.relay import global_id
from schema.root import MAX_ALIASES, MAX_QUERY_DEPTH, MAX_TOKENS
from sync.fakeqbo.generator import CompanySize, generate_companies
from tests.conftest import Database
from tests.schema.conftest import Api, LoadCompanies

CODES = {"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "UNAVAILABLE"}
"""Every ``extensions.code`` the API gives (README, "Authentication"; resolvers/errors.py)."""

SHARED_FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

# --- The arguments, from the schema itself --------------------------------------------------------

SCHEMA = schema_from_sdl(build_schema().as_str())


@dataclass(frozen=True)
class Argument:
    """One argument of one field, and the fields leading to it from the operation's root."""

    operation: str
    path: tuple[tuple[str, str], ...]
    """(parent type, field) from the root type down to the field that takes the argument."""
    name: str

    @property
    def field(self) -> Any:
        parent, field = self.path[-1]
        return SCHEMA.get_type(parent).fields[field]  # type: ignore[union-attr]

    @property
    def type(self) -> GraphQLInputType:
        return self.field.args[self.name].type  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return ".".join(field for _, field in self.path) + f"({self.name}:)"


def _arguments() -> list[Argument]:
    """Every argument of every field reachable from the roots, each once, by its shortest path
    (through queries where a type is reachable from both: a query has no side effects)."""
    found: list[Argument] = []
    seen: set[str] = set()
    for operation, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        assert root is not None
        queue: list[tuple[GraphQLObjectType, tuple[tuple[str, str], ...]]] = [(root, ())]
        seen.add(root.name)
        while queue:
            parent, path = queue.pop(0)
            for name, field in parent.fields.items():
                step = (*path, (parent.name, name))
                found += [Argument(operation, step, arg) for arg in field.args]
                target = get_named_type(field.type)
                if isinstance(target, GraphQLObjectType) and target.name not in seen:
                    seen.add(target.name)
                    queue.append((target, step))
    return found


ARGUMENTS = _arguments()


@dataclass
class World:
    """One generated company, an admin token, and an id of every kind of object it holds."""

    token: str
    ids: dict[str, str]

    def known(self, parent: str, field: str, argument: str) -> Any:
        """A valid value for a required argument that is not the one under test."""
        values: dict[tuple[str, str, str], Any] = {
            ("Query", "business", "id"): self.ids["Business"],
            ("Query", "hygieneTray", "businessId"): self.ids["Business"],
            ("Query", "decisionConsole", "businessId"): self.ids["Business"],
            ("Query", "digest", "businessId"): self.ids["Business"],
            ("Query", "digestRun", "id"): self.ids["DigestRun"],
            ("Mutation", "requestSync", "businessId"): self.ids["Business"],
        }
        key = (parent, field, argument)
        if key not in values:
            pytest.fail(f"no valid value known for the required argument {key}: add one to known()")
        return values[key]


def operation(argument: Argument, world: World) -> tuple[str, dict[str, Any]]:
    """A request putting ``$v`` in ``argument`` and valid values in every other required one."""
    declarations = [f"$v: {argument.type}"]
    variables: dict[str, Any] = {}
    text = ""
    for depth, (parent, name) in enumerate(argument.path):
        field = SCHEMA.get_type(parent).fields[name]  # type: ignore[union-attr]
        passed = []
        for arg_name, arg in field.args.items():
            if depth == len(argument.path) - 1 and arg_name == argument.name:
                passed.append(f"{arg_name}: $v")
            elif is_required_argument(arg):
                variable = f"k{len(variables)}"
                declarations.append(f"${variable}: {arg.type}")
                variables[variable] = world.known(parent, name, arg_name)
                passed.append(f"{arg_name}: ${variable}")
        text += name + (f"({', '.join(passed)})" if passed else "")
        text += " { " if depth < len(argument.path) - 1 else ""
    leaf = get_named_type(argument.field.type)
    text += "" if isinstance(leaf, GraphQLScalarType | GraphQLEnumType) else " { __typename }"
    text += " }" * (len(argument.path) - 1)
    return f"{argument.operation}({', '.join(declarations)}) {{ {text} }}", variables


# --- Values ---------------------------------------------------------------------------------------

ANY_CHARACTER = st.characters(exclude_categories=())
"""Every code point: NUL and other controls, lone surrogates (sent as JSON \\ud800 escapes)."""

texts = st.text(ANY_CHARACTER, max_size=40) | st.sampled_from(
    ["", " ", "%", "_", "\\", "'; drop table bill; --", "\x00", "\ud800"]
)
huge_texts = st.builds(
    lambda piece, times: piece * times,
    st.text(ANY_CHARACTER, min_size=1, max_size=3),
    st.integers(201, 60_000),
)
numbers = st.one_of(
    st.integers(),
    st.sampled_from([31, 32, 53, 64, 400]).map(lambda bits: 2**bits),
    st.floats(),  # NaN and infinities go out as the NaN/Infinity literals Python's json reads
    st.sampled_from(
        [-(2**31) - 1, -(2**31), -1, 0, 1, MAX_PAGE_SIZE, MAX_PAGE_SIZE + 1, 2**31 - 1]
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | texts | huge_texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=8,
)


def garbage_ids() -> st.SearchStrategy[str]:
    """Global ids that decode, but to nothing of ours: other types, junk keys, huge keys."""
    kinds = st.sampled_from(["Business", "Bill", "Invoice", "Vendor", "Customer", "DigestRun", "X"])
    keys = st.integers().map(str) | texts | st.sampled_from(["None", "-1", "1e3", "9" * 40])
    return st.builds(
        lambda kind, key: (
            base64.b64encode(f"{kind}:{key}".encode("utf-8", "surrogatepass")).decode().rstrip("=")
        ),
        kinds,
        keys,
    )


DATE_LIKE = ["0001-01-01", "9999-12-31", "2026-02-29", "2026-11-20", "2026-11-20T00:00:00", "x"]
DECIMAL_LIKE = ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "1e999999", "-1E-999999", "1_000"]


def values_of(kind: GraphQLInputType, world: World) -> st.SearchStrategy[Any]:
    """Values of ``kind`` across its whole range and just past it, and wrong ones of its shape."""
    if isinstance(kind, GraphQLNonNull):
        return values_of(kind.of_type, world)
    if isinstance(kind, GraphQLList):
        item = values_of(kind.of_type, world)
        return st.lists(item | json_values, max_size=4) | item  # one value stands for a list
    if isinstance(kind, GraphQLEnumType):
        return st.sampled_from(list(kind.values)) | texts
    if isinstance(kind, GraphQLInputObjectType):
        fields = kind.fields.items()
        required = {
            name: values_of(field.type, world)
            for name, field in fields
            if is_required_input_field(field)
        }
        optional = {
            name: values_of(field.type, world) | json_values
            for name, field in fields
            if not is_required_input_field(field)
        }
        return st.fixed_dictionaries(required, optional=optional)
    assert isinstance(kind, GraphQLNamedType)
    scalars: dict[str, st.SearchStrategy[Any]] = {
        "Int": numbers,
        "Boolean": st.booleans(),
        "String": texts | huge_texts,
        "ID": st.sampled_from(sorted(world.ids.values())) | garbage_ids() | texts,
        "Date": st.dates().map(date.isoformat) | st.sampled_from(DATE_LIKE),
        "DateTime": st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
        "Decimal": st.decimals().map(str) | numbers | st.sampled_from(DECIMAL_LIKE),
        "JSON": json_values,
    }
    if kind.name not in scalars:
        pytest.fail(f"no values known for the scalar {kind.name}: add them to values_of()")
    return scalars[kind.name]


# --- Requests and answers -------------------------------------------------------------------------


def encode(payload: Any) -> bytes:
    """JSON as a hostile client may send it: ASCII escapes for lone surrogates, NaN literals."""
    return json.dumps(payload).encode()


async def post(api: Api, payload: Any, token: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return await api.http.post("/graphql", content=encode(payload), headers=headers)


def assert_coded_or_answered(response: httpx.Response) -> dict[str, Any]:
    """A JSON answer (200) whose errors, if any, all carry one of the project's codes."""
    assert response.status_code == 200, response.text[:500]
    assert "Traceback" not in response.text
    body: dict[str, Any] = response.json()
    for error in body.get("errors") or []:
        assert error.get("extensions", {}).get("code") in CODES, error
    if not body.get("errors"):
        assert isinstance(body["data"], dict)
    return body


async def ask(api: Api, payload: Any, token: str) -> dict[str, Any] | None:
    """``payload``'s answer, checked as above; ``None`` when its JSON is over the body limit
    (control characters and lone surrogates take six bytes each), which must be the 413."""
    response = await post(api, payload, token)
    if len(encode(payload)) > DEFAULT_MAX_BODY_BYTES:
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        return None
    return assert_coded_or_answered(response)


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


def messages(body: dict[str, Any]) -> set[str]:
    return {error["message"] for error in body.get("errors") or []}


@pytest.fixture
async def world(
    api: Api, database: Database, load_companies: LoadCompanies, admin_token: str
) -> World:
    """A small generated company with a digest run, so every id argument has a real target."""
    company = generate_companies(
        count=1, seed=71, as_of=date(2026, 11, 20), size=CompanySize.small()
    )
    (pk,) = await load_companies(company)
    business = global_id("Business", pk)
    ids = {"Business": business}
    async with database.sessions() as session:
        for model in (Invoice, Vendor, Customer):
            row = (await session.scalars(select(model).where(col(model.business_id) == pk))).first()
            assert row is not None
            ids[model.__name__] = global_id(model.__name__, row.id)
    console = await api.query(
        "query($id: ID!) { decisionConsole(businessId: $id) { bills(first: 1) "
        "{ edges { node { id } } } } }",
        admin_token,
        id=business,
    )
    ids["Bill"] = console["data"]["decisionConsole"]["bills"]["edges"][0]["node"]["id"]
    run = await api.query(
        "mutation($id: ID!) { generateDigests(input: {businessIds: [$id], wait: true}) { id } }",
        admin_token,
        id=business,
    )
    ids["DigestRun"] = run["data"]["generateDigests"]["id"]
    return World(admin_token, ids)


def test_the_argument_catalogue_is_the_whole_schema() -> None:
    """The catalogue is the schema's, not a list kept by hand: it reaches nested fields too."""
    found = {repr(argument) for argument in ARGUMENTS}
    assert {
        "hygieneTray(filter:)",
        "decisionConsole.bills(first:)",
        "business.digests(after:)",
        "digestRun.items(status:)",
        "decideBill(input:)",
        "generateDigests(input:)",
    } <= found
    assert len(ARGUMENTS) == sum(
        len(field.args)
        for type_ in SCHEMA.type_map.values()
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__")
        for field in type_.fields.values()
    )


OMITTED = object()


@settings(max_examples=150, suppress_health_check=SHARED_FIXTURES)
@given(data=st.data())
async def test_any_variable_gets_a_coded_error_or_an_answer(
    api: Api, world: World, data: st.DataObject
) -> None:
    """Whatever a client puts in a variable, the server answers 200 with JSON: data, or errors a
    client can branch on by code."""
    argument = data.draw(st.sampled_from(ARGUMENTS), label="argument")
    value = data.draw(
        st.just(OMITTED) | json_values | values_of(argument.type, world), label="value"
    )
    query, variables = operation(argument, world)
    if value is not OMITTED:
        variables["v"] = value
    note(query)

    body = await ask(api, {"query": query, "variables": variables}, world.token)

    if body is None:
        event("PAYLOAD_TOO_LARGE")
    else:
        event("answered" if "errors" not in body else " ".join(sorted(set(codes(body)))))


PAGE_SIZES = [argument for argument in ARGUMENTS if argument.name == "first"]


@settings(max_examples=60, suppress_health_check=SHARED_FIXTURES)
@given(
    argument=st.sampled_from(PAGE_SIZES),
    first=st.integers(-(2**31), 2**31 - 1)
    | st.integers(-3, MAX_PAGE_SIZE + 3)
    | st.sampled_from([-(2**31) - 1, 2**31, 2**53]),
)
async def test_every_page_size_outside_0_to_500_is_refused_exactly(
    api: Api, world: World, argument: Argument, first: int
) -> None:
    """Every connection, root or nested, takes 0 to 500 rows a page and refuses anything else with
    the same message, so a client can't ask a nested connection for what the root one refuses."""
    query, variables = operation(argument, world)
    note(query)

    body = assert_coded_or_answered(
        await post(api, {"query": query, "variables": {**variables, "v": first}}, world.token)
    )

    if 0 <= first <= MAX_PAGE_SIZE:
        assert "errors" not in body, body
    elif -(2**31) <= first < 2**31:
        assert codes(body) == ["BAD_USER_INPUT"]
        assert messages(body) == {f"'first' must be between 0 and {MAX_PAGE_SIZE}, got {first}"}
    else:  # not a GraphQL Int at all: refused while the variables are read
        assert codes(body) == ["BAD_USER_INPUT"]
        assert messages(body) == {
            f"Variable '$v' has invalid value: Int cannot represent non 32-bit signed integer "
            f"value: {first}"
        }


def _token_count(query: str) -> int:
    lexer = Lexer(Source(query))
    count = 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


DEEPEST = [
    ("Query", "businesses", None), ("BusinessConnection", "edges", "totalCount"),
    ("BusinessEdge", "node", "cursor"), ("Business", "decisions", "name"),
    ("DecisionConsole", "bills", "cash"), ("BillRecommendationConnection", "edges", "totalCount"),
    ("BillRecommendationEdge", "node", "cursor"), ("BillRecommendation", "discount", "amount"),
    ("Discount", None, "percent"),
]  # fmt: skip
"""The schema's deepest path (see test_query_safety.py), and a leaf field of each type on it: a
leaf of level ``n`` (1-based) is the leaf of ``DEEPEST[n - 1]``; ``percent`` is 9 levels deep."""


def deep_selection(levels: int, in_fragments: list[bool]) -> tuple[str, list[str]]:
    """A selection whose leaf is ``levels`` fields deep: real fields as far as the schema goes,
    then unknown ones. Levels picked by ``in_fragments`` move into named fragments, which the
    depth limit must follow (a client could otherwise hide depth in them)."""
    real = min(levels, len(DEEPEST))
    _, _, leaf = DEEPEST[real - 1]
    selection = leaf if levels <= len(DEEPEST) else "y"
    for unknown in range(levels - len(DEEPEST) - 1, 0, -1):
        selection = f"x{unknown} {{ {selection} }}"
    if levels > len(DEEPEST):
        selection = f"percent {{ {selection} }}"  # a scalar given a selection: refused too
    definitions = []
    for level in range(real - 2, -1, -1):
        parent, field, _ = DEEPEST[level]
        selection = f"{field} {{ {selection} }}"
        if level < len(in_fragments) and in_fragments[level]:
            definitions.append(f"fragment F{level} on {parent} {{ {selection} }}")
            selection = f"...F{level}"
    return selection, definitions


@settings(max_examples=80, suppress_health_check=SHARED_FIXTURES)
@given(
    levels=st.integers(2, 20) | st.sampled_from([MAX_QUERY_DEPTH + 1, MAX_QUERY_DEPTH + 2]),
    fragments=st.lists(st.booleans(), max_size=len(DEEPEST)),
    aliases=st.integers(0, 45) | st.sampled_from([MAX_ALIASES, MAX_ALIASES + 1]),
    padding=st.integers(0, 2_100) | st.integers(MAX_TOKENS - 300, MAX_TOKENS),
)
async def test_depth_alias_and_token_limits_hold_at_every_size(
    api: Api, admin_token: str, levels: int, fragments: list[bool], aliases: int, padding: int
) -> None:
    """Each limit refuses exactly the requests past it, with its own message and a code, whatever
    else the request holds; depth is counted through fragments; under every limit, it answers."""
    selection, definitions = deep_selection(levels, fragments)
    aliased = " ".join(f"a{n}: viewer {{ name }}" for n in range(aliases))
    # Tokens that add no field, alias or depth: a long enum list, under a business that doesn't
    # exist (so it answers null). Repeating one field would instead trip graphql-core's own
    # "Validation aborted." budget for comparing fields that must merge.
    padded = (
        f'business(id: "none") {{ hygiene(filter: {{entityTypes: [{"BILL " * padding}]}}) '
        "{ totalCount } }"
        if padding
        else ""
    )
    query = " ".join([f"query Q {{ {selection} {aliased} {padded} }}", *definitions])
    note(query[:2_000])

    body = assert_coded_or_answered(await post(api, {"query": query}, admin_token))

    event("errors" if body.get("errors") else "answered")
    if _token_count(query) > MAX_TOKENS:
        event("over the token limit")
        assert messages(body) == {
            f"Syntax Error: Document contains more than {MAX_TOKENS} tokens. Parsing aborted."
        }
        return
    # Depth counts the levels below the root fields (graphql-depth-limit's convention, which
    # strawberry follows): a leaf ``levels`` deep is at depth ``levels - 1``.
    too_deep = f"'Q' exceeds maximum operation depth of {MAX_QUERY_DEPTH}"
    too_many = f"{aliases} aliases found. Allowed: {MAX_ALIASES}"
    assert (too_deep in messages(body)) == (levels - 1 > MAX_QUERY_DEPTH), messages(body)
    assert (too_many in messages(body)) == (aliases > MAX_ALIASES), messages(body)
    event(f"too deep: {levels - 1 > MAX_QUERY_DEPTH}, too many aliases: {aliases > MAX_ALIASES}")
    if levels <= len(DEEPEST) and aliases <= MAX_ALIASES:
        assert "errors" not in body, body
        assert len(body["data"]) == 1 + aliases + min(padding, 1)  # the padding: business


async def _chunks(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@settings(max_examples=40, suppress_health_check=SHARED_FIXTURES)
@given(
    excess=st.integers(-3, 3) | st.integers(-200_000, 200_000),
    streamed=st.booleans(),
    chunk=st.integers(1_000, 300_000),
)
async def test_bodies_are_refused_exactly_past_the_size_limit(
    api: Api, admin_token: str, excess: int, streamed: bool, chunk: int
) -> None:
    """The 413 comes exactly past ``RUNWAY_MAX_BODY_BYTES``, whether the client declares the size
    (``Content-Length``) or streams the body without one; a body at the limit is answered."""
    template = {"query": "{ viewer { role } }", "variables": {"padding": ""}}
    padding = DEFAULT_MAX_BODY_BYTES + excess - len(encode(template))
    template["variables"] = {"padding": "x" * max(padding, 0)}
    body = encode(template)
    headers = {"Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"}

    content: bytes | AsyncIterator[bytes] = _chunks(body, chunk) if streamed else body
    response = await api.http.post("/graphql", content=content, headers=headers)

    if len(body) > DEFAULT_MAX_BODY_BYTES:
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    else:
        assert response.json() == {"data": {"viewer": {"role": "admin"}}}


@settings(max_examples=20, suppress_health_check=SHARED_FIXTURES)
@example(depth=5_000, method="POST")
@given(depth=st.integers(1, 10_000), method=st.sampled_from(["POST", "GET"]))
async def test_deeply_nested_json_is_refused_as_unreadable(
    api: Api, admin_token: str, depth: int, method: str
) -> None:
    """Two bytes a level, a small body (or query string) nests JSON past Python's recursion limit;
    it must be refused like any unreadable JSON (a 400), not escape the app as a 500."""
    nested = "[" * depth + "]" * depth
    headers = {"Authorization": f"Bearer {admin_token}"}
    query = "query($v: [[String]]) { viewer { role } }"
    if method == "GET":
        response = await api.http.get(
            "/graphql", params={"query": query, "variables": f'{{"v": {nested}}}'}, headers=headers
        )
    else:
        body = f'{{"query": {json.dumps(query)}, "variables": {{"v": {nested}}}}}'
        headers["Content-Type"] = "application/json"
        response = await api.http.post("/graphql", content=body.encode(), headers=headers)

    assert response.status_code in (200, 400), response.text[:300]
    assert "Traceback" not in response.text
    if response.status_code == 200:
        assert_coded_or_answered(response)
