"""Receivables loaders: invoices, customers and payment history, one statement per batch."""

from datetime import UTC, date, datetime
from decimal import Decimal

from domains.ar import loaders
from tests.conftest import Database
from tests.factories import customer, invoice, make_business, payment, payment_line, save
from tests.statements import counting_statements, tables_read

DELETED = datetime(2026, 11, 2, tzinfo=UTC)
SINCE = date(2026, 1, 1)


async def two_businesses(database: Database) -> tuple[int, int]:
    first, second = await make_business(database.sessions), await make_business(database.sessions)
    assert first.id is not None and second.id is not None
    return first.id, second.id


async def test_invoices_under_review_are_open_or_zero_and_not_deleted(database: Database) -> None:
    first, second = await two_businesses(database)
    await save(
        database.sessions,
        invoice(first, qbo_id="open"),
        invoice(first, qbo_id="zero", total_amt=Decimal(0), balance=Decimal(0)),
        invoice(first, qbo_id="paid", balance=Decimal(0)),
        invoice(first, qbo_id="deleted", deleted_at=DELETED),
        invoice(second, qbo_id="theirs"),
    )
    loader = loaders.invoices_under_review(database.sessions, None)

    with counting_statements(database.url) as statements:
        mine, theirs = await loader.load_many([first, second])

    assert sorted(i.qbo_id for i in mine) == ["open", "zero"]
    assert [i.qbo_id for i in theirs] == ["theirs"]
    assert tables_read(statements) == ["invoice"]


async def test_every_customer_is_loaded_inactive_and_deleted_included(database: Database) -> None:
    first, second = await two_businesses(database)
    await save(
        database.sessions,
        customer(first, qbo_id="active"),
        customer(first, qbo_id="inactive", active=False),
        customer(first, qbo_id="deleted", deleted_at=DELETED),
        customer(second, qbo_id="theirs"),
    )
    loader = loaders.customers(database.sessions, None)

    with counting_statements(database.url) as statements:
        mine, theirs = await loader.load_many([first, second])

    assert sorted(c.qbo_id for c in mine) == ["active", "deleted", "inactive"]
    assert [c.qbo_id for c in theirs] == ["theirs"]
    assert tables_read(statements) == ["customer"]


async def test_settlements_are_payments_since_the_day_of_paid_dated_invoices(
    database: Database,
) -> None:
    first, second = await two_businesses(database)
    paid = {"balance": Decimal(0), "customer_qbo_id": "C1"}
    counted = invoice(first, qbo_id="counted", due_date=date(2026, 3, 1), **paid)
    early = invoice(first, qbo_id="early", due_date=date(2025, 11, 1), **paid)
    still_open = invoice(first, qbo_id="open", customer_qbo_id="C1")
    undated = invoice(first, qbo_id="undated", due_date=None, **paid)
    nobody = invoice(first, qbo_id="nobody", balance=Decimal(0), customer_qbo_id=None)
    zero = invoice(first, qbo_id="zero", total_amt=Decimal(0), **paid)
    gone = invoice(first, qbo_id="gone", deleted_at=DELETED, **paid)
    # The other business has an invoice with the same QBO id, open: never joined across.
    theirs = invoice(second, qbo_id="counted", customer_qbo_id="C9")
    theirs_paid = invoice(
        second, qbo_id="t1", due_date=date(2026, 5, 1), balance=Decimal(0), customer_qbo_id="C9"
    )
    invoices = [counted, early, still_open, undated, nobody, zero, gone, theirs, theirs_paid]
    on_time = payment(first, txn_date=date(2026, 3, 5))
    before = payment(first, txn_date=date(2025, 12, 31))
    voided = payment(first, txn_date=date(2026, 3, 5), deleted_at=DELETED)
    other = payment(second, txn_date=date(2026, 5, 3))
    await save(database.sessions, *invoices, on_time, before, voided, other)
    await save(
        database.sessions,
        payment_line(on_time, counted),
        *(payment_line(on_time, paid_invoice) for paid_invoice in [still_open, undated, nobody]),
        *(payment_line(on_time, paid_invoice) for paid_invoice in [zero, gone]),
        payment_line(before, early),
        payment_line(voided, counted),
        payment_line(other, theirs_paid),
    )
    loader = loaders.settlements_since(database.sessions, None, SINCE)

    with counting_statements(database.url) as statements:
        mine, other_rows = await loader.load_many([first, second])

    assert [tuple(row) for row in mine] == [
        (first, "C1", "counted", date(2026, 3, 1), date(2026, 3, 5))
    ]
    assert [tuple(row) for row in other_rows] == [
        (second, "C9", "t1", date(2026, 5, 1), date(2026, 5, 3))
    ]
    assert len(statements) == 1
