"""The stored digest snapshot is the GraphQL ``digest`` answer: same fields, names and scalars.

The company and the snapshot are the render tests' (tests/resolvers/digest_company.py); the
live answer comes from the schema itself, executed with a ``Context`` at the same pinned clock.
"""

from datetime import date

from domains.access.queries import Caller
from schema import build_schema as build_strawberry_schema
from schema.context import Context
from sync.settings import QboSettings
from tests.conftest import Database
from tests.resolvers.digest_company import load_business, snapshot_of
from tests.schema.conftest import NOW, LoadCompanies
from tests.schema.selections import every_field

ADMIN = Caller(token_id=1, name="admin", role="admin", business_ids=None)


async def test_the_snapshot_is_the_live_graphql_digest(
    database: Database, load_companies: LoadCompanies
) -> None:
    business = await load_business(database, load_companies)
    schema = build_strawberry_schema()
    query = (
        "query($id: ID!, $weekOf: Date) { digest(businessId: $id, weekOf: $weekOf) { "
        + every_field("Digest")
        + " } }"
    )
    for week_of in (None, date(2026, 11, 30)):
        snapshot = await snapshot_of(database, business, week_of)
        context = Context(
            sessions=database.sessions,
            caller=ADMIN,
            qbo_app_url=QboSettings().app_url,
            clock=lambda: NOW,
        )
        answer = await schema.execute(
            query,
            variable_values={
                "id": snapshot["businessId"],
                "weekOf": week_of.isoformat() if week_of else None,
            },
            context_value=context,
        )
        assert answer.errors is None, answer.errors
        assert answer.data is not None and answer.data["digest"] == snapshot, week_of
        # Every list holds something, so every nested mapping was compared, not just [] == [].
        for key in ("billsDueThisWeek", "overdueInvoices", "topActions", "alerts", "forecast"):
            assert snapshot[key], (week_of, key)
