"""Payables loaders: which bills, lines and vendors the views get, one statement per batch."""

from datetime import UTC, datetime
from decimal import Decimal

from domains.ap import loaders
from tests.conftest import Database
from tests.factories import bill, bill_line, make_business, save, vendor
from tests.statements import counting_statements, tables_read

DELETED = datetime(2026, 11, 2, tzinfo=UTC)


async def two_businesses(database: Database) -> tuple[int, int]:
    first, second = await make_business(database.sessions), await make_business(database.sessions)
    assert first.id is not None and second.id is not None
    return first.id, second.id


async def test_bills_under_review_are_open_or_zero_and_not_deleted(database: Database) -> None:
    first, second = await two_businesses(database)
    await save(
        database.sessions,
        bill(first, qbo_id="open"),
        bill(first, qbo_id="part-paid", total_amt=Decimal("100.00"), balance=Decimal("0.01")),
        bill(first, qbo_id="zero", total_amt=Decimal(0), balance=Decimal(0)),
        bill(first, qbo_id="paid", total_amt=Decimal("100.00"), balance=Decimal(0)),
        bill(first, qbo_id="deleted", deleted_at=DELETED),
        bill(second, qbo_id="theirs"),
    )
    loader = loaders.bills_under_review(database.sessions, None)

    with counting_statements(database.url) as statements:
        mine, theirs = await loader.load_many([first, second])

    assert sorted(b.qbo_id for b in mine) == ["open", "part-paid", "zero"]
    assert [b.qbo_id for b in theirs] == ["theirs"]
    assert tables_read(statements) == ["bill"]


async def test_lines_are_those_of_the_bills_under_review(database: Database) -> None:
    first, second = await two_businesses(database)
    open_bill, paid, deleted, theirs = (
        bill(first, qbo_id="open"),
        bill(first, qbo_id="paid", balance=Decimal(0)),
        bill(first, qbo_id="deleted", deleted_at=DELETED),
        bill(second, qbo_id="theirs"),
    )
    await save(database.sessions, open_bill, paid, deleted, theirs)
    await save(
        database.sessions,
        bill_line(open_bill, line_num=1, amount=Decimal("60.00")),
        bill_line(open_bill, line_num=2, amount=Decimal("40.00")),
        bill_line(paid, line_num=1),
        bill_line(deleted, line_num=1),
        bill_line(theirs, line_num=1, amount=Decimal("7.00")),
    )
    loader = loaders.lines_of_bills_under_review(database.sessions, None)

    with counting_statements(database.url) as statements:
        mine, other = await loader.load_many([first, second])

    assert sorted((line.bill_id, line.amount) for line in mine) == [
        (open_bill.id, Decimal("40.00")),
        (open_bill.id, Decimal("60.00")),
    ]
    assert [(line.bill_id, line.amount) for line in other] == [(theirs.id, Decimal("7.00"))]
    assert tables_read(statements) == ["bill_line"]


async def test_every_vendor_is_loaded_inactive_and_deleted_included(database: Database) -> None:
    first, second = await two_businesses(database)
    await save(
        database.sessions,
        vendor(first, qbo_id="active"),
        vendor(first, qbo_id="inactive", active=False),
        vendor(first, qbo_id="deleted", deleted_at=DELETED),
        vendor(second, qbo_id="theirs"),
    )
    loader = loaders.vendors(database.sessions, [first])

    with counting_statements(database.url) as statements:
        mine, theirs = await loader.load_many([first, second])

    assert sorted(v.qbo_id for v in mine) == ["active", "deleted", "inactive"]
    assert theirs == []  # not allowed: answered without reading it
    assert tables_read(statements) == ["vendor"]
