"""The batch upsert (``domains.upsert``) on SQLite and PostgreSQL: idempotent, newest wins, exact.

Pages go through the real mapper (``sync.mapping.upsert_batch``), as a sync lands them.
"""

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlmodel import SQLModel, col

from domains.tables import Bill, BillLine, Business, Invoice, InvoiceLine
from domains.upsert import UPSERT_PAGE_ROWS
from sync.mapping import ENTITY_ORDER, MappedBatch, map_objects, parse_qbo_json, upsert_batch
from tests.conftest import Database

FLOOR_TABLES = [
    "term", "account", "vendor", "customer", "bill", "bill_line", "invoice", "invoice_line",
    "bill_payment", "bill_payment_line", "payment", "payment_line", "purchase",
]  # fmt: skip


async def make_business(database: Database, realm_id: str = "9130355377388816") -> int:
    async with database.sessions.begin() as session:
        business = Business(realm_id=realm_id, name=f"Co {realm_id}", created_at=datetime.now(UTC))
        session.add(business)
        await session.flush()
        assert business.id is not None
        return business.id


def stamp(hour: int, minute: int = 0) -> str:
    """A QBO LastUpdatedTime on 2015-02-09, Pacific standard time."""
    return f"2015-02-09T{hour:02d}:{minute:02d}:00-08:00"


def qbo(**fields: Any) -> dict[str, Any]:
    """Through JSON text and ``parse_qbo_json``, as objects arrive from the client.

    ``Decimal`` values are written as JSON numbers, digit for digit (``json`` would refuse them).
    """
    text = json.dumps(fields, default=lambda amount: f"@{amount}@")
    parsed: dict[str, Any] = parse_qbo_json(re.sub(r'"@([-0-9.E+]+)@"', r"\1", text))
    return parsed


def bill(
    qbo_id: str = "25",
    *,
    token: int = 0,
    updated: str = stamp(10),
    total: str = "103.55",
    balance: str | None = None,
    lines: tuple[str, ...] = ("103.55",),
) -> dict[str, Any]:
    """A QBO Bill; amounts are written into the JSON as numbers, exactly as given."""
    return qbo(
        Id=qbo_id,
        SyncToken=str(token),
        MetaData={"CreateTime": stamp(9), "LastUpdatedTime": updated},
        VendorRef={"value": "46", "name": "Norton Lumber"},
        TxnDate="2015-02-01",
        DueDate="2015-03-03",
        TotalAmt=Decimal(total),
        Balance=Decimal(balance or total),
        Line=[
            {
                "Id": str(n),
                "LineNum": n,
                "Amount": Decimal(amount),
                "DetailType": "AccountBasedExpenseLineDetail",
                "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "64", "name": "Decks"}},
            }
            for n, amount in enumerate(lines, start=1)
        ],
    )


def deleted(qbo_id: str, updated: str) -> dict[str, Any]:
    return {"Id": qbo_id, "status": "Deleted", "domain": "QBO",
            "MetaData": {"LastUpdatedTime": updated}}  # fmt: skip


async def land(database: Database, batch: MappedBatch) -> tuple[int, int]:
    async with database.sessions.begin() as session:
        outcome = await upsert_batch(session, batch)
    return outcome.written, outcome.deleted


async def dump(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every mirror table, ordered by primary key."""
    tables = SQLModel.metadata.tables
    async with database.sessions() as session:
        return {
            name: [
                tuple(row)
                for row in await session.execute(select(tables[name]).order_by(tables[name].c.id))
            ]
            for name in FLOOR_TABLES
        }


async def bills(database: Database) -> list[Bill]:
    async with database.sessions() as session:
        return list(
            await session.scalars(select(Bill).order_by(col(Bill.business_id), col(Bill.qbo_id)))
        )


async def line_amounts(database: Database, bill_qbo_id: str = "25") -> list[Decimal]:
    async with database.sessions() as session:
        statement = (
            select(col(BillLine.amount))
            .join(Bill, col(Bill.id) == col(BillLine.bill_id))
            .where(col(Bill.qbo_id) == bill_qbo_id)
            .order_by(col(BillLine.line_num))
        )
        return list(await session.scalars(statement))


def every_entity(business_id: int) -> list[MappedBatch]:
    """One page per entity of a small company, lines and a deletion included."""
    meta = {"LastUpdatedTime": stamp(10)}
    pages: dict[str, list[dict[str, Any]]] = {
        "Term": [qbo(Id="3", Name="Net 30", DueDays=30, Active=True, MetaData=meta)],
        "Account": [
            qbo(
                Id="35",
                Name="Checking",
                AccountType="Bank",
                CurrentBalance=Decimal("1201.00"),
                CurrencyRef={"value": "USD"},
                MetaData=meta,
            )
        ],
        "Vendor": [
            qbo(
                Id="46",
                DisplayName="Norton Lumber",
                TermRef={"value": "3"},
                PrimaryEmailAddr={"Address": "ap@norton.example"},
                MetaData=meta,
            )
        ],
        "Customer": [
            qbo(Id="24", DisplayName="Sonnenschein", Balance=Decimal("362.07"), MetaData=meta)
        ],
        "Bill": [bill("25", lines=("100.00", "3.55")), bill("26"), deleted("27", stamp(11))],
        "Invoice": [
            qbo(
                Id="130",
                TotalAmt=Decimal("362.07"),
                Balance=Decimal("362.07"),
                MetaData=meta,
                CustomerRef={"value": "24"},
                BillEmail={"Address": "f@store.example"},
                Line=[
                    {
                        "Amount": Decimal("362.07"),
                        "DetailType": "SalesItemLineDetail",
                        "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
                    }
                ],
            )
        ],
        "BillPayment": [
            qbo(
                Id="236",
                TotalAmt=Decimal("200.00"),
                PayType="Check",
                MetaData=meta,
                Line=[
                    {"Amount": Decimal("200.00"), "LinkedTxn": [{"TxnId": "25", "TxnType": "Bill"}]}
                ],
            )
        ],
        "Payment": [
            qbo(
                Id="163",
                TotalAmt=Decimal("65.00"),
                UnappliedAmt=Decimal("10.00"),
                MetaData=meta,
                Line=[
                    {
                        "Amount": Decimal("55.00"),
                        "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice"}],
                    }
                ],
            )
        ],
        "Purchase": [
            qbo(
                Id="252",
                TotalAmt=Decimal("10.00"),
                PaymentType="Cash",
                Credit=False,
                EntityRef={"value": "46", "type": "Vendor"},
                MetaData=meta,
            )
        ],
    }
    return [map_objects(entity, pages[entity], business_id=business_id) for entity in ENTITY_ORDER]


async def test_replaying_every_entity_leaves_the_database_identical(database: Database) -> None:
    business_id = await make_business(database)
    await land(database, map_objects("Bill", [bill("27")], business_id=business_id))

    first = [await land(database, batch) for batch in every_entity(business_id)]
    after_first = await dump(database)
    second = [await land(database, batch) for batch in every_entity(business_id)]

    assert await dump(database) == after_first
    assert sum(written for written, _ in first) == 10
    assert dict(zip(ENTITY_ORDER, first, strict=True))["Bill"] == (2, 1)
    assert second == [(0, 0)] * len(ENTITY_ORDER)
    assert {name: len(rows) for name, rows in after_first.items()} == {
        "term": 1, "account": 1, "vendor": 1, "customer": 1, "bill": 3, "bill_line": 4,
        "invoice": 1, "invoice_line": 1, "bill_payment": 1, "bill_payment_line": 1,
        "payment": 1, "payment_line": 1, "purchase": 1,
    }  # fmt: skip


async def test_an_older_sync_token_changes_nothing(database: Database) -> None:
    business_id = await make_business(database)
    newer = bill(token=2, updated=stamp(10), total="30.00", lines=("10.00", "20.00"))
    older = bill(token=1, updated=stamp(12), total="99.00", lines=("99.00",))

    await land(database, map_objects("Bill", [newer], business_id=business_id))
    before = await dump(database)
    assert await land(database, map_objects("Bill", [older], business_id=business_id)) == (0, 0)

    assert await dump(database) == before
    (stored,) = await bills(database)
    assert (stored.sync_token, stored.total_amt) == (2, Decimal("30.00"))
    assert await line_amounts(database) == [Decimal("10.00"), Decimal("20.00")]


async def test_a_newer_version_overwrites_and_replaces_its_lines(database: Database) -> None:
    business_id = await make_business(database)
    await land(database, map_objects("Bill", [bill(token=1, lines=("1", "2", "3"))],
                                     business_id=business_id))  # fmt: skip
    await land(database, map_objects("Bill", [bill("26", lines=("7",))], business_id=business_id))

    newer = bill(token=2, updated=stamp(11), total="45.00", balance="5.00", lines=("45.00",))
    assert await land(database, map_objects("Bill", [newer], business_id=business_id)) == (1, 0)

    stored = {b.qbo_id: b for b in await bills(database)}
    assert (stored["25"].sync_token, stored["25"].total_amt, stored["25"].balance) == (
        2, Decimal("45.00"), Decimal("5.00"),
    )  # fmt: skip
    assert stored["25"].qbo_updated_at == datetime(2015, 2, 9, 19, 0, tzinfo=UTC)
    assert stored["25"].raw["TotalAmt"] == Decimal("45.00")
    assert await line_amounts(database) == [Decimal("45.00")]
    assert await line_amounts(database, "26") == [Decimal(7)]  # another bill's lines untouched


async def test_same_token_with_a_later_update_time_wins(database: Database) -> None:
    business_id = await make_business(database)
    await land(database, map_objects("Bill", [bill(token=3, updated=stamp(10))],
                                     business_id=business_id))  # fmt: skip
    later = bill(token=3, updated=stamp(10, 1), total="1.00", lines=("1.00",))

    assert await land(database, map_objects("Bill", [later], business_id=business_id)) == (1, 0)
    assert (await bills(database))[0].total_amt == Decimal("1.00")


async def test_a_deletion_soft_deletes_and_keeps_the_row(database: Database) -> None:
    business_id = await make_business(database)
    await land(database, map_objects("Bill", [bill(updated=stamp(10))], business_id=business_id))
    deletion = map_objects("Bill", [deleted("25", stamp(11))], business_id=business_id)

    assert await land(database, deletion) == (0, 1)
    assert await land(database, deletion) == (0, 0)

    (stored,) = await bills(database)
    assert stored.deleted_at == datetime(2015, 2, 9, 19, 0, tzinfo=UTC)
    assert stored.total_amt == Decimal("103.55")
    assert await line_amounts(database) == [Decimal("103.55")]


async def test_an_out_of_order_older_deletion_is_ignored(database: Database) -> None:
    business_id = await make_business(database)
    await land(database, map_objects("Bill", [bill(updated=stamp(12))], business_id=business_id))

    stale = map_objects("Bill", [deleted("25", stamp(11))], business_id=business_id)

    assert await land(database, stale) == (0, 0)
    assert (await bills(database))[0].deleted_at is None


async def test_a_newer_version_after_a_deletion_is_live_again(database: Database) -> None:
    business_id = await make_business(database)
    page = [bill(token=1, updated=stamp(10)), deleted("25", stamp(11))]
    await land(database, map_objects("Bill", page, business_id=business_id))
    assert (await bills(database))[0].deleted_at is not None

    revived = bill(token=2, updated=stamp(12))
    await land(database, map_objects("Bill", [revived], business_id=business_id))

    assert (await bills(database))[0].deleted_at is None


async def test_a_malformed_object_does_not_stop_the_rest(database: Database) -> None:
    business_id = await make_business(database)
    broken = bill("26")
    broken["TotalAmt"] = "12,50"
    batch = map_objects("Bill", [bill("25"), broken, bill("27")], business_id=business_id)

    assert await land(database, batch) == (2, 0)
    assert [b.qbo_id for b in await bills(database)] == ["25", "27"]
    assert [(p.qbo_id, p.reason) for p in batch.problems] == [
        ("26", "TotalAmt: not a number: '12,50'")
    ]


AMOUNTS = ["0.10", "0.20", "1234567.89", "99999999999999.99", "-0.01", "0.01", "10.1", "0"]


async def test_money_reads_back_exactly_and_sums_exactly_in_sql(database: Database) -> None:
    business_id = await make_business(database)
    page = [
        bill(str(n), total=amount, lines=(amount, "0.10", "0.20"))
        for n, amount in enumerate(AMOUNTS)
    ]
    float_page = bill("float", total="0")
    float_page["TotalAmt"] = 10.1  # a client that parsed without parse_float
    await land(database, map_objects("Bill", [*page, float_page], business_id=business_id))

    stored = {b.qbo_id: b for b in await bills(database)}
    async with database.sessions() as session:
        total = (await session.execute(select(func.sum(Bill.total_amt)))).scalar_one()
        lines = (await session.execute(select(func.sum(BillLine.amount)))).scalar_one()
        small = (
            await session.execute(
                select(func.sum(BillLine.amount)).where(col(BillLine.line_num) > 1)
            )
        ).scalar_one()

    assert {q: b.total_amt for q, b in stored.items()} == {
        **{str(n): Decimal(a) for n, a in enumerate(AMOUNTS)},
        "float": Decimal("10.1"),
    }
    assert all(type(b.total_amt) is Decimal for b in stored.values())
    assert total == sum(Decimal(a) for a in AMOUNTS) + Decimal("10.1")
    assert lines == sum(Decimal(a) for a in AMOUNTS) + Decimal("0.30") * len(AMOUNTS) + Decimal(
        "103.55"
    )
    assert small == Decimal("0.30") * len(AMOUNTS)  # not 2.4000000000000004
    assert type(total) is Decimal


async def test_the_newest_of_one_object_in_a_page_lands(database: Database) -> None:
    business_id = await make_business(database)
    page = [
        bill(token=1, total="1.00", lines=("1.00",)),
        bill(token=3, total="3.00", lines=("1.00", "2.00")),
        bill(token=2, total="2.00", lines=("2.00",)),
    ]

    assert await land(database, map_objects("Bill", page, business_id=business_id)) == (1, 0)
    (stored,) = await bills(database)
    assert (stored.sync_token, stored.total_amt) == (3, Decimal("3.00"))
    assert await line_amounts(database) == [Decimal("1.00"), Decimal("2.00")]


async def test_a_page_larger_than_one_statement_lands_whole_and_replays_cleanly(
    database: Database,
) -> None:
    business_id = await make_business(database)
    page = [bill(str(n), total="2.50", lines=("1.25", "1.25")) for n in range(1, 601)]
    page.append(bill("300", token=1, total="9.00", lines=("9.00",)))  # the newer copy, last
    assert len(page) > UPSERT_PAGE_ROWS

    batch = map_objects("Bill", page, business_id=business_id)
    assert await land(database, batch) == (600, 0)
    before = await dump(database)
    assert await land(database, batch) == (0, 0)

    assert await dump(database) == before
    async with database.sessions() as session:
        total = (await session.execute(select(func.sum(Bill.total_amt)))).scalar_one()
        line_count = (await session.execute(select(func.count()).select_from(BillLine))).scalar()
    assert total == Decimal("2.50") * 599 + Decimal("9.00")
    assert line_count == 599 * 2 + 1
    assert await line_amounts(database, "300") == [Decimal("9.00")]


async def test_two_businesses_with_the_same_qbo_id_do_not_collide(database: Database) -> None:
    first = await make_business(database, "1001")
    second = await make_business(database, "2002")
    await land(database, map_objects("Bill", [bill(total="1.00")], business_id=first))
    await land(database, map_objects("Bill", [bill(total="2.00")], business_id=second))
    await land(database, map_objects("Bill", [deleted("25", stamp(11))], business_id=first))

    stored = await bills(database)

    assert [(b.business_id, b.total_amt, b.deleted_at is None) for b in stored] == [
        (first, Decimal("1.00"), False),
        (second, Decimal("2.00"), True),
    ]
    async with database.sessions() as session:
        per_business = (
            await session.execute(
                select(col(BillLine.business_id), func.count()).group_by(col(BillLine.business_id))
            )
        ).all()
    assert sorted(per_business) == [(first, 1), (second, 1)]


async def test_hostile_text_and_numbers_land_on_both_databases(database: Database) -> None:
    business_id = await make_business(database)
    invoice = qbo(
        Id="130",
        DocNumber="INV\x00-1",
        TotalAmt=Decimal("1.00"),
        Balance=Decimal("1.00"),
        MetaData={"LastUpdatedTime": stamp(10)},
        CustomerRef={"value": "24", "name": "Ærøskøbing \ud83d\ude00 " + "x" * 400},
        BillEmail={"Address": "a@b.example, " * 30},
        EmailStatus="NeedToSend",
        Line=[
            {
                "Amount": Decimal("1.00"),
                "DetailType": "SalesItemLineDetail",
                "Description": "d\x00" * 3,
                "SalesItemLineDetail": {"ItemRef": {"value": "1", "name": "\ud800lone"}},
            }
        ],
    )
    invoice["Weird"] = [Decimal("NaN"), float("-inf"), "nul\x00", {"k\x00": "\udfff"}]
    batch = map_objects("Invoice", [invoice], business_id=business_id)

    assert await land(database, batch) == (1, 0)

    async with database.sessions() as session:
        stored = (await session.scalars(select(Invoice))).one()
        line = (await session.scalars(select(InvoiceLine))).one()
    assert stored.doc_number == "INV-1"
    assert stored.customer_name is not None and len(stored.customer_name) == 255
    assert stored.customer_name.startswith("Ærøskøbing \U0001f600 ")
    assert stored.bill_email is None
    assert stored.raw["Weird"] == ["NaN", "-Infinity", "nul", {"k": "\ufffd"}]
    assert (line.description, line.item_name) == ("ddd", "\ufffdlone")
