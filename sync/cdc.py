"""Incremental sync through Change Data Capture, from the business's stored cursor.

One CDC call returns every entity's changes (and "Deleted" markers, which soft-delete) since
``changedSince``, but at most 1000 objects in all, the oldest first. At that cap the window is
shortened from the front: everything older than the newest timestamp received is complete, so
it is committed with the cursor moved to that timestamp, and the next call starts there (objects
sharing it are read again, harmlessly). If a capped answer spans a single instant, the entities are
split in halves, recursively, until each part fits. The final cursor is the server's clock at the
first answer minus an overlap, so a change QBO committed just before that moment but made visible
just after is read again next time rather than missed; the upserts are idempotent, so overlap
costs nothing.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sync.client import CdcChanges, QboClient
from sync.errors import QboResponseError
from sync.mapping import ENTITY_ORDER, MappedBatch, map_objects
from sync.paging import stamp_of
from sync.writer import MirrorWriter

CDC_MAX_OBJECTS = 1000
CDC_LOOKBACK = timedelta(days=30)
"""How far back QBO's CDC answers; an older cursor needs a full sync."""


class CursorExpired(Exception):
    """QBO refused the cursor as older than its CDC window (clocks disagreed with ours)."""


def cursor_usable(cursor: datetime | None, *, now: datetime) -> bool:
    """Whether CDC can continue from ``cursor`` (with an hour's margin for clock skew)."""
    return cursor is not None and cursor > now - CDC_LOOKBACK + timedelta(hours=1)


async def incremental_sync(
    client: QboClient, writer: MirrorWriter, *, cursor: datetime, overlap: timedelta, now: datetime
) -> datetime:
    """Apply every change since ``cursor``; returns (and has committed) the next cursor."""
    first_answer = await _catch_up(client, writer, list(ENTITY_ORDER), cursor, move_cursor=True)
    next_cursor = (first_answer or now) - overlap
    await writer.update_business(cdc_cursor=next_cursor)
    return next_cursor


async def _catch_up(
    client: QboClient,
    writer: MirrorWriter,
    entities: Sequence[str],
    since: datetime,
    *,
    move_cursor: bool,
) -> datetime | None:
    """Read and commit ``entities``' changes since ``since``; the server time of the first answer.

    ``move_cursor`` stores each intermediate window's end as the cursor; only right when all
    entities are read together (when split, the other part hasn't reached it yet).
    """
    first_answer: datetime | None = None
    while True:
        changes = await _cdc(client, entities, since)
        first_answer = first_answer or changes.server_time
        batches = _map(changes, writer.business_id)
        if changes.total < CDC_MAX_OBJECTS:
            await writer.commit(batches)
            return first_answer
        stamps = [stamp_of(obj) for objs in changes.objects.values() for obj in objs]
        newest = max((stamp[1] for stamp in stamps if stamp is not None), default=since)
        if newest <= since:
            if len(entities) == 1:
                raise QboResponseError(
                    f"realm {client.realm_id}: over {CDC_MAX_OBJECTS} {entities[0]} changes at "
                    f"{since.isoformat()}: CDC cannot page them",
                    entity=entities[0],
                )
            half = len(entities) // 2
            for part in (entities[:half], entities[half:]):
                await _catch_up(client, writer, part, since, move_cursor=False)
            return first_answer
        values: dict[str, Any] = {"cdc_cursor": newest} if move_cursor else {}
        await writer.commit(batches, **values)
        since = newest


async def _cdc(client: QboClient, entities: Sequence[str], since: datetime) -> CdcChanges:
    try:
        return await client.cdc(entities, since)
    except QboResponseError as error:
        if error.status == 400 and "changedSince" in str(error):
            raise CursorExpired(str(error)) from error
        raise


def _map(changes: CdcChanges, business_id: int) -> list[MappedBatch]:
    return [
        map_objects(entity, objects, business_id=business_id)
        for entity, objects in changes.objects.items()
        if objects
    ]
