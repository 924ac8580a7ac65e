"""Pages, counts and totals of stored records, cut in SQL: order, cursors, criteria, sums.

Each criterion is checked against the same rows filtered in Python, so "filters exactly" means
the same set, not merely a plausible one. The cursor walk is a property: for any sort keys (mixed
case, non-ASCII, the separator byte), walking pages after each last key returns every row once,
in Python's (code point, i.e. UTF-8 byte) order, which PostgreSQL's "C" collation must follow.

PostgreSQL servers usually sort text by locale rules (``en_US``: "a" < "B" < "b"); the test server
sorts by code point already, which would hide a missing ``COLLATE "C"``. So here each PostgreSQL
database is made with an ICU English default collation, as a production server's would be.

Hypothesis runs every example of an async test in that test's event loop, so the ``database``
fixture serves them all; each example stores under a business of its own (hence the health check
against function-scoped fixtures is suppressed).
"""

import os
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import ColumnElement, text

from app.db import create_engine, database_reachable
from domains.assessments import pages
from domains.assessments.models import AssessedBill, AssessedHygieneItem, AssessedInvoice
from tests.conftest import POSTGRES_URL, Database
from tests.domains.assessments.records import (
    assessment,
    bill,
    business_ids,
    invoice,
    item,
    stored_id,
)
from tests.statements import counting_statements

Row = dict[str, Any]


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[str]:
    """As ``tests.conftest.database_url``, but PostgreSQL's database sorts text as English does."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'runway.db'}"
        return
    if not await database_reachable(POSTGRES_URL):
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is required under CI=true and is not reachable")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    name = f"runway_t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(
            text(
                f'CREATE DATABASE "{name}" TEMPLATE template0 '
                "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
            )
        )
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_the_database_sorts_text_by_locale_unless_told(database: Database) -> None:
    """The premise of the cursor property: PostgreSQL's default order here is not the bytes'."""
    if database.kind != "postgresql":
        pytest.skip("SQLite compares text by its bytes (BINARY) unless told otherwise")
    async with database.engine.connect() as connection:
        by_default = await connection.scalar(text("select 'a' < 'B'"))
        by_bytes = await connection.scalar(text("select 'a' < 'B' collate \"C\""))
    assert (by_default, by_bytes) == (True, False)


async def page(
    database: Database,
    model: pages.RecordModel,
    ids: Sequence[int],
    *,
    conditions: Sequence[ColumnElement[bool]] = (),
    after: str | None = None,
    limit: int = 500,
) -> dict[int, list[str]]:
    """The sort keys of each assessment's page."""
    async with database.sessions() as session:
        found = await pages.page_rows(
            session, model, assessment_ids=ids, conditions=conditions, after=after, limit=limit
        )
    return {assessment_id: [row.sort_key for row in rows] for assessment_id, rows in found.items()}


SORT_KEYS = st.lists(
    st.text(st.sampled_from("aAbBzZ09\x01é€_%"), min_size=1, max_size=6),
    min_size=1,
    max_size=25,
    unique=True,
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=SORT_KEYS, size=st.integers(1, 7))
async def test_walking_pages_by_cursor_returns_every_row_once_in_byte_order(
    database: Database, keys: list[str], size: int
) -> None:
    [business_id] = await business_ids(database, 1)
    assessment_id = await stored_id(
        database, assessment(business_id, items=[item(key) for key in keys])
    )

    walked: list[str] = []
    after: str | None = None
    while True:
        rows = (
            await page(database, AssessedHygieneItem, [assessment_id], after=after, limit=size)
        )[assessment_id]
        assert len(rows) <= size
        walked += rows
        if len(rows) < size:
            break
        after = rows[-1]

    assert walked == sorted(keys)


async def test_pages_of_several_assessments_are_one_statement(database: Database) -> None:
    first_business, second_business, third_business = await business_ids(database, 3)
    first = await stored_id(
        database, assessment(first_business, bills=[bill(k) for k in ("d", "a", "c", "b")])
    )
    second = await stored_id(database, assessment(second_business, bills=[bill("c"), bill("e")]))
    empty = await stored_id(database, assessment(third_business))

    with counting_statements(database.url) as statements:
        found = await page(database, AssessedBill, [first, second, empty], after="a", limit=2)

    assert found == {first: ["b", "c"], second: ["c", "e"], empty: []}
    assert len(statements) == 1
    assert await page(database, AssessedBill, [first], limit=0) == {first: []}
    assert await page(database, AssessedBill, []) == {}


ITEMS: list[Row] = [
    item("01", entity_type="BILL", severity_rank=3, code_mask=0b001, amount=Decimal("900.00")),
    item(
        "02",
        entity_type="INVOICE",
        severity_rank=2,
        code_mask=0b110,
        amount=Decimal("50.0001"),
        counterparty_qbo_id="C7",
        search_text="acme 50% off inv-1",
        issue_count=2,
    ),
    item(
        "03",
        entity_type="VENDOR",
        severity_rank=1,
        code_mask=0b100,
        amount=Decimal("50.00"),
        counterparty_qbo_id="V3",
        search_text="acme_supply vendor",
    ),
    item(
        "04",
        entity_type="CUSTOMER",
        severity_rank=2,
        code_mask=0b010,
        amount=Decimal("-20.00"),
        counterparty_qbo_id="C7",
        search_text="acmex50 off",
        issue_count=3,
    ),
    item("05", entity_type="BILL", severity_rank=1, code_mask=0b1000, amount=Decimal("0")),
]

ITEM_CRITERIA: list[tuple[pages.ItemCriteria, Callable[[Row], bool]]] = [
    (pages.ItemCriteria(), lambda row: True),
    (
        pages.ItemCriteria(entity_types=frozenset({"BILL", "VENDOR"})),
        lambda row: row["entity_type"] in ("BILL", "VENDOR"),
    ),
    (pages.ItemCriteria(code_mask=0b010), lambda row: bool(row["code_mask"] & 0b010)),
    (pages.ItemCriteria(code_mask=0b1001), lambda row: bool(row["code_mask"] & 0b1001)),
    (pages.ItemCriteria(min_severity_rank=2), lambda row: row["severity_rank"] >= 2),
    (pages.ItemCriteria(min_amount=Decimal("50.00")), lambda row: row["amount"] >= 50),
    (
        pages.ItemCriteria(counterparty_qbo_ids=frozenset({"C7"})),
        lambda row: row["counterparty_qbo_id"] == "C7",
    ),
    # LIKE's wildcards in the search are literal characters: "50%" is not "50 anything".
    (pages.ItemCriteria(search="50%"), lambda row: "50%" in row["search_text"]),
    (pages.ItemCriteria(search="acme_"), lambda row: "acme_" in row["search_text"]),
    (pages.ItemCriteria(search="acme"), lambda row: "acme" in row["search_text"]),
    (
        pages.ItemCriteria(
            entity_types=frozenset({"INVOICE", "CUSTOMER"}),
            min_severity_rank=2,
            min_amount=Decimal("0"),
            search="off",
        ),
        lambda row: (
            row["entity_type"] in ("INVOICE", "CUSTOMER")
            and row["severity_rank"] >= 2
            and row["amount"] >= 0
            and "off" in row["search_text"]
        ),
    ),
]


async def test_item_criteria_select_exactly_their_rows_with_exact_totals(
    database: Database,
) -> None:
    [business_id, other_business] = await business_ids(database, 2)
    assessment_id = await stored_id(database, assessment(business_id, items=ITEMS))
    # Another assessment's rows meet every criterion too: they must never be counted.
    await stored_id(database, assessment(other_business, items=ITEMS))

    for criteria, wanted in ITEM_CRITERIA:
        conditions = criteria.conditions()
        expected = [row for row in ITEMS if wanted(row)]
        found = await page(database, AssessedHygieneItem, [assessment_id], conditions=conditions)
        async with database.sessions() as session:
            counts = await pages.count_rows(
                session, AssessedHygieneItem, assessment_ids=[assessment_id], conditions=conditions
            )
            totals = (
                await pages.item_totals(
                    session, assessment_ids=[assessment_id], conditions=conditions
                )
            )[assessment_id]
        assert found[assessment_id] == [row["sort_key"] for row in expected], criteria
        assert counts == {assessment_id: len(expected)}, criteria
        assert totals == pages.ItemTotals(
            item_count=len(expected),
            issue_count=sum(row["issue_count"] for row in expected),
            high_count=sum(1 for row in expected if row["severity_rank"] == 3),
            medium_count=sum(1 for row in expected if row["severity_rank"] == 2),
            low_count=sum(1 for row in expected if row["severity_rank"] == 1),
            amount_at_stake=sum((row["amount"] for row in expected), Decimal(0)),
        ), criteria


BILLS: list[Row] = [
    bill("1", ready=True, days_until_due=-3, amount=Decimal("120.5"), urgency="OVERDUE"),
    bill(
        "2",
        ready=True,
        days_until_due=10,
        amount=Decimal("75.25"),
        vendor_qbo_id="V2",
        action="DELAY",
        urgency="UPCOMING",
        bill_group="CAN_DELAY",
        discount_savings=Decimal("1.51"),
    ),
    bill(
        "3",
        ready=True,
        days_until_due=20,
        amount=Decimal("300"),
        vendor_qbo_id="V3",
        action="SCHEDULE",
        urgency="UPCOMING",
        bill_group="SCHEDULED",
    ),
    bill(  # decidable, beyond the horizon: only a wider horizon brings it in
        "4",
        ready=False,
        days_until_due=45,
        amount=Decimal("999.99"),
        vendor_qbo_id="V2",
        action="SCHEDULE",
        urgency="LATER",
        bill_group="SCHEDULED",
        discount_savings=Decimal("20.00"),
    ),
    bill(
        "5",
        ready=False,
        days_until_due=90,
        amount=Decimal("10"),
        action="DELAY",
        urgency="LATER",
        bill_group="CAN_DELAY",
    ),
]

BILL_CRITERIA: list[tuple[pages.BillCriteria, Callable[[Row], bool]]] = [
    (pages.BillCriteria(), lambda row: row["ready"]),
    (pages.BillCriteria(horizon_days=45), lambda row: row["days_until_due"] <= 45),
    (pages.BillCriteria(horizon_days=0), lambda row: row["days_until_due"] <= 0),
    (
        pages.BillCriteria(min_amount=Decimal("100")),
        lambda row: row["ready"] and row["amount"] >= 100,
    ),
    (
        pages.BillCriteria(horizon_days=100, vendor_qbo_ids=frozenset({"V2"})),
        lambda row: row["vendor_qbo_id"] == "V2",
    ),
    (
        pages.BillCriteria(actions=frozenset({"PAY_NOW", "DELAY"})),
        lambda row: row["ready"] and row["action"] in ("PAY_NOW", "DELAY"),
    ),
    (
        pages.BillCriteria(horizon_days=100, urgencies=frozenset({"LATER"})),
        lambda row: row["urgency"] == "LATER",
    ),
    (
        pages.BillCriteria(groups=frozenset({"SCHEDULED", "CAN_DELAY"})),
        lambda row: row["ready"] and row["bill_group"] in ("SCHEDULED", "CAN_DELAY"),
    ),
]


async def test_bill_criteria_select_exactly_their_rows_with_group_totals(
    database: Database,
) -> None:
    [business_id, other_business] = await business_ids(database, 2)
    assessment_id = await stored_id(database, assessment(business_id, bills=BILLS))
    await stored_id(database, assessment(other_business, bills=BILLS))

    for criteria, wanted in BILL_CRITERIA:
        conditions = criteria.conditions()
        expected = [row for row in BILLS if wanted(row)]
        found = await page(database, AssessedBill, [assessment_id], conditions=conditions)
        async with database.sessions() as session:
            totals = (
                await pages.bill_totals(
                    session, assessment_ids=[assessment_id], conditions=conditions
                )
            )[assessment_id]
        assert found[assessment_id] == [row["sort_key"] for row in expected], criteria
        groups = {row["bill_group"] for row in expected}
        assert totals == {
            group: pages.GroupTotal(
                count=sum(1 for row in expected if row["bill_group"] == group),
                amount=sum((r["amount"] for r in expected if r["bill_group"] == group), Decimal(0)),
                discount_savings=sum(
                    (
                        r["discount_savings"] or Decimal(0)
                        for r in expected
                        if r["bill_group"] == group
                    ),
                    Decimal(0),
                ),
            )
            for group in groups
        }, criteria


INVOICES: list[Row] = [
    invoice("1", amount=Decimal("500.00"), urgency="OVERDUE"),
    invoice("2", amount=Decimal("49.99"), urgency="DUE_SOON"),
    invoice("3", amount=Decimal("1250.10"), urgency="DUE_SOON"),
]

INVOICE_CRITERIA: list[tuple[pages.InvoiceCriteria, Callable[[Row], bool]]] = [
    (pages.InvoiceCriteria(), lambda row: True),
    (pages.InvoiceCriteria(min_amount=Decimal("50")), lambda row: row["amount"] >= 50),
    (
        pages.InvoiceCriteria(urgencies=frozenset({"DUE_SOON"})),
        lambda row: row["urgency"] == "DUE_SOON",
    ),
    (pages.InvoiceCriteria(min_amount=Decimal("0"), none=True), lambda row: False),
]


async def test_invoice_criteria_select_exactly_their_rows_with_totals(
    database: Database,
) -> None:
    [business_id, other_business] = await business_ids(database, 2)
    assessment_id = await stored_id(database, assessment(business_id, invoices=INVOICES))
    await stored_id(database, assessment(other_business, invoices=INVOICES))

    for criteria, wanted in INVOICE_CRITERIA:
        conditions = criteria.conditions()
        expected = [row for row in INVOICES if wanted(row)]
        found = await page(database, AssessedInvoice, [assessment_id], conditions=conditions)
        async with database.sessions() as session:
            totals = (
                await pages.invoice_totals(
                    session, assessment_ids=[assessment_id], conditions=conditions
                )
            )[assessment_id]
        assert found[assessment_id] == [row["sort_key"] for row in expected], criteria
        assert totals == (len(expected), sum((r["amount"] for r in expected), Decimal(0)))


async def test_counts_of_many_assessments_are_one_statement(database: Database) -> None:
    first_business, second_business, third_business = await business_ids(database, 3)
    first = await stored_id(database, assessment(first_business, bills=BILLS))
    second = await stored_id(database, assessment(second_business, bills=BILLS[:2]))
    empty = await stored_id(database, assessment(third_business))
    ready = pages.BillCriteria().conditions()

    with counting_statements(database.url) as statements:
        async with database.sessions() as session:
            counts = await pages.count_rows(
                session, AssessedBill, assessment_ids=[first, second, empty], conditions=ready
            )

    assert counts == {first: 3, second: 2, empty: 0}
    assert len(statements) == 1
    async with database.sessions() as session:
        assert await pages.count_rows(session, AssessedBill, assessment_ids=[], conditions=[]) == {}


async def test_totals_of_many_assessments_are_one_statement_each(database: Database) -> None:
    """A filtered overview totals every business's rows in one statement per kind."""
    first_business, second_business, third_business = await business_ids(database, 3)
    first = await stored_id(database, assessment(first_business, bills=BILLS, items=ITEMS))
    second = await stored_id(database, assessment(second_business, invoices=INVOICES))
    empty = await stored_id(database, assessment(third_business))
    ids = [first, second, empty]

    with counting_statements(database.url) as statements:
        async with database.sessions() as session:
            items = await pages.item_totals(session, assessment_ids=ids, conditions=[])
            bills = await pages.bill_totals(session, assessment_ids=ids, conditions=[])
            invoices = await pages.invoice_totals(session, assessment_ids=ids, conditions=[])

    assert len(statements) == 3
    assert items[first].item_count == len(ITEMS)
    assert items[second] == items[empty] == pages.ItemTotals(0, 0, 0, 0, 0, Decimal("0.00"))
    assert sum(total.count for total in bills[first].values()) == len(BILLS)
    assert bills[second] == bills[empty] == {}
    assert invoices[second] == (len(INVOICES), sum((r["amount"] for r in INVOICES), Decimal(0)))
    assert invoices[first] == invoices[empty] == (0, Decimal("0.00"))
