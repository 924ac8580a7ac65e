"""Storing and reading assessments: whole replaces, the version guard, keyed reads, the sweep."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import InvalidRequestError
from sqlmodel import col

from domains.assessments import queries
from domains.assessments.models import Assessment
from domains.core import queries as core_queries
from tests.conftest import Database
from tests.domains.assessments.records import (
    KEY,
    NOW,
    TODAY,
    assessment,
    bill,
    business_ids,
    invoice,
    item,
    record_count,
    record_keys,
    store,
    stored_id,
)
from tests.statements import counting_statements


async def stored_row(database: Database, assessment_id: int) -> Assessment:
    async with database.sessions() as session:
        row = await session.get(Assessment, assessment_id)
    assert row is not None
    return row


async def test_an_assessment_is_stored_with_its_records(database: Database) -> None:
    [business_id] = await business_ids(database, 1)
    new = assessment(
        business_id,
        version=4,
        items=[item("b"), item("a")],
        bills=[bill("x")],
        invoices=[invoice("i"), invoice("j")],
    )

    written = await store(database, new)

    assessment_id = written[(business_id, TODAY)]
    row = await stored_row(database, assessment_id)
    assert (row.business_id, row.as_of, row.data_version, row.thresholds_key) == (
        business_id,
        TODAY,
        4,
        KEY,
    )
    assert (row.computed_at, row.status, row.summary, row.detail) == (
        NOW,
        "HEALTHY",
        {"version": 4, "key": "kkkk"},
        {"detail_of": 4},
    )
    assert await record_keys(database, assessment_id) == {
        "assessed_hygiene_item": ["a", "b"],
        "assessed_bill": ["x"],
        "assessed_invoice": ["i", "j"],
    }


async def test_a_replace_is_whole_summary_and_records_alike(database: Database) -> None:
    [business_id] = await business_ids(database, 1)
    first = await stored_id(
        database,
        assessment(business_id, version=1, items=[item("a"), item("b")], bills=[bill("x")]),
    )

    written = await store(
        database,
        assessment(
            business_id,
            version=2,
            computed_at=NOW + timedelta(minutes=5),
            status="WARNING",
            items=[item("c")],
            invoices=[invoice("i")],
        ),
    )

    assert written == {(business_id, TODAY): first}  # the same row, updated in place
    row = await stored_row(database, first)
    assert (row.data_version, row.computed_at, row.status, row.summary, row.detail) == (
        2,
        NOW + timedelta(minutes=5),
        "WARNING",
        {"version": 2, "key": "kkkk"},
        {"detail_of": 2},
    )
    # Nothing of the first computation survives beside the second: no stale bill, no old item.
    assert await record_keys(database, first) == {
        "assessed_hygiene_item": ["c"],
        "assessed_bill": [],
        "assessed_invoice": ["i"],
    }
    assert await record_count(database) == 2


async def test_an_older_version_never_overwrites_a_newer_one(database: Database) -> None:
    [business_id] = await business_ids(database, 1)
    newer = await stored_id(database, assessment(business_id, version=5, items=[item("new")]))

    older = await store(database, assessment(business_id, version=4, items=[item("old")]))

    assert older == {}
    row = await stored_row(database, newer)
    assert (row.data_version, row.summary["version"]) == (5, 5)
    assert (await record_keys(database, newer))["assessed_hygiene_item"] == ["new"]

    # The same version again is written (a recomputation of the same data, e.g. another day's
    # clock), and so is an older one computed with other thresholds: the stored one is stale
    # for those thresholds whatever its version.
    same = await store(database, assessment(business_id, version=5, items=[item("again")]))
    assert same == {(business_id, TODAY): newer}
    assert (await record_keys(database, newer))["assessed_hygiene_item"] == ["again"]
    other_key = "o" * 64
    rethresholded = await store(
        database, assessment(business_id, version=3, key=other_key, items=[item("other")])
    )
    assert rethresholded == {(business_id, TODAY): newer}
    row = await stored_row(database, newer)
    assert (row.data_version, row.thresholds_key) == (3, other_key)
    assert (await record_keys(database, newer))["assessed_hygiene_item"] == ["other"]


async def test_a_batch_writes_the_newer_and_leaves_the_older_untouched(database: Database) -> None:
    ahead, behind = await business_ids(database, 2)
    await store(
        database,
        assessment(ahead, version=1, items=[item("a1")]),
        assessment(behind, version=9, items=[item("b9")]),
    )

    written = await store(
        database,
        assessment(ahead, version=2, items=[item("a2")]),
        assessment(behind, version=8, items=[item("b8")]),
    )

    assert list(written) == [(ahead, TODAY)]
    assert (await record_keys(database, written[(ahead, TODAY)]))["assessed_hygiene_item"] == ["a2"]
    async with database.sessions() as session:
        [kept] = await queries.list_assessments(session, keys=[(behind, TODAY)])
    assert kept.id is not None and kept.data_version == 9
    assert (await record_keys(database, kept.id))["assessed_hygiene_item"] == ["b9"]


async def test_a_batch_is_one_statement_per_table_however_many_businesses(
    database: Database,
) -> None:
    ids = await business_ids(database, 6)
    batch = [
        assessment(
            business_id,
            items=[item(f"i{n}") for n in range(3)],
            bills=[bill(f"b{n}") for n in range(2)],
            invoices=[invoice("v")],
        )
        for business_id in ids
    ]

    with counting_statements(database.url) as statements:
        written = await store(database, *batch)

    assert sorted(written) == sorted((business_id, TODAY) for business_id in ids)
    verbs = [" ".join(statement.split()[:3]) for statement in statements]
    writes = [verb for verb in verbs if verb.split()[0] in ("INSERT", "DELETE", "UPDATE")]
    # The summaries' upsert, then per record table one delete of the old rows and one insert.
    assert sorted(writes) == sorted(
        [
            "INSERT INTO assessment",
            "DELETE FROM assessed_hygiene_item",
            "DELETE FROM assessed_bill",
            "DELETE FROM assessed_invoice",
            "INSERT INTO assessed_hygiene_item",
            "INSERT INTO assessed_bill",
            "INSERT INTO assessed_invoice",
        ]
    )
    assert await record_count(database) == 6 * 6

    with counting_statements(database.url) as nothing:
        assert await store(database) == {}
    assert [s for s in nothing if s.split()[0] in ("INSERT", "DELETE", "UPDATE")] == []


async def test_keyed_reads_leave_the_digest_detail_to_its_own_read(database: Database) -> None:
    first, second, unstored = await business_ids(database, 3)
    ids = await store(
        database,
        assessment(first, version=1),
        assessment(second, version=2),
        assessment(second, as_of=TODAY - timedelta(days=7), version=2),
    )

    async with database.sessions() as session:
        rows = await queries.list_assessments(
            session, keys=[(first, TODAY), (second, TODAY), (unstored, TODAY)]
        )
        details = await queries.list_details(
            session, assessment_ids=[ids[(first, TODAY)], ids[(second, TODAY)], 999_999]
        )
        nothing = await queries.list_assessments(session, keys=[])
        no_details = await queries.list_details(session, assessment_ids=[])
        with pytest.raises(InvalidRequestError):  # deferred with raiseload: no reader slips
            _ = rows[0].detail

    assert sorted((row.business_id, row.as_of, row.summary["version"]) for row in rows) == sorted(
        [(first, TODAY, 1), (second, TODAY, 2)]
    )
    assert details == {
        ids[(first, TODAY)]: {"detail_of": 1},
        ids[(second, TODAY)]: {"detail_of": 2},
    }
    assert (nothing, no_details) == ([], {})


async def test_business_states_are_the_active_ones_with_their_version(database: Database) -> None:
    paris, tokyo = await business_ids(database, 2, timezone="Europe/Paris")
    [closed] = await business_ids(database, 1, active=False)
    async with database.sessions.begin() as session:
        await core_queries.bump_data_version(session, business_id=tokyo)
        await core_queries.bump_data_version(session, business_id=tokyo)

    async with database.sessions() as session:
        every = await queries.list_business_states(session)
        chosen = await queries.list_business_states(session, business_ids=[tokyo, closed])

    assert every == [
        queries.BusinessState(paris, "Europe/Paris", 0),
        queries.BusinessState(tokyo, "Europe/Paris", 2),
    ]
    assert chosen == [queries.BusinessState(tokyo, "Europe/Paris", 2)]


async def test_stored_keys_say_what_each_assessment_was_computed_from(database: Database) -> None:
    first, second = await business_ids(database, 2)
    await store(
        database,
        assessment(first, version=3),
        assessment(second, version=1, key="o" * 64),
        assessment(second, as_of=TODAY - timedelta(days=1), version=7),
    )

    async with database.sessions() as session:
        keys = await queries.list_stored_keys(
            session, keys=[(first, TODAY), (second, TODAY), (first, TODAY + timedelta(days=1))]
        )
        nothing = await queries.list_stored_keys(session, keys=[])

    assert sorted(keys, key=lambda k: k.business_id) == [
        queries.StoredKey(first, TODAY, 3, KEY),
        queries.StoredKey(second, TODAY, 1, "o" * 64),
    ]
    assert nothing == []


async def test_the_sweep_drops_other_days_once_old_and_keeps_today(database: Database) -> None:
    first, second = await business_ids(database, 2)
    yesterday, last_week = TODAY - timedelta(days=1), TODAY - timedelta(days=7)
    long_ago, lately = NOW - timedelta(hours=3), NOW - timedelta(minutes=5)
    ids = await store(
        database,
        assessment(first, computed_at=long_ago, items=[item("today")]),  # today: kept however old
        assessment(first, as_of=yesterday, computed_at=long_ago, items=[item("y")]),
        assessment(second, as_of=last_week, computed_at=lately, bills=[bill("w")]),
        assessment(second, computed_at=long_ago),
    )
    keep = [(first, TODAY), (second, TODAY)]
    cutoff = NOW - timedelta(hours=1)

    async with database.sessions.begin() as session:
        dropped = await queries.delete_assessments_except(
            session, keep=keep, computed_before=cutoff
        )

    assert dropped == 1
    async with database.sessions() as session:
        left = (await session.scalars(select(Assessment).order_by(col(Assessment.id)))).all()
    assert sorted((row.business_id, row.as_of) for row in left) == sorted(
        [(first, TODAY), (second, last_week), (second, TODAY)]
    )
    # The dropped assessment's records went with it (a cascade, on SQLite too).
    assert (await record_keys(database, ids[(first, yesterday)]))["assessed_hygiene_item"] == []
    assert await record_count(database) == 2

    async with database.sessions.begin() as session:
        later = await queries.delete_assessments_except(session, keep=[], computed_before=NOW)
    assert later == 3  # nothing kept: every assessment computed before the cutoff goes
