"""Document limits (schema/document_limits.py), suggestions and error logging (schema/errors.py)."""

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from app.asgi import create_app
from app.job_options import AssessmentJobOptions
from app.settings import Settings
from schema.document_limits import MAX_DOCUMENT_CHARS, MAX_REPEATED_FIELDS, MAX_STRING_CHARS
from schema.errors import MAX_LOGGED_PER_REQUEST
from schema.relay import global_id
from tests.conftest import Database
from tests.factories import make_business, make_token
from tests.schema.conftest import NOW, Api


def refusal(body: dict[str, object]) -> tuple[object, str, str]:
    [error] = body["errors"]  # type: ignore[misc]
    return body["data"], error["message"], error["extensions"]["code"]


async def test_a_document_at_the_length_limit_runs_and_one_longer_is_refused(
    api: Api, admin_token: str
) -> None:
    query = "{ viewer { name } }"
    padded = query + " " * (MAX_DOCUMENT_CHARS - len(query))
    assert (await api.query(padded, admin_token))["data"] == {"viewer": {"name": "admin"}}
    refused = await api.query(padded + " ", admin_token)
    assert refusal(refused) == (
        None,
        f"The document is {MAX_DOCUMENT_CHARS + 1} characters long; the limit is "
        f"{MAX_DOCUMENT_CHARS}.",
        "BAD_USER_INPUT",
    )


async def test_a_long_string_literal_is_refused_and_a_variable_is_not(
    api: Api, admin_token: str
) -> None:
    def search(value: str) -> str:
        return f'{{ businesses(search: "{value}") {{ totalCount }} }}'

    at_limit = await api.query(search("x" * MAX_STRING_CHARS), admin_token)
    assert at_limit["errors"][0]["message"] == "'search' must be at most 200 characters"
    refused = await api.query(search("x" * (MAX_STRING_CHARS + 1)), admin_token)
    assert refusal(refused) == (
        None,
        f"A string literal is {MAX_STRING_CHARS + 1} characters long; the limit is "
        f"{MAX_STRING_CHARS} (send long values as variables).",
        "BAD_USER_INPUT",
    )
    # Block strings are string literals too.
    block = '{ businesses(search: """' + "x" * (MAX_STRING_CHARS + 1) + '""") { totalCount } }'
    assert "A string literal is" in refusal(await api.query(block, admin_token))[1]
    as_variable = await api.query(
        "query($s: String) { businesses(search: $s) { totalCount } }",
        admin_token,
        s="x" * (MAX_STRING_CHARS + 1),
    )
    assert as_variable["errors"][0]["message"] == "'search' must be at most 200 characters"


async def test_repeated_fields_are_counted_through_fragments(api: Api, admin_token: str) -> None:
    allowed = "{ " + "viewer { name } " * MAX_REPEATED_FIELDS + "}"
    assert (await api.query(allowed, admin_token))["data"] == {"viewer": {"name": "admin"}}
    direct = "{ " + "viewer { name } " * (MAX_REPEATED_FIELDS + 1) + "}"
    assert refusal(await api.query(direct, admin_token)) == (
        None,
        f"The field 'viewer' is selected {MAX_REPEATED_FIELDS + 1} times in one selection set; "
        f"the limit is {MAX_REPEATED_FIELDS} (use aliases for different arguments).",
        "BAD_USER_INPUT",
    )
    # Spread through inline and named fragments (each named one counts once, as executed).
    spread = (
        "{ "
        + "viewer { name } " * (MAX_REPEATED_FIELDS - 1)
        + "... on Query { viewer { role } } ...V ...V } fragment V on Query { viewer { name } }"
    )
    assert (
        f"selected {MAX_REPEATED_FIELDS + 1} times"
        in refusal(await api.query(spread, admin_token))[1]
    )
    nested = "{ viewer { " + "name " * (MAX_REPEATED_FIELDS + 1) + "} }"
    assert "The field 'name' is selected" in refusal(await api.query(nested, admin_token))[1]


@pytest.fixture
async def production(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """Production's settings (introspection off) with free queries allowed, to reach errors."""
    settings = Settings(
        database_url=database.url,
        environment="prod",
        secret_key="x" * 40,
        trusted_documents=False,
        assessments=AssessmentJobOptions(in_server=False),
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            yield http


async def test_suggestions_are_off_when_introspection_is_off(
    production: httpx.AsyncClient, api: Api, admin_token: str
) -> None:
    typo = "{ busines { totalCount } }"
    hidden = (await production.post("/graphql", json={"query": typo})).json()
    assert refusal(hidden) == (
        None,
        "Cannot query field 'busines' on type 'Query'.",
        "BAD_USER_INPUT",
    )
    argument = '{ businesses(serch: "a") { totalCount } }'
    hidden = (await production.post("/graphql", json={"query": argument})).json()
    assert hidden["errors"][0]["message"] == "Unknown argument 'serch' on field 'Query.businesses'."
    enum = 'query($f: HygieneFilter) { hygieneTray(businessId: "x", filter: $f) { totalCount } }'
    hidden = (
        await production.post(
            "/graphql", json={"query": enum, "variables": {"f": {"entityTypes": ["BIL"]}}}
        )
    ).json()
    assert "Did you mean" not in hidden["errors"][0]["message"]
    assert "'BIL'" in hidden["errors"][0]["message"]
    # Dev, with introspection, keeps them.
    shown = await api.query(typo, admin_token)
    assert "Did you mean 'business'" in shown["errors"][0]["message"]


TRAY = "query($id: ID!) { hygieneTray(businessId: $id) { totalCount } }"


async def test_an_unexpected_error_is_logged_once_with_its_path_and_traceback(
    production: httpx.AsyncClient, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    business = await make_business(database.sessions, name="Alder Dental")
    token = await make_token(database.sessions, role="viewer", business_ids=[business.id or 0])

    async with database.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE assessment RENAME TO assessment_gone"))
    aliases = MAX_LOGGED_PER_REQUEST + 2
    query = (
        "query($id: ID!) { "
        + " ".join(
            f"b{i}: business(id: $id) {{ hygiene {{ totalCount }} }}" for i in range(aliases)
        )
        + " viewer { name } }"
    )
    with caplog.at_level(logging.DEBUG, logger="schema.errors"):
        response = await production.post(
            "/graphql",
            json={"query": query, "variables": {"id": global_id("Business", business.id or 0)}},
            headers={"Authorization": f"Bearer {token}"},
        )
        unauthenticated = await production.post("/graphql", json={"query": "{ viewer { name } }"})
    assert unauthenticated.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert {error["message"] for error in response.json()["errors"]} == {"Unexpected error."}
    ours = [record for record in caplog.records if record.name == "schema.errors"]
    errors = [record for record in ours if record.levelno == logging.ERROR]
    assert len(errors) == MAX_LOGGED_PER_REQUEST + 1
    first = errors[0]
    assert first.getMessage().startswith("Unexpected error at b")
    assert ".hygiene: " in first.getMessage()
    assert first.exc_info is not None
    assert errors[-1].getMessage() == "…and 2 more unexpected errors in the same request"
    # The expected error is a one-line DEBUG record, never an ERROR.
    debug = [record.getMessage() for record in ours if record.levelno == logging.DEBUG]
    assert debug == ["client error: Send an API token: 'Authorization: Bearer <token>'."]


async def test_an_unexpected_error_is_logged_without_the_document_around_it(
    production: httpx.AsyncClient, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """graphql-core renders an error with the document lines around each location; a client
    chooses that text (up to the body limit), so none of it reaches the log."""
    business = await make_business(database.sessions, name="Alder Dental")
    token = await make_token(database.sessions, role="viewer", business_ids=[business.id or 0])
    async with database.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE assessment RENAME TO assessment_gone"))
    marker = "chosen-by-the-client"
    query = "query($id: ID!) { business(id: $id) { hygiene { totalCount } } } # " + marker

    with caplog.at_level(logging.DEBUG):
        response = await production.post(
            "/graphql",
            json={"query": query, "variables": {"id": global_id("Business", business.id or 0)}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.json()["errors"][0]["message"] == "Unexpected error."
    logged = "\n".join(logging.Formatter("%(message)s").format(r) for r in caplog.records)
    assert "Unexpected error at business.hygiene" in logged
    assert marker not in logged
