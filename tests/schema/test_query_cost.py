"""The query cost limit (schema/query_cost.py): businesses x views x distinct dates, refused unrun.

Issue 14's request: a viewer sends 30 aliases over all its businesses, each with a date of its
own; ten of them at once kept /healthz and another tenant waiting for seconds.
"""

import asyncio
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlmodel import col

from domains.assessments.models import Assessment
from schema.query_cost import MAX_DISTINCT_DATES, MAX_QUERY_COST
from sync.fakeqbo.generator import CompanySize, generate_companies
from tests.conftest import Database
from tests.factories import make_token
from tests.schema.conftest import NOW, Api, LoadCompanies

TODAY = NOW.date()


def item_2_request(dates: int = 30) -> str:
    """30 aliases over every business the token sees, each as of a date of its own."""
    aliases = " ".join(
        f'a{i}: businesses(first: 500) {{ edges {{ node {{ decisions(asOf: "{day}") '
        "{ cash runwayWeeks } } } }"
        for i, day in enumerate(TODAY - timedelta(days=1 + i) for i in range(dates))
    )
    return "{ " + aliases + " }"


def heaviest_allowed(days: list[date]) -> str:
    """Three views over every business for each of ``MAX_DISTINCT_DATES`` dates."""
    views = " ".join(
        f'd{i}: decisions(asOf: "{day}") {{ cash runwayWeeks }} '
        f'h{i}: hygiene(asOf: "{day}", first: 50) {{ score totalCount }} '
        f'g{i}: digest(weekOf: "{day}") {{ status cash runwayWeeks }}'
        for i, day in enumerate(days)
    )
    return "{ businesses(first: 500) { edges { node { " + views + " } } } }"


async def _stored_days(database: Database, days: list[date]) -> int:
    async with database.sessions() as session:
        count = await session.scalar(select(func.count()).where(col(Assessment.as_of).in_(days)))
    return int(count or 0)


async def test_the_cost_and_the_limit_are_in_the_message_and_nothing_runs(
    api: Api, database: Database, load_companies: LoadCompanies
) -> None:
    companies = generate_companies(count=3, seed=5, as_of=TODAY, size=CompanySize.small())
    ids = await load_companies(companies)
    viewer = await make_token(database.sessions, role="viewer", business_ids=ids, name="v")
    body = await api.query(item_2_request(), viewer)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == (
        f"This query costs 2700 (3 businesses x 30 views x 30 distinct dates); the limit is "
        f"{MAX_QUERY_COST}. Ask for fewer businesses (`first`), views or dates per request."
    )
    days = [TODAY - timedelta(days=1 + i) for i in range(30)]
    assert await _stored_days(database, days) == 0

    # Past the dates cap but within the cost: refused for its dates.
    few = await api.query(item_2_request(MAX_DISTINCT_DATES + 1), viewer)
    assert few["errors"][0]["message"] == (
        f"This query asks for {MAX_DISTINCT_DATES + 1} distinct dates (asOf/weekOf); the limit "
        f"is {MAX_DISTINCT_DATES}."
    )
    # The same counted through a variable, a fragment and an operation's default value.
    through = await api.query(
        'query($d: Date, $e: Date = "2026-01-02") { ...F x: businesses(first: 2) '
        "{ edges { node { decisions(asOf: $e) { cash } } } } } "
        "fragment F on Query { businesses(first: 2) { edges { node { decisions(asOf: $d) "
        "{ cash } hygiene(first: 1) { score } digest { status } } } } }",
        viewer,
        d="2026-01-01",
    )
    assert "errors" not in through, through
    assert await _stored_days(database, [date(2026, 1, 1), date(2026, 1, 2)]) == 4


async def test_issue_14s_request_is_refused_while_the_heaviest_allowed_one_leaves_others_served(
    api: Api, database: Database, load_companies: LoadCompanies
) -> None:
    companies = generate_companies(count=4, seed=11, as_of=TODAY, size=CompanySize())
    *heavy_ids, other_id = await load_companies(companies)
    heavy = await make_token(database.sessions, role="viewer", business_ids=heavy_ids, name="h")
    other = await make_token(database.sessions, role="viewer", business_ids=[other_id], name="o")
    page = (
        "{ businesses { edges { node { name decisions { cash } hygiene(first: 50) { score } } } } }"
    )
    warm = await api.query(page, other)  # the other tenant's today is stored: a page reads it
    assert "errors" not in warm, warm

    days = [TODAY - timedelta(days=7 * (1 + i)) for i in range(MAX_DISTINCT_DATES)]
    finished: list[str] = []

    async def request(label: str, query: str, token: str) -> dict[str, object]:
        body: dict[str, object] = await api.query(query, token)
        finished.append(label)
        return body

    async def health() -> int:
        response = await api.http.get("/healthz")
        finished.append("healthz")
        return response.status_code

    heaviest = asyncio.create_task(request("heaviest", heaviest_allowed(days), heavy))
    refused = [asyncio.create_task(request("item-2", item_2_request(), heavy)) for _ in range(10)]
    served = await request("other tenant", page, other)
    healthy = await health()
    assert "errors" not in served and healthy == 200
    bodies = await asyncio.gather(*refused)
    assert all(
        "the limit is 2000" in body["errors"][0]["message"]  # type: ignore[index]
        for body in bodies
    )
    allowed = await heaviest
    assert "errors" not in allowed, allowed
    # The other tenant's page and /healthz were answered before the heaviest request was.
    assert finished.index("other tenant") < finished.index("heaviest")
    assert finished.index("healthz") < finished.index("heaviest")
    assert await _stored_days(database, days) == len(heavy_ids) * len(days)
