"""The generic loaders under every domain's loaders.py, on SQLite and PostgreSQL.

Each batch is one statement however many keys it answers (counted with
``tests.statements.counting_statements``), answers in key order, and never reads a business the
loader was not allowed.
"""

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from domains.ap.models import Vendor
from domains.banking.models import Purchase
from domains.row_loaders import RowsByBusiness, RowsById, rows_since
from tests.conftest import Database
from tests.factories import make_business, purchase, save, vendor
from tests.statements import counting_statements, tables_read

DELETED = datetime(2026, 11, 2, tzinfo=UTC)


def vendors_of(database: Database, allowed: list[int] | None) -> RowsByBusiness[Vendor]:
    return RowsByBusiness(
        database.sessions,
        allowed,
        lambda ids: select(Vendor).where(col(Vendor.business_id).in_(ids)),
    )


async def business_ids(database: Database, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        business = await make_business(database.sessions)
        assert business.id is not None
        ids.append(business.id)
    return ids


async def test_rows_of_many_businesses_come_from_one_statement_in_key_order(
    database: Database,
) -> None:
    first, second, third, empty = await business_ids(database, 4)
    await save(
        database.sessions,
        vendor(first, display_name="A1"),
        vendor(second, display_name="B1"),
        vendor(first, display_name="A2"),
        vendor(third, display_name="C1"),
    )
    loader = vendors_of(database, None)

    with counting_statements(database.url) as statements:
        answers = await loader.load_many([third, empty, first, second])

    assert [sorted(v.display_name for v in rows) for rows in answers] == [
        ["C1"],
        [],
        ["A1", "A2"],
        ["B1"],
    ]
    assert tables_read(statements) == ["vendor"]


async def test_separate_loads_in_one_tick_share_the_statement(database: Database) -> None:
    first, second = await business_ids(database, 2)
    await save(database.sessions, vendor(first), vendor(second), vendor(second))
    loader = vendors_of(database, None)

    with counting_statements(database.url) as statements:
        one, two = await asyncio.gather(loader.load(first), loader.load(second))
        again = await loader.load(first)  # answered from the loader's cache

    assert (len(one), len(two), again) == (1, 2, one)
    assert len(statements) == 1


async def test_keys_outside_the_allowed_businesses_answer_empty_without_a_statement(
    database: Database,
) -> None:
    mine, theirs = await business_ids(database, 2)
    await save(database.sessions, vendor(mine), vendor(theirs))

    with counting_statements(database.url) as statements:
        only_theirs = await vendors_of(database, [mine]).load(theirs)
    mixed = await vendors_of(database, [mine]).load_many([theirs, mine])

    assert only_theirs == []
    assert statements == []
    assert [[v.business_id for v in rows] for rows in mixed] == [[], [mine]]


async def test_raw_json_is_not_read_and_reading_it_fails_loudly(database: Database) -> None:
    [business] = await business_ids(database, 1)
    await save(database.sessions, vendor(business, raw={"DisplayName": "Acme"}))

    [row] = await vendors_of(database, None).load(business)

    assert "raw" not in row.__dict__  # deferred: never decoded
    with pytest.raises(SQLAlchemyError, match="raw"):
        _ = row.raw


async def test_rows_since_keeps_live_rows_dated_on_or_after_the_day(database: Database) -> None:
    first, second = await business_ids(database, 2)
    since = date(2026, 11, 1)
    await save(
        database.sessions,
        purchase(first, qbo_id="before", txn_date=date(2026, 10, 31)),
        purchase(first, qbo_id="on", txn_date=since),
        purchase(first, qbo_id="after", txn_date=date(2026, 11, 19)),
        purchase(first, qbo_id="deleted", txn_date=since, deleted_at=DELETED),
        purchase(first, qbo_id="undated", txn_date=None),
        purchase(second, qbo_id="other", txn_date=since),
    )
    loader = rows_since(Purchase, database.sessions, None, since)

    with counting_statements(database.url) as statements:
        mine, other = await loader.load_many([first, second])

    assert sorted(p.qbo_id for p in mine) == ["after", "on"]
    assert [p.qbo_id for p in other] == ["other"]
    assert tables_read(statements) == ["purchase"]


async def test_rows_by_id_answer_none_for_missing_rows_and_other_tenants(
    database: Database,
) -> None:
    mine, theirs = await business_ids(database, 2)
    acme, bright, foreign = vendor(mine), vendor(mine), vendor(theirs)
    await save(database.sessions, acme, bright, foreign)
    assert acme.id is not None and bright.id is not None and foreign.id is not None
    loader: RowsById[Vendor] = RowsById(database.sessions, [mine], Vendor)

    with counting_statements(database.url) as statements:
        rows = await loader.load_many([bright.id, 999_999, foreign.id, acme.id])

    assert [row.id if row else None for row in rows] == [bright.id, None, None, acme.id]
    assert len(statements) == 1
    everyone: RowsById[Vendor] = RowsById(database.sessions, None, Vendor)
    found = await everyone.load(foreign.id)
    assert found is not None and found.business_id == theirs
