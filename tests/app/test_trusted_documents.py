"""Trusted documents over HTTP (app/trusted_documents.py): production runs only registered ones."""

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.asgi import create_app
from app.job_options import AssessmentJobOptions
from app.settings import Settings
from domains.access import queries as access_queries
from domains.documents import queries as document_queries
from domains.documents.queries import NewDocument
from tests.app.cli import run_runway
from tests.conftest import Database
from tests.factories import make_business, make_token

VIEWER = "query Viewer { viewer { name role } }\n"
SHA = document_queries.sha256_of(VIEWER)
GRAPHQL_RESPONSE = "application/graphql-response+json"
EXAMPLES = len(list(Path("docs/queries").glob("*.graphql")))


def _write_manifests(directory: Path) -> tuple[Path, Path, Path]:
    """An Apollo manifest, a Relay one, and a broken document, as files."""
    apollo = directory / "apollo.json"
    apollo.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": "a" * 64, "name": "Who", "type": "query", "body": VIEWER}],
            }
        )
    )
    relay = directory / "relay.json"
    relay.write_text(json.dumps({"relay-1": "query Role { viewer { role } }"}))
    broken = directory / "broken.graphql"
    broken.write_text("query { viewer {")
    return apollo, relay, broken


def _settings(database: Database, **values: object) -> Settings:
    return Settings(
        database_url=database.url,
        assessments=AssessmentJobOptions(in_server=False),
        _env_file=None,  # type: ignore[call-arg]
        **values,  # type: ignore[arg-type]
    )


async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            yield http


@pytest.fixture
async def production(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """Production's defaults: only registered documents run, for tokens not ad hoc."""
    async with database.sessions.begin() as session:
        await document_queries.register_documents(
            session, documents=[NewDocument(body=VIEWER, name="Viewer")]
        )
    settings = _settings(database, environment="prod", secret_key="x" * 40)
    assert settings.trusted_documents_only
    async for http in _client(settings):
        yield http


@pytest.fixture
async def dev(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _client(_settings(database)):
        yield http


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_production_refuses_free_queries_of_ordinary_tokens(
    production: httpx.AsyncClient, database: Database
) -> None:
    token = await make_token(database.sessions, role="viewer", name="dana")
    free = await production.post(
        "/graphql",
        json={"query": "{ viewer { name } }"},
        headers={**_bearer(token), "Accept": GRAPHQL_RESPONSE},
    )
    assert free.status_code == 400
    [error] = free.json()["errors"]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
    assert "runway documents register" in error["message"]
    assert "data" not in free.json()
    anonymous = await production.post("/graphql", json={"query": "{ viewer { name } }"})
    assert anonymous.status_code == 200
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"


async def test_production_runs_registered_documents_by_id_hash_or_text(
    production: httpx.AsyncClient, database: Database
) -> None:
    token = await make_token(database.sessions, role="viewer", name="dana")
    expected = {"data": {"viewer": {"name": "dana", "role": "viewer"}}}
    by_id = await production.post(
        "/graphql", json={"documentId": f"sha256:{SHA}"}, headers=_bearer(token)
    )
    assert by_id.json() == expected
    by_get = await production.get(
        "/graphql", params={"documentId": f"sha256:{SHA}"}, headers=_bearer(token)
    )
    assert by_get.json() == expected
    apollo = {"persistedQuery": {"version": 1, "sha256Hash": SHA}}
    by_hash = await production.post(
        "/graphql", json={"extensions": apollo, "variables": {}}, headers=_bearer(token)
    )
    assert by_hash.json() == expected
    by_get_hash = await production.get(
        "/graphql", params={"extensions": json.dumps(apollo)}, headers=_bearer(token)
    )
    assert by_get_hash.json() == expected
    by_text = await production.post("/graphql", json={"query": VIEWER}, headers=_bearer(token))
    assert by_text.json() == expected


async def test_an_unknown_document_is_not_found_and_never_registered(
    production: httpx.AsyncClient, database: Database
) -> None:
    token = await make_token(database.sessions, role="viewer")
    unknown = await production.post(
        "/graphql", json={"documentId": "sha256:" + "0" * 64}, headers=_bearer(token)
    )
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    # Apollo's retry sends the text with the hash: still only a free query, refused.
    text = "{ viewer { role } }"
    retry = await production.post(
        "/graphql",
        json={
            "query": text,
            "extensions": {"persistedQuery": {"sha256Hash": document_queries.sha256_of(text)}},
        },
        headers=_bearer(token),
    )
    assert retry.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
    long_id = await production.post(
        "/graphql", json={"documentId": "x" * 1000}, headers=_bearer(token)
    )
    assert long_id.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    wrong_type = await production.post("/graphql", json={"documentId": 7}, headers=_bearer(token))
    assert wrong_type.status_code == 400
    async with database.sessions() as session:
        assert len(await document_queries.list_documents(session)) == 1


async def test_an_ad_hoc_token_sends_free_queries_in_production(
    production: httpx.AsyncClient, database: Database
) -> None:
    async with database.sessions.begin() as session:
        token = await access_queries.create_token(
            session,
            name="operator",
            role="operator",
            business_ids=[],
            all_businesses=True,
            ad_hoc=True,
        )
    free = await production.post(
        "/graphql", json={"query": "{ viewer { name } }"}, headers=_bearer(token)
    )
    assert free.json() == {"data": {"viewer": {"name": "operator"}}}


async def test_dev_keeps_free_queries_and_runs_documents_too(
    dev: httpx.AsyncClient, database: Database
) -> None:
    token = await make_token(database.sessions, role="viewer", name="dana")
    free = await dev.post("/graphql", json={"query": "{ viewer { name } }"}, headers=_bearer(token))
    assert free.json() == {"data": {"viewer": {"name": "dana"}}}
    async with database.sessions.begin() as session:
        [registration] = await document_queries.register_documents(
            session, documents=[NewDocument(body=VIEWER, id="viewer-v1")]
        )
    assert registration.created
    by_id = await dev.post("/graphql", json={"documentId": "viewer-v1"}, headers=_bearer(token))
    assert by_id.json() == {"data": {"viewer": {"name": "dana", "role": "viewer"}}}
    # The same text can't come back under another id, nor the id with another text.
    async with database.sessions.begin() as session:
        with pytest.raises(ValueError, match="conflicts with the registered 'viewer-v1'"):
            await document_queries.register_documents(session, documents=[NewDocument(body=VIEWER)])
    async with database.sessions.begin() as session:
        with pytest.raises(ValueError, match="conflicts"):
            await document_queries.register_documents(
                session, documents=[NewDocument(body="{ viewer { role } }", id="viewer-v1")]
            )
        again = await document_queries.register_documents(
            session, documents=[NewDocument(body=VIEWER, id="viewer-v1")]
        )
    assert [registration.created for registration in again] == [False]


async def test_the_examples_are_the_documents_the_cli_registers(
    database_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "RUNWAY_DATABASE_URL": database_url, "COLUMNS": "200"}
    code, output = await run_runway("db", "upgrade", env=env)
    assert code == 0, output
    code, output = await run_runway("documents", "register", env=env)
    assert code == 0, output
    lines = [line for line in output.splitlines() if line.startswith("sha256:")]
    assert len(lines) == EXAMPLES
    assert any("AdvisorOverview" in line and "(registered)" in line for line in lines)

    apollo, relay, broken = _write_manifests(tmp_path)
    code, output = await run_runway("documents", "register", str(apollo), str(relay), env=env)
    assert code == 0, output
    assert f"{'a' * 64}  Who  (registered)" in output
    assert "relay-1  Role  (registered)" in output

    code, output = await run_runway("documents", "register", str(broken), env=env)
    assert code == 2
    assert "broken.graphql: Syntax Error" in output

    code, output = await run_runway("documents", "list", env=env)
    assert code == 0
    assert "relay-1  Role" in output
    assert "AdvisorOverview" in output

    code, output = await run_runway(
        "token", "create", "--role", "viewer", "--all-businesses", "--ad-hoc", env=env
    )
    assert code == 0, output


async def test_the_ad_hoc_flag_is_stored_with_the_token(database: Database) -> None:
    business = await make_business(database.sessions)

    async with database.sessions.begin() as session:
        token = await access_queries.create_token(
            session,
            name="x",
            role="viewer",
            business_ids=[business.id or 0],
            all_businesses=False,
            ad_hoc=True,
        )
        caller = await access_queries.get_caller(session, token=token)
        plain = await access_queries.create_token(
            session, name="y", role="viewer", business_ids=[], all_businesses=True
        )
        plain_caller = await access_queries.get_caller(session, token=plain)
    assert caller is not None and caller.ad_hoc
    assert plain_caller is not None and not plain_caller.ad_hoc
