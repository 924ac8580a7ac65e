"""The hand-built books as the GraphQL tests reach them: documents, a handle, answer readers.

Shared by the per-view modules (test_hygiene, test_console, test_digest, test_bill_decisions and
test_records); the ``books`` fixture (conftest.py) loads ``tests.handbuilt.company.harborview``.
"""

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import col

from domains.ap.models import Bill
from schema.relay import global_id
from tests.conftest import Database

if TYPE_CHECKING:
    from tests.schema.conftest import Api  # conftest imports this module (the books fixture)

QBO = "https://app.qbo.intuit.com"
SYNCED_AT = "2026-11-20T17:00:00+00:00"

TRAY = """
query Tray($businessId: ID!, $filter: HygieneFilter, $first: Int, $after: String) {
  hygieneTray(businessId: $businessId, filter: $filter, first: $first, after: $after) {
    businessId asOf dataSyncedAt score examinedCount issueCount highCount mediumCount lowCount
    amountAtStake totalCount
    matching { itemCount issueCount highCount mediumCount lowCount amountAtStake }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id entityType qboId label amount dueDate severity counterpartyName qboUrl
        issues {
          code severity message field amount
          relatedRecord { id entityType qboId label amount txnDate qboUrl }
        }
      }
    }
  }
}
"""

BILL_FIELDS = """
fragment BillFields on BillRecommendation {
  id qboId label vendorName vendorId dueDate amount daysUntilDue urgency latestSafePayDate
  recommendedPayDate action group signals reasons priority runwayImpactDays criticalVendor
  decidedAction decidedFor qboUrl
  discount { percent deadline payBy savings annualisedReturn runwayAllows }
}
fragment CollectionFields on CollectionRecommendation {
  id qboId label customerName contactEmail dueDate amount daysOverdue urgency agingBucket action
  priority expectedCollectionDate runwayImpactDays qboUrl reasons duplicateOf { qboId label }
}
"""

SUMMARY_FIELDS = """
fragment SummaryFields on DecisionSummary {
  mustPayCount mustPayAmount canDelayCount canDelayAmount scheduledCount scheduledAmount
  toCollectCount toCollectAmount discountSavings
}
"""

CONSOLE = (
    """
query Console($businessId: ID!, $filter: DecisionFilter, $asOf: Date) {
  decisionConsole(businessId: $businessId, filter: $filter, asOf: $asOf) {
    businessId asOf dataSyncedAt cash weeklyNetBurn runwayWeeks status coveredUntil
    cashZeroDate runwayStatus forecastStatus statusBasis statusReason
    summary { ...SummaryFields }
    payPlan {
      cash mustPayAmount fundedCount fundedAmount shortfall inCrunch
      firstUnfunded { qboId }
      steps(first: 500) { totalCount edges { node { bill { qboId amount } cashAfter funded } } }
    }
    bills(first: 500) { totalCount edges { node { ...BillFields } } }
    collections(first: 500) { totalCount edges { node { ...CollectionFields } } }
  }
}
"""
    + SUMMARY_FIELDS
    + BILL_FIELDS
)

DIGEST = (
    """
query Digest($businessId: ID!) {
  digest(businessId: $businessId) {
    businessId businessName currency weekStart weekEnd asOf generatedAt dataSyncedAt
    status cash weeklyNetBurn runwayWeeks notBurning coveredUntil cashZeroDate
    runwayStatus forecastStatus statusBasis statusReason headline
    bankAccounts { name balance qboId }
    forecast { weekStart weekEnd opening collections bills baselineSpend closing }
    alerts { code level message }
    payables {
      openCount openAmount dueThisWeekCount dueThisWeekAmount overdueCount overdueAmount
      aging { bucket count amount }
    }
    receivables { openCount openAmount overdueCount overdueAmount aging { bucket count amount } }
    billsDueThisWeek { ...BillFields }
    overdueInvoices { ...CollectionFields }
    topActions { kind description daysAdded amount entityType entityId label qboUrl }
    hygiene { score issueCount highCount mediumCount lowCount amountAtStake }
    decisions { ...SummaryFields }
    freshness { syncedAt stale }
    recipients
  }
}
"""
    + SUMMARY_FIELDS
    + BILL_FIELDS
)


class Books:
    """The loaded company as the tests reach it: its global id, an admin token, its row id."""

    def __init__(self, api: "Api", token: str, pk: int) -> None:
        self.api = api
        self.token = token
        self.pk = pk
        self.id = global_id("Business", pk)

    async def tray(self, **variables: Any) -> Any:
        return ok(await self.api.query(TRAY, self.token, businessId=self.id, **variables))[
            "hygieneTray"
        ]

    async def console(self, **variables: Any) -> Any:
        return ok(await self.api.query(CONSOLE, self.token, businessId=self.id, **variables))[
            "decisionConsole"
        ]

    async def digest(self) -> Any:
        return ok(await self.api.query(DIGEST, self.token, businessId=self.id))["digest"]


def ok(body: Any) -> Any:
    assert "errors" not in body, body["errors"]
    return body["data"]


def error_of(body: Any) -> tuple[str, str]:
    """(code, message) of the single error of a failed request."""
    assert body["data"] is None, body
    [error] = body["errors"]
    return error["extensions"]["code"], error["message"]


def nodes(connection: Any) -> list[Any]:
    return [edge["node"] for edge in connection["edges"]]


def keys(tray: Any) -> list[tuple[str, str]]:
    return [(node["entityType"], node["qboId"]) for node in nodes(tray)]


def qbo_ids(connection: Any) -> list[str]:
    return [node["qboId"] for node in nodes(connection)]


def by_qbo_id(connection: Any) -> dict[str, Any]:
    return {node["qboId"]: node for node in nodes(connection)}


async def bill_pk(database: Database, business_pk: int, qbo_id: str) -> int:
    async with database.sessions() as session:
        pk = await session.scalar(
            select(col(Bill.id)).where(
                col(Bill.business_id) == business_pk, col(Bill.qbo_id) == qbo_id
            )
        )
    assert pk is not None
    return pk


def bill_row(node: Any) -> tuple[Any, ...]:
    return (
        node["qboId"],
        node["group"],
        node["action"],
        node["signals"],
        node["priority"],
        node["dueDate"],
        node["daysUntilDue"],
        node["urgency"],
        node["latestSafePayDate"],
        node["recommendedPayDate"],
        node["runwayImpactDays"],
        node["criticalVendor"],
    )


def forecast_rows(digest: Any) -> list[tuple[str, ...]]:
    return [
        (
            w["weekStart"],
            w["weekEnd"],
            w["opening"],
            w["collections"],
            w["bills"],
            w["baselineSpend"],
            w["closing"],
        )
        for w in digest["forecast"]
    ]
