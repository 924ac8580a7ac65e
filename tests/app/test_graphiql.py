"""GraphiQL (app/graphiql.py): served from this package, naming no other host; the index page."""

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.asgi import create_app
from app.graphiql import Example, graphiql_html, load_examples
from app.job_options import AssessmentJobOptions
from app.settings import Settings
from tests.conftest import Database

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
ATTRIBUTE = re.compile(r'(?:src|href)="([^"]+)"')


async def _client(database: Database, **values: object) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=database.url,
        assessments=AssessmentJobOptions(in_server=False),
        _env_file=None,  # type: ignore[call-arg]
        **values,  # type: ignore[arg-type]
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            yield http


@pytest.fixture
async def dev(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _client(database):
        yield http


@pytest.fixture
async def production(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _client(database, environment="prod", secret_key="x" * 40):
        yield http


async def test_graphiql_names_no_other_host_and_its_assets_are_served(
    dev: httpx.AsyncClient,
) -> None:
    page = await dev.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert "://" not in page.text  # every address is on this server
    assets = ATTRIBUTE.findall(page.text)
    assert sorted(assets) == [
        "/static/graphiql/graphiql.min.css",
        "/static/graphiql/graphiql.min.js",
        "/static/graphiql/react-dom.production.min.js",
        "/static/graphiql/react.production.min.js",
    ]
    for asset in assets:
        response = await dev.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 1000
    stylesheet = (await dev.get("/static/graphiql/graphiql.min.css")).text
    assert "@import" not in stylesheet
    assert not re.search(r"url\((?!data:)", stylesheet)  # fonts and images are inlined


async def test_graphiql_opens_on_the_examples_and_keeps_headers_out_of_storage(
    dev: httpx.AsyncClient,
) -> None:
    page = (await dev.get("/graphql", headers=BROWSER)).text
    data = re.search(r'<script id="runway-examples" type="application/json">(.*?)</script>', page)
    assert data is not None
    tabs = json.loads(data.group(1))
    assert tabs[0]["query"].startswith("# The advisor overview")  # needs no variables
    assert {tab["query"].split("\n")[1].split("(")[0] for tab in tabs} == {
        "query AdvisorOverview",
        "query DecisionScreen",
        "query DigestPreview",
        "query HygieneQueue",
    }
    with_business = [json.loads(tab["variables"]) for tab in tabs if tab["variables"]]
    assert with_business and all("businessId" in variables for variables in with_business)
    assert "shouldPersistHeaders: false" in page
    assert "Welcome to GraphiQL" not in page


def test_an_example_cannot_close_the_script_element() -> None:
    page = graphiql_html([Example("x", "# </script><script>alert(1)</script>\n{ viewer }", "")])
    assert "</script><script>alert" not in page


def test_no_examples_without_the_repository(tmp_path: Path) -> None:
    assert load_examples(tmp_path / "missing") == []


async def test_the_root_leads_to_graphiql_in_dev_and_to_an_index_otherwise(
    dev: httpx.AsyncClient, production: httpx.AsyncClient
) -> None:
    redirect = await dev.get("/", headers=BROWSER)
    assert (redirect.status_code, redirect.headers["location"]) == (307, "/graphql")
    index = await production.get("/", headers=BROWSER)
    assert index.status_code == 200
    assert "POST /graphql" in index.text
    assert (await production.get("/graphql", headers=BROWSER)).status_code == 404
    assert (await production.get("/static/graphiql/graphiql.min.js")).status_code == 404
