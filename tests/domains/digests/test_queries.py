"""Digest runs, their items and stored digests: reads and writes on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col

from domains.digests import queries
from domains.digests.models import DigestRun, DigestRunItem
from tests.conftest import Database
from tests.factories import make_business

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
WEEK = date(2026, 11, 16)


async def businesses(database: Database, count: int, **values: object) -> list[int]:
    ids = []
    for _ in range(count):
        business = await make_business(database.sessions, **values)
        assert business.id is not None
        ids.append(business.id)
    return ids


async def new_run(database: Database, business_ids: list[int], **options: bool) -> DigestRun:
    async with database.sessions.begin() as session:
        run = await queries.create_run(
            session,
            week_start=WEEK,
            requested_by="test",
            business_ids=business_ids,
            deliver=options.get("deliver", False),
            force=options.get("force", False),
            now=NOW,
        )
    assert run.id is not None
    return run


def new_digest(business_id: int, run: DigestRun, subject: str) -> queries.NewDigest:
    assert run.id is not None
    return queries.NewDigest(
        business_id=business_id,
        week_start=WEEK,
        as_of=date(2026, 11, 20),
        generated_at=NOW,
        run_id=run.id,
        status="HEALTHY",
        subject=subject,
        snapshot={"subject": subject},
        html=f"<p>{subject}</p>",
        text=subject,
    )


async def test_active_and_visible_business_ids(database: Database) -> None:
    first, second = await businesses(database, 2)
    [inactive] = await businesses(database, 1, active=False)

    async with database.sessions() as session:
        active = await queries.list_active_business_ids(session, allowed_ids=None)
        scoped = await queries.list_active_business_ids(session, allowed_ids=[second, inactive])
        visible = await queries.list_visible_business_ids(
            session, ids=[first, inactive, 999_999], allowed_ids=[first, inactive]
        )

    assert active == [first, second]
    assert scoped == [second]
    assert visible == {first, inactive}  # asked by name, an inactive business is still there


async def test_a_new_run_is_queued_with_one_pending_item_per_business(database: Database) -> None:
    ids = await businesses(database, 3)

    run = await new_run(database, ids, deliver=True)

    async with database.sessions() as session:
        stored = await queries.get_run(session, run_id=run.id or 0)
        counts = await queries.count_items(session, run_id=run.id or 0)
        items = await queries.list_run_items(
            session, run_id=run.id or 0, status=None, after_id=None, limit=10
        )
        missing = await queries.get_run(session, run_id=999_999)
    assert stored is not None
    assert (stored.status, stored.total, stored.done, stored.deliver, stored.force) == (
        "QUEUED",
        3,
        0,
        True,
        False,
    )
    assert counts == queries.ItemCounts(pending=3)
    assert [(item.business_id, item.status) for item, _ in items] == [(i, "pending") for i in ids]
    assert missing is None


async def test_a_run_is_visible_only_to_callers_who_see_all_its_businesses(
    database: Database,
) -> None:
    first, second = await businesses(database, 2)
    run = await new_run(database, [first, second])

    async with database.sessions() as session:
        answers = [
            await queries.run_is_visible(session, run_id=run.id or 0, allowed_ids=allowed)
            for allowed in (None, [first, second], [first], [])
        ]

    assert answers == [True, True, False, False]


async def test_a_run_of_no_business_is_visible_only_to_callers_who_see_every_business(
    database: Database,
) -> None:
    (first,) = await businesses(database, 1)
    empty = await new_run(database, [])

    async with database.sessions() as session:
        answers = [
            await queries.run_is_visible(session, run_id=empty.id or 0, allowed_ids=allowed)
            for allowed in (None, [first], [])
        ]

    assert answers == [True, False, False]


async def test_unfinished_runs_are_resumed_oldest_first_and_started_once(
    database: Database,
) -> None:
    ids = await businesses(database, 1)
    older, newer = await new_run(database, ids), await new_run(database, ids)
    finished = await new_run(database, [])  # no items: closes at once

    async with database.sessions.begin() as session:
        await queries.start_run(session, run_id=older.id or 0, now=NOW)
        await queries.start_run(session, run_id=older.id or 0, now=NOW + timedelta(hours=1))
        closed = await queries.finish_run(session, run_id=finished.id or 0, now=NOW)
    async with database.sessions() as session:
        unfinished = await queries.list_unfinished_run_ids(session)
        started = await queries.get_run(session, run_id=older.id or 0)

    assert closed is not None and closed.status == "SUCCEEDED"
    assert unfinished == [older.id, newer.id]
    assert started is not None and (started.status, started.started_at) == ("RUNNING", NOW)


async def test_stored_digests_are_kept_or_replaced_in_place(database: Database) -> None:
    first, second = await businesses(database, 2)
    run = await new_run(database, [first, second])

    async with database.sessions.begin() as session:
        stored, kept = await queries.upsert_stored_digests(
            session, digests=[new_digest(first, run, "first")], replace=False
        )
    async with database.sessions.begin() as session:
        again, kept_again = await queries.upsert_stored_digests(
            session,
            digests=[new_digest(first, run, "ignored"), new_digest(second, run, "second")],
            replace=False,
        )
    async with database.sessions.begin() as session:
        replaced, nothing_kept = await queries.upsert_stored_digests(
            session, digests=[new_digest(first, run, "replaced")], replace=True
        )
    async with database.sessions() as session:
        ids = await queries.get_stored_digest_ids(
            session, business_ids=[first, second], week_start=WEEK
        )
        other_week = await queries.get_stored_digest_ids(
            session, business_ids=[first], week_start=WEEK + timedelta(days=7)
        )
        headers = (await session.execute(queries.stored_digest_headers([first, second]))).all()

    assert kept == set() and kept_again == {first} and nothing_kept == set()
    assert again[first] == stored[first] == replaced[first]  # the same row throughout
    assert ids == {first: stored[first], second: again[second]}
    assert other_week == {}
    assert sorted((h.business_id, h.subject) for h in headers) == [
        (first, "replaced"),
        (second, "second"),
    ]
    async with database.sessions.begin() as session:
        assert await queries.upsert_stored_digests(session, digests=[], replace=True) == ({}, set())


async def set_status(database: Database, item_id: int, status: str, **values: object) -> None:
    """What a worker's claim and outcome would leave on an item (claims.py has its own tests)."""
    async with database.sessions.begin() as session:
        await session.execute(
            queries.bulk_update(DigestRunItem)
            .where(col(DigestRunItem.id) == item_id)
            .values(status=status, **values)
        )


async def item_ids(database: Database, run: DigestRun) -> list[int]:
    async with database.sessions() as session:
        rows = await queries.list_run_items(
            session, run_id=run.id or 0, status=None, after_id=None, limit=500
        )
    return [item.id for item, _ in rows if item.id is not None]


@pytest.mark.parametrize(
    ("outcomes", "verdict"),
    [
        ([queries.ITEM_DONE, queries.ITEM_DONE], "SUCCEEDED"),
        ([queries.ITEM_DONE, queries.ITEM_FAILED], "PARTIAL"),
        ([queries.ITEM_FAILED, queries.ITEM_FAILED], "FAILED"),
    ],
)
async def test_a_finished_run_gets_its_verdict_and_exact_counts_once(
    database: Database, outcomes: list[str], verdict: str
) -> None:
    run = await new_run(database, await businesses(database, 2))
    first, second = await item_ids(database, run)
    await set_status(database, first, outcomes[0])

    async with database.sessions.begin() as session:
        too_early = await queries.finish_run(session, run_id=run.id or 0, now=NOW)
    await set_status(database, second, outcomes[1])
    async with database.sessions.begin() as session:
        closed = await queries.finish_run(session, run_id=run.id or 0, now=NOW)
        twice = await queries.finish_run(session, run_id=run.id or 0, now=NOW)

    assert too_early is None  # an item is still pending
    assert closed is not None
    assert (closed.status, closed.done, closed.failed) == (
        verdict,
        outcomes.count(queries.ITEM_DONE),
        outcomes.count(queries.ITEM_FAILED),
    )
    assert (closed.started_at, closed.finished_at) == (NOW, NOW)  # never started: now
    assert twice is None  # exactly one closer wins


async def test_run_progress_adds_up_across_workers(database: Database) -> None:
    run = await new_run(database, await businesses(database, 3))

    async with database.sessions.begin() as session:
        await queries.add_to_run_counts(session, run_id=run.id or 0, done=1, failed=0)
        both = await queries.add_to_run_counts(session, run_id=run.id or 0, done=1, failed=1)
        missing = await queries.add_to_run_counts(session, run_id=999_999, done=1, failed=0)

    assert both is not None and (both.done, both.failed, both.status) == (2, 1, "QUEUED")
    assert missing is None


async def test_run_items_page_by_id_with_business_names_and_status(database: Database) -> None:
    alder = await make_business(database.sessions, name="Alder Dental")
    birch = await make_business(database.sessions, name="Birch Books")
    cedar = await make_business(database.sessions, name="Cedar Cafe")
    assert alder.id is not None and birch.id is not None and cedar.id is not None
    run = await new_run(database, [alder.id, birch.id, cedar.id])
    first, second, third = await item_ids(database, run)
    async with database.sessions.begin() as session:
        stored, _ = await queries.upsert_stored_digests(
            session, digests=[new_digest(alder.id, run, "alder")], replace=False
        )
    await set_status(database, first, queries.ITEM_DONE, digest_id=stored[alder.id])
    await set_status(database, second, queries.ITEM_FAILED, error="boom")
    await set_status(database, third, queries.ITEM_DONE)  # done without a digest id: not sent

    async with database.sessions() as session:
        page = await queries.list_run_items(
            session, run_id=run.id or 0, status=None, after_id=first, limit=1
        )
        failed = await queries.list_run_items(
            session, run_id=run.id or 0, status=queries.ITEM_FAILED, after_id=None, limit=10
        )
        counts = (
            await queries.count_run_items(session, run_id=run.id or 0, status=None),
            await queries.count_run_items(session, run_id=run.id or 0, status=queries.ITEM_DONE),
        )
        digest_ids = await queries.list_run_digest_ids(session, run_id=run.id or 0)
        by_status = await queries.count_items(session, run_id=run.id or 0)

    assert [(item.id, name) for item, name in page] == [(second, "Birch Books")]
    assert [(item.error, name) for item, name in failed] == [("boom", "Birch Books")]
    assert counts == (3, 2)
    assert digest_ids == [stored[alder.id]]
    assert by_status == queries.ItemCounts(done=2, failed=1)
    assert by_status.open == 0
