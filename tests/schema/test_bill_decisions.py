"""``decideBill`` end to end: the decision recorded, and the console and forecast following it.

The company is ``tests.handbuilt.company.harborview`` (read its docstring first); the figures
the views show for it, with the arithmetic, are ``tests.handbuilt.figures``, and the documents
and readers these tests share are ``tests.schema.books``. Every expected value is a literal worked
out by hand, with the arithmetic in a comment; nothing here calls the rules. Today is Friday
2026-11-20 (America/Los_Angeles); this week is Mon 11-16 .. Sun 11-22.
"""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from domains.decisions.models import BillDecision
from schema.relay import global_id
from tests.conftest import Database
from tests.factories import make_token
from tests.handbuilt.company import other_company
from tests.schema.books import Books, bill_pk, by_qbo_id, error_of, forecast_rows, ok
from tests.schema.conftest import LoadCompanies

DECIDE = """
mutation Decide($input: DecideBillInput!) {
  decideBill(input: $input) { id billId action decidedFor note decidedBy decidedAt }
}
"""


@pytest.fixture
async def operator_token(database: Database) -> str:
    return await make_token(database.sessions, role="operator", name="ops")


async def decide(books: Books, token: str, bill_id: str, action: str, day: str) -> Any:
    return await books.api.query(
        DECIDE, token, input={"billId": bill_id, "action": action, "date": day, "note": "why"}
    )


async def stored_decisions(database: Database) -> list[tuple[int, str, date, str]]:
    async with database.sessions() as session:
        rows = (await session.scalars(select(BillDecision).order_by(col(BillDecision.id)))).all()
    return [(row.bill_id, row.action, row.decided_for, row.decided_by) for row in rows]


async def test_delay_decision_schedules_the_bill_and_moves_it_in_the_forecast(
    books: Books, operator_token: str, database: Database
) -> None:
    bill_id = by_qbo_id((await books.console())["bills"])["105"]["id"]

    decided = ok(await decide(books, operator_token, bill_id, "DELAY_TO", "2027-01-06"))
    console = await books.console()
    digest = await books.digest()

    decision = decided["decideBill"]
    assert (decision["billId"], decision["action"], decision["decidedFor"]) == (
        bill_id,
        "DELAY_TO",
        "2027-01-06",
    )
    assert (decision["note"], decision["decidedBy"]) == ("why", "ops")
    bill = by_qbo_id(console["bills"])["105"]
    assert (bill["group"], bill["decidedAction"], bill["decidedFor"]) == (
        "SCHEDULED",
        "DELAY_TO",
        "2027-01-06",
    )
    summary = console["summary"]
    assert (summary["canDelayCount"], summary["canDelayAmount"]) == (1, "80.00")  # 104 only
    assert (summary["scheduledCount"], summary["scheduledAmount"]) == (2, "8500.00")  # 107 + 105
    # 3,500.00 leaves week 4 (6,500 -> 3,000) for Wednesday 2027-01-06, in week 8.
    weeks = forecast_rows(digest)
    assert weeks[3][4] == "3000.00"
    assert weeks[7][:5] == ("2027-01-04", "2027-01-10", "-9494.29", "0.00", "3500.00")
    # Week 6 closes 3,500 higher: -12,494.29 + 3,500 = -8,994.29; week 8 ends where it did.
    assert weeks[5][6] == "-8994.29"
    assert weeks[7][6] == "-13494.29"
    # A decided bill is no longer offered as a runway action.
    assert "Bill 105 from Acme Supply" not in [a["label"] for a in digest["topActions"]]
    assert await stored_decisions(database) == [
        (await bill_pk(database, books.pk, "105"), "DELAY_TO", date(2027, 1, 6), "ops")
    ]


async def test_a_second_decision_supersedes_the_first(
    books: Books, operator_token: str, database: Database
) -> None:
    bill_id = by_qbo_id((await books.console())["bills"])["105"]["id"]

    ok(await decide(books, operator_token, bill_id, "DELAY_TO", "2027-01-06"))
    ok(await decide(books, operator_token, bill_id, "PAY_ON", "2026-11-27"))
    console = await books.console()
    digest = await books.digest()

    bill = by_qbo_id(console["bills"])["105"]
    assert (bill["group"], bill["decidedAction"], bill["decidedFor"]) == (
        "SCHEDULED",
        "PAY_ON",
        "2026-11-27",
    )
    weeks = forecast_rows(digest)
    assert weeks[1][4] == "4480.00"  # week 2: 980 + 3,500 on Friday 11-27
    assert weeks[3][4] == "3000.00"  # week 4 without it
    assert weeks[7][4] == "0.00"  # the superseded delay to 2027-01-06 is not in force
    # The audit trail keeps both, in order; the latest is the one in force.
    pk = await bill_pk(database, books.pk, "105")
    assert await stored_decisions(database) == [
        (pk, "DELAY_TO", date(2027, 1, 6), "ops"),
        (pk, "PAY_ON", date(2026, 11, 27), "ops"),
    ]


async def test_decide_bill_rejects_bad_input_and_writes_nothing(
    books: Books,
    operator_token: str,
    database: Database,
    load_companies: LoadCompanies,
) -> None:
    bill_id = by_qbo_id((await books.console())["bills"])["105"]["id"]
    paid_id = global_id("Bill", await bill_pk(database, books.pk, "114"))
    unknown_id = global_id("Bill", 999_999)
    [other_pk] = await load_companies([other_company()])
    foreign_id = global_id("Bill", await bill_pk(database, other_pk, "901"))
    scoped = await make_token(
        database.sessions, role="operator", business_ids=[books.pk], name="scoped"
    )
    viewer = await make_token(database.sessions, role="viewer", name="looker")

    yesterday = await decide(books, operator_token, bill_id, "DELAY_TO", "2026-11-19")
    paid = await decide(books, operator_token, paid_id, "PAY_ON", "2026-11-27")
    unknown = await decide(books, scoped, unknown_id, "PAY_ON", "2026-11-27")
    foreign = await decide(books, scoped, foreign_id, "PAY_ON", "2026-11-27")
    weak = await decide(books, viewer, bill_id, "PAY_ON", "2026-11-27")

    assert error_of(yesterday) == (
        "BAD_USER_INPUT",
        "'date' must be today (2026-11-20) or later.",
    )
    assert error_of(paid) == ("BAD_USER_INPUT", "Bill 114 is already paid.")
    assert error_of(unknown) == ("NOT_FOUND", "Bill not found.")
    # Another business's bill answers exactly like one that does not exist.
    assert foreign["errors"] == unknown["errors"]
    assert error_of(weak) == (
        "FORBIDDEN",
        "This needs the operator role; the token 'looker' is viewer.",
    )
    assert await stored_decisions(database) == []


async def test_a_note_past_1000_characters_is_bad_input_and_writes_nothing(
    books: Books, operator_token: str, database: Database
) -> None:
    bill_id = by_qbo_id((await books.console())["bills"])["105"]["id"]

    def asking(note: str) -> dict[str, str]:
        return {"billId": bill_id, "action": "PAY_ON", "date": "2026-11-27", "note": note}

    too_long = await books.api.query(DECIDE, operator_token, input=asking("n" * 1001))
    assert error_of(too_long) == ("BAD_USER_INPUT", "'note' must be at most 1000 characters.")
    assert await stored_decisions(database) == []
    at_limit = await books.api.query(DECIDE, operator_token, input=asking("n" * 1000))
    assert len(ok(at_limit)["decideBill"]["note"]) == 1000
