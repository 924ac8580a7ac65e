"""The console's pay plan end to end, over HTTP, for a business in a cash crunch.

The company is ``tests.handbuilt.cinder_forge`` (read its docstring first): 1,162.50 in the bank
against 1,940.00 of must-pay bills. What the console shows for it, with the arithmetic, is
``tests.handbuilt.cinder_forge_figures``; every expected value is a literal from there, and
nothing here calls the rules. The plan of a business without a crunch is in test_console.py.
Today is Friday 2026-11-20 (America/Los_Angeles).
"""

from typing import Any

from tests.handbuilt import cinder_forge_figures as figures
from tests.schema.books import Books, bill_row, nodes, ok, qbo_ids

PLAN_PAGE = """
query Plan($businessId: ID!, $filter: DecisionFilter, $after: String) {
  decisionConsole(businessId: $businessId, filter: $filter) {
    bills { totalCount edges { node { qboId } } }
    payPlan {
      mustPayAmount fundedCount shortfall firstUnfunded { qboId }
      steps(first: 2, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { node { bill { qboId } cashAfter funded } }
      }
    }
  }
}
"""


def steps(plan: Any) -> list[tuple[str, str, str, bool]]:
    return [
        (step["bill"]["qboId"], step["bill"]["amount"], step["cashAfter"], step["funded"])
        for step in nodes(plan["steps"])
    ]


async def test_crunch_runway_status_and_cover(crunch: Books) -> None:
    console = await crunch.console()

    assert (console["cash"], console["weeklyNetBurn"]) == (
        figures.CASH,
        figures.WEEKLY_NET_BURN,
    )
    assert console["runwayWeeks"] == figures.RUNWAY_WEEKS  # 1,162.50 / 350.00 = 3.32
    # Both measures are CRITICAL; the forecast's cash-zero date (11-30) comes before the
    # runway's end (12-13), so the forecast decides, and cover ends the day before.
    assert (console["runwayStatus"], console["forecastStatus"]) == ("CRITICAL", "CRITICAL")
    assert (console["status"], console["statusBasis"]) == (figures.STATUS, figures.STATUS_BASIS)
    assert console["statusReason"] == figures.STATUS_REASON
    assert (console["cashZeroDate"], console["coveredUntil"]) == (
        figures.CASH_ZERO_DATE,
        figures.COVERED_UNTIL,
    )
    assert console["summary"] == figures.SUMMARY


async def test_crunch_bills_are_ranked_with_their_reasons(crunch: Books) -> None:
    console = await crunch.console()

    assert [bill_row(node) for node in nodes(console["bills"])] == figures.READY_BILLS
    assert {node["qboId"]: node["reasons"] for node in nodes(console["bills"])} == figures.REASONS


async def test_crunch_pay_plan_funds_bills_in_order_until_the_cash_runs_out(crunch: Books) -> None:
    plan = (await crunch.console())["payPlan"]

    assert plan["cash"] == figures.CASH
    assert steps(plan) == figures.PAY_PLAN_STEPS
    assert plan["steps"]["totalCount"] == 4
    assert (plan["mustPayAmount"], plan["fundedCount"], plan["fundedAmount"]) == (
        figures.MUST_PAY_AMOUNT,
        figures.FUNDED_COUNT,
        figures.FUNDED_AMOUNT,
    )
    assert plan["firstUnfunded"]["qboId"] == figures.FIRST_UNFUNDED
    assert (plan["shortfall"], plan["inCrunch"]) == (figures.SHORTFALL, True)


async def test_crunch_pay_plan_is_the_whole_plan_whatever_the_filter(crunch: Books) -> None:
    body = await crunch.api.query(
        PLAN_PAGE, crunch.token, businessId=crunch.id, filter={"groups": ["CAN_DELAY"]}
    )
    first = ok(body)["decisionConsole"]
    after = first["payPlan"]["steps"]["pageInfo"]["endCursor"]
    second = ok(
        await crunch.api.query(
            PLAN_PAGE,
            crunch.token,
            businessId=crunch.id,
            filter={"groups": ["CAN_DELAY"]},
            after=after,
        )
    )["decisionConsole"]

    assert qbo_ids(first["bills"]) == ["704"]  # the screen shows only what can wait…
    plan = first["payPlan"]  # …but what to pay first does not change with it
    assert (plan["mustPayAmount"], plan["fundedCount"], plan["shortfall"]) == (
        figures.MUST_PAY_AMOUNT,
        figures.FUNDED_COUNT,
        figures.SHORTFALL,
    )
    assert plan["firstUnfunded"] == {"qboId": figures.FIRST_UNFUNDED}
    pages = [plan["steps"], second["payPlan"]["steps"]]
    assert [
        [(n["bill"]["qboId"], n["cashAfter"], n["funded"]) for n in nodes(page)] for page in pages
    ] == [
        [(qbo_id, cash_after, funded) for qbo_id, _, cash_after, funded in part]
        for part in (figures.PAY_PLAN_STEPS[:2], figures.PAY_PLAN_STEPS[2:])
    ]
    assert [(p["pageInfo"]["hasNextPage"], p["pageInfo"]["hasPreviousPage"]) for p in pages] == [
        (True, False),
        (False, True),
    ]
