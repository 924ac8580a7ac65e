"""Full-sync paging: the resumable keyset position, the statements, and timestamp ties."""

from typing import Any

import pytest

from sync.engine import SyncOptions
from sync.paging import Position, query_statement
from tests.conftest import Database
from tests.sync.harness import FAST_RETRY, qbo_bench


def objects(*stamps: str) -> list[dict[str, Any]]:
    return [
        {"Id": str(i), "MetaData": {"LastUpdatedTime": f"2026-11-20T10:00:{s}-08:00"}}
        for i, s in enumerate(stamps)
    ]


def test_a_short_page_ends_the_entity() -> None:
    assert Position().after(objects("01", "02"), page_size=3).done


def test_the_next_page_starts_at_the_last_timestamp_and_rereads_its_ties() -> None:
    after = Position().after(objects("01", "02", "02"), page_size=3)
    assert after == Position("2026-11-20T10:00:02-08:00", 1)


def test_a_page_of_one_timestamp_steps_inside_the_tie() -> None:
    first = Position().after(objects("05", "05", "05"), page_size=3)
    assert first == Position("2026-11-20T10:00:05-08:00", 4)
    second = first.after(objects("05", "05", "05"), page_size=3)
    assert second == Position("2026-11-20T10:00:05-08:00", 7)
    third = second.after(objects("05", "05", "06"), page_size=3)
    assert third == Position("2026-11-20T10:00:06-08:00", 1)


def test_objects_without_a_timestamp_are_counted_past() -> None:
    page = [{"Id": "1"}, {"Id": "2", "MetaData": {"LastUpdatedTime": "garbage"}}]
    assert Position("2026-11-20T10:00:05-08:00", 3).after(page, page_size=2) == Position(
        "2026-11-20T10:00:05-08:00", 5
    )


def test_positions_survive_the_json_column() -> None:
    at = Position("2026-11-20T10:00:05-08:00", 4)
    assert Position.load(at.dump()) == at
    assert Position.load(None) == Position()


def test_statements_ask_for_inactive_name_list_records_and_order_by_update_time() -> None:
    assert query_statement("Vendor", Position(), page_size=1000) == (
        "select * from Vendor where Active in (true, false)"
        " orderby MetaData.LastUpdatedTime startposition 1 maxresults 1000"
    )
    at = Position("2026-11-20T10:00:05-08:00", 7)
    assert query_statement("Bill", at, page_size=50) == (
        "select * from Bill where MetaData.LastUpdatedTime >= '2026-11-20T10:00:05-08:00'"
        " orderby MetaData.LastUpdatedTime startposition 7 maxresults 50"
    )


def test_page_size_is_bounded_by_qbos_maximum() -> None:
    with pytest.raises(ValueError, match="1 to 1000"):
        SyncOptions(page_size=1001)


async def test_a_bulk_import_sharing_one_timestamp_pages_completely(database: Database) -> None:
    async with qbo_bench(database, count=1) as bench:
        (realm_id,) = bench.realms
        await bench.connect(realm_id)
        original = bench.fake.objects(realm_id, "Bill")[0]
        template = {key: value for key, value in original.items() if key not in ("Id", "MetaData")}
        bench.clock.advance(minutes=1)
        for number in range(23):  # imported in one second, more than two pages of them
            bench.fake.add(realm_id, "Bill", {**template, "DocNumber": f"IMPORT-{number}"})

        outcome = await bench.sync(realm_id, options=SyncOptions(retry=FAST_RETRY, page_size=10))

        assert outcome.ok, outcome.error
        await bench.assert_mirrors(realm_id)
        bill_pages = [text for text in bench.queries[realm_id] if "from Bill " in text]
        # 20 generated bills + 23 imported: no page is read twice, a few re-read ties at most,
        # and the import's timestamp was stepped through by position.
        assert len(bill_pages) == len(set(bill_pages)) <= 43 // 10 + 3
        assert any("startposition 11 " in text for text in bill_pages)
