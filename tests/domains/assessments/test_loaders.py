"""Loaders of stored assessments: many businesses in one statement, scoped, pages batched."""

import asyncio
from datetime import timedelta
from decimal import Decimal

from domains.assessments import loaders, pages
from domains.assessments.loaders import CountKey, PageKey
from tests.conftest import Database
from tests.domains.assessments.records import (
    TODAY,
    assessment,
    bill,
    business_ids,
    invoice,
    item,
    store,
)
from tests.statements import counting_statements, tables_read


async def test_summaries_of_many_businesses_in_one_statement_scoped(database: Database) -> None:
    mine, also_mine, hidden = await business_ids(database, 3)
    yesterday = TODAY - timedelta(days=1)
    await store(
        database,
        assessment(mine, version=1),
        assessment(also_mine, version=2),
        assessment(hidden, version=3),
    )
    loader = loaders.AssessmentsByKey(database.sessions, [mine, also_mine])

    with counting_statements(database.url) as statements:
        found = await loader.load_many(
            [(mine, TODAY), (also_mine, TODAY), (hidden, TODAY), (mine, yesterday)]
        )

    assert [None if row is None else row.summary["version"] for row in found] == [
        1,
        2,
        None,  # stored, but another tenant's
        None,  # not stored
    ]
    assert tables_read(statements) == ["assessment"]
    unscoped = loaders.AssessmentsByKey(database.sessions, None)
    row = await unscoped.load((hidden, TODAY))
    assert row is not None and row.summary["version"] == 3


async def test_details_of_many_assessments_in_one_statement(database: Database) -> None:
    first, second = await business_ids(database, 2)
    ids = await store(database, assessment(first, version=1), assessment(second, version=2))
    loader = loaders.DetailsById(database.sessions)

    with counting_statements(database.url) as statements:
        details = await loader.load_many([ids[(second, TODAY)], ids[(first, TODAY)], 999_999])

    assert details == [{"detail_of": 2}, {"detail_of": 1}, {}]
    assert tables_read(statements) == ["assessment"]


async def test_pages_differing_only_by_assessment_share_one_statement(database: Database) -> None:
    first, second, third = await business_ids(database, 3)
    ids = await store(
        database,
        assessment(first, items=[item(k) for k in "cab"]),
        assessment(second, items=[item(k) for k in "zyx"]),
        assessment(third),
    )
    loader = loaders.Pages(database.sessions)
    criteria = pages.ItemCriteria()

    def key(business_id: int, after: str | None = None) -> PageKey:
        return PageKey("hygiene", criteria, None, after, 2, ids[(business_id, TODAY)])

    with counting_statements(database.url) as statements:
        found = await loader.load_many([key(first), key(second), key(third)])
    with counting_statements(database.url) as after_statements:
        # Another cursor is another batch: its own statement, whichever assessment it is of.
        after_a, after_y = await asyncio.gather(
            loader.load(key(first, "a")), loader.load(key(second, "y"))
        )

    assert [[row.sort_key for row in rows] for rows in found] == [["a", "b"], ["x", "y"], []]
    assert len(statements) == 1
    assert [row.sort_key for row in after_a] == ["b", "c"]
    assert [row.sort_key for row in after_y] == ["z"]
    assert len(after_statements) == 2


async def test_each_kind_of_page_reads_its_own_rows(database: Database) -> None:
    [business_id] = await business_ids(database, 1)
    ids = await store(
        database,
        assessment(
            business_id,
            items=[item("i1")],
            bills=[
                bill("b1", bill_group="MUST_PAY", plan_cash_after=Decimal("900")),
                bill("b2", bill_group="CAN_DELAY"),
                bill("b3", bill_group="MUST_PAY", plan_cash_after=Decimal("-5")),
                bill("b4", bill_group="MUST_PAY", ready=False, days_until_due=40),
            ],
            invoices=[invoice("v1")],
        ),
    )
    assessment_id = ids[(business_id, TODAY)]
    loader = loaders.Pages(database.sessions)
    ready = pages.BillCriteria()

    def keys(kind: str, criteria: loaders.Criteria, group: str | None = None) -> PageKey:
        return PageKey(kind, criteria, group, None, 10, assessment_id)

    found = await loader.load_many(
        [
            keys("hygiene", pages.ItemCriteria()),
            keys("bills", ready),
            keys("bills", ready, "MUST_PAY"),
            keys("bills", pages.BillCriteria(horizon_days=60), "MUST_PAY"),
            keys("collections", pages.InvoiceCriteria()),
            keys("pay_plan", None),
        ]
    )

    assert [[row.sort_key for row in rows] for rows in found] == [
        ["i1"],
        ["b1", "b2", "b3"],
        ["b1", "b3"],
        ["b1", "b3", "b4"],
        ["v1"],
        ["b1", "b3"],  # the steps: bills with a running cash figure, whatever their readiness
    ]
    counts = loaders.Counts(database.sessions)
    assert await counts.load_many(
        [
            CountKey("bills", ready, None, assessment_id),
            CountKey("bills", ready, "CAN_DELAY", assessment_id),
            CountKey("pay_plan", None, None, assessment_id),
            CountKey("collections", pages.InvoiceCriteria(none=True), None, assessment_id),
        ]
    ) == [3, 1, 2, 0]


async def test_counts_of_many_assessments_share_one_statement(database: Database) -> None:
    first, second, third = await business_ids(database, 3)
    ids = await store(
        database,
        assessment(first, invoices=[invoice("a"), invoice("b")]),
        assessment(second, invoices=[invoice("c")]),
        assessment(third),
    )
    loader = loaders.Counts(database.sessions)
    criteria = pages.InvoiceCriteria()

    with counting_statements(database.url) as statements:
        counts = await loader.load_many(
            [
                CountKey("collections", criteria, None, ids[(business_id, TODAY)])
                for business_id in (first, second, third)
            ]
        )

    assert counts == [2, 1, 0]
    assert tables_read(statements) == ["assessed_invoice"]
