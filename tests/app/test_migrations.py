"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from app.db import create_engine
from app.migrations import downgrade_database, upgrade_database_async
from domains.ap.models import Bill
from domains.core.models import Business


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_upgrade_to_head_matches_the_models(database_url: str) -> None:
    await upgrade_database_async(database_url)

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(_tables)
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()

    assert tables == set(SQLModel.metadata.tables)
    assert differences == []


async def test_upgrade_is_repeatable_and_downgrade_empties(database_url: str) -> None:
    await upgrade_database_async(database_url)
    await upgrade_database_async(database_url)
    await asyncio.to_thread(downgrade_database, database_url, "base")

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
    finally:
        await engine.dispose()


async def test_bill_memos_are_backfilled_from_raw_json(database_url: str) -> None:
    """0003 adds ``bill.private_note`` and fills it for bills synced before it existed."""
    await upgrade_database_async(database_url, "0002")
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            business_id = (
                await connection.execute(
                    # The business table as of 0002 (the model's has columns added since).
                    sa.table(
                        "business",
                        *(
                            sa.column(name, Business.__table__.c[name].type)  # type: ignore[attr-defined]
                            for name in (
                                "id",
                                "realm_id",
                                "name",
                                "home_currency",
                                "timezone",
                                "active",
                                "created_at",
                                "connection_status",
                                "sync_progress",
                                "api_calls",
                            )
                        ),
                    )
                    .insert()
                    .values(
                        realm_id="9130",
                        name="Acme",
                        home_currency="USD",
                        timezone="America/Los_Angeles",
                        active=True,
                        created_at=datetime(2026, 11, 20, tzinfo=UTC),
                        connection_status="connected",
                        sync_progress={},
                        api_calls=0,
                    )
                    .returning(sa.column("id"))
                )
            ).scalar_one()
            bills = Bill.__table__
            for qbo_id, raw in (
                ("1", {"PrivateNote": "late fee $25 after the 15th"}),
                ("2", {"PrivateNote": 17}),
                ("3", {}),
            ):
                await connection.execute(
                    bills.insert().values(  # type: ignore[attr-defined]
                        business_id=business_id,
                        qbo_id=qbo_id,
                        sync_token=0,
                        qbo_updated_at=datetime(2026, 11, 1, tzinfo=UTC),
                        raw=raw,
                        total_amt=Decimal("1.00"),
                        balance=Decimal("1.00"),
                    )
                )
    finally:
        await engine.dispose()

    await upgrade_database_async(database_url)

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            notes = (
                await connection.execute(
                    text("SELECT qbo_id, private_note FROM bill ORDER BY qbo_id")
                )
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in notes] == [
        ("1", "late fee $25 after the 15th"),
        ("2", None),
        ("3", None),
    ]


async def test_0005_keeps_every_row_that_refers_to_a_business(database_url: str) -> None:
    """0005 rebuilds SQLite's business table: rows pointing at a business (through ON DELETE
    CASCADE or not) survive, and from then on a removed business's id is never given again."""
    await upgrade_database_async(database_url, "0004")
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO business (realm_id, name, home_currency, timezone, active, "
                    "created_at, connection_status, sync_progress, api_calls, data_version) "
                    "VALUES ('1', 'B', 'USD', 'UTC', true, :now, 'demo', '{}', 0, 0)"
                ),
                {"now": datetime(2026, 11, 1, tzinfo=UTC)},
            )
            await connection.execute(
                text(
                    "INSERT INTO api_token (name, token_hash, role, all_businesses, created_at) "
                    "VALUES ('dana', 'h', 'viewer', false, :now)"
                ),
                {"now": datetime(2026, 11, 1, tzinfo=UTC)},
            )
            await connection.execute(text("INSERT INTO api_token_business VALUES (1, 1)"))
            await connection.execute(
                text(
                    "INSERT INTO sync_run (business_id, kind, status, trigger, started_at, "
                    "changed, api_calls) VALUES (1, 'full', 'succeeded', 'manual', :now, '{}', 0)"
                ),
                {"now": datetime(2026, 11, 1, tzinfo=UTC)},
            )
    finally:
        await engine.dispose()

    await upgrade_database_async(database_url)

    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            kept = [
                (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()  # noqa: S608  (fixed names)
                for table in ("business", "api_token_business", "sync_run")
            ]
            await connection.execute(
                text(
                    "INSERT INTO business (realm_id, name, home_currency, timezone, active, "
                    "created_at, connection_status, sync_progress, api_calls, data_version) "
                    "VALUES ('3', 'C', 'USD', 'UTC', true, :now, 'demo', '{}', 0, 0)"
                ),
                {"now": datetime(2026, 11, 1, tzinfo=UTC)},
            )
            removed = (
                await connection.execute(text("SELECT id FROM business WHERE realm_id = '3'"))
            ).scalar_one()
            await connection.execute(text("DELETE FROM business WHERE realm_id = '3'"))
            await connection.execute(
                text(
                    "INSERT INTO business (realm_id, name, home_currency, timezone, active, "
                    "created_at, connection_status, sync_progress, api_calls, data_version) "
                    "VALUES ('4', 'D', 'USD', 'UTC', true, :now, 'demo', '{}', 0, 0)"
                ),
                {"now": datetime(2026, 11, 1, tzinfo=UTC)},
            )
            newest = (
                await connection.execute(text("SELECT id FROM business WHERE realm_id = '4'"))
            ).scalar_one()
    finally:
        await engine.dispose()

    assert kept == [1, 1, 1]
    assert newest > removed
