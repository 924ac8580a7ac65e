"""Digest runs as the schema and the CLI see them: asking for one, its progress, stored digests.

The work itself is ``app.digest_worker``'s. Here: which businesses and which week a request
means, creating the run, and the paginated reads (a run's items, a business's stored digests)
through loaders, so listing the digests of many businesses costs one statement.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.digests import queries
from domains.digests.models import DigestRun, DigestRunItem, StoredDigest
from domains.row_loaders import RowsByBusiness, RowsById
from resolvers.errors import InvalidDigestRequest, InvalidPageRequest, UnknownBusinesses
from resolvers.loaders import Loaders
from resolvers.pagination import (
    Page,
    decode_cursor,
    encode_cursor,
    page_size,
    paginate,
)
from resolvers.rules.dates import week_start

MAX_BUSINESSES_PER_REQUEST = 10_000
"""A named list longer than this is refused (the default, every business, is not limited)."""

EARLIEST_ZONE_AHEAD = timedelta(hours=14)
"""UTC+14 (Kiribati): the latest "today" anywhere, which bounds the weeks one may ask for."""


@dataclass(frozen=True)
class DigestRequest:
    """What ``generateDigests`` and ``runway digest generate`` ask for, already resolved."""

    business_ids: tuple[int, ...]
    week_start: date
    requested_by: str
    deliver: bool = False
    force: bool = False
    wait: bool = False


def run_week(week_of: date | None, *, now: datetime) -> date:
    """The Monday of ``week_of``, or of the current week in UTC when not given.

    One week per run (a run is one row), so "current" needs one clock: UTC's. Each business is
    then computed as of its own today when that falls in the run's week (as the live ``digest``
    query does). A week that has not started anywhere on Earth is refused: its digest would be
    stored now and reused, stale, when the week comes.
    """
    if week_of is None:
        return week_start(now.astimezone(UTC).date())
    latest = week_start((now.astimezone(UTC) + EARLIEST_ZONE_AHEAD).date())
    if week_start(week_of) > latest:
        raise InvalidDigestRequest(
            f"'weekOf' {week_of.isoformat()} is in a week that has not started yet"
        )
    return week_start(week_of)


async def run_businesses(
    sessions: async_sessionmaker[AsyncSession],
    *,
    allowed_ids: Collection[int] | None,
    requested: Sequence[int] | None,
) -> tuple[int, ...]:
    """The businesses a run covers: those named (each must be the caller's), or every active one
    the caller may see.

    Never none: a run of no businesses has nothing to do, and no items to say whose it is (a
    run is shown only to tokens that see all its businesses, which all tokens do of none).
    """
    async with sessions() as session:
        if requested is None:
            active = await queries.list_active_business_ids(session, allowed_ids=allowed_ids)
            if not active:
                raise InvalidDigestRequest(
                    "There is no active business to generate digests for"
                    + (" among this token's businesses." if allowed_ids is not None else ".")
                )
            return tuple(active)
        wanted = sorted(set(requested))
        if not wanted:
            raise InvalidDigestRequest(
                "'businessIds' is empty: name at least one business, or omit it for all"
            )
        if len(wanted) > MAX_BUSINESSES_PER_REQUEST:
            raise InvalidDigestRequest(
                f"'businessIds' names {len(wanted)} businesses; at most "
                f"{MAX_BUSINESSES_PER_REQUEST} (omit it for all)"
            )
        found = await queries.list_visible_business_ids(
            session, ids=wanted, allowed_ids=allowed_ids
        )
    if missing := [business_id for business_id in wanted if business_id not in found]:
        raise UnknownBusinesses(missing)
    return tuple(wanted)


async def create_run(
    sessions: async_sessionmaker[AsyncSession], request: DigestRequest, *, now: datetime
) -> DigestRun:
    """Record a queued run with one pending item per business (at least one)."""
    if not request.business_ids:
        raise InvalidDigestRequest("A digest run needs at least one business.")
    async with sessions.begin() as session:
        return await queries.create_run(
            session,
            week_start=request.week_start,
            requested_by=request.requested_by,
            business_ids=request.business_ids,
            deliver=request.deliver,
            force=request.force,
            now=now,
        )


async def get_run(
    sessions: async_sessionmaker[AsyncSession],
    *,
    run_id: int,
    allowed_ids: Collection[int] | None,
) -> DigestRun | None:
    """The run, if every business in it is the caller's (``None`` otherwise, as if unknown).

    A run with no business at all (none can be created any more) is shown only to tokens that
    see every business: it names another token and its activity, and covers no one's books.
    """
    async with sessions() as session:
        run = await queries.get_run(session, run_id=run_id)
        if run is None or not await queries.run_is_visible(
            session, run_id=run_id, allowed_ids=allowed_ids
        ):
            return None
        return run


ITEM_STATUSES = (
    queries.ITEM_PENDING,
    queries.ITEM_RUNNING,
    queries.ITEM_DONE,
    queries.ITEM_FAILED,
)
_ITEMS_CURSOR = "DigestRunItem"


@dataclass(frozen=True)
class RunItem:
    """One business's outcome in a run."""

    item: DigestRunItem
    business_name: str


async def run_items_page(
    sessions: async_sessionmaker[AsyncSession],
    *,
    run_id: int,
    status: str | None,
    first: int | None,
    after: str | None,
) -> Page[RunItem]:
    """A page of the run's items in business order of the request, optionally by status."""
    size = page_size(first)
    after_id = None
    if after:
        key = decode_cursor(_ITEMS_CURSOR, after)
        if len(key) != 1 or not isinstance(key[0], int):
            raise InvalidPageRequest(f"'after' is not a cursor of this connection: {after!r}")
        after_id = key[0]
    async with sessions() as session:
        rows = await queries.list_run_items(
            session, run_id=run_id, status=status, after_id=after_id, limit=size + 1
        )
        total = await queries.count_run_items(session, run_id=run_id, status=status)
    items = [RunItem(item, name) for item, name in rows[:size]]
    return Page(
        items=items,
        cursors=[encode_cursor(_ITEMS_CURSOR, (i.item.id or 0,)) for i in items],
        total_count=total,
        has_next_page=len(rows) > size,
        has_previous_page=after_id is not None,
    )


StoredDigestHeader = Row[Any]
"""A stored digest without its snapshot and renderings (see ``STORED_DIGEST_HEADER_COLUMNS``)."""


class StoredDigestLoaders:
    """The loaders behind stored digests, one set per ``Loaders`` (so per request)."""

    def __init__(self, loaders: Loaders) -> None:
        self.headers: RowsByBusiness[StoredDigestHeader] = RowsByBusiness(
            loaders.sessions, loaders.allowed_ids, queries.stored_digest_headers, entities=False
        )
        self.by_id: RowsById[StoredDigest] = RowsById(
            loaders.sessions, loaders.allowed_ids, StoredDigest
        )


async def stored_digest_loaders(loaders: Loaders) -> StoredDigestLoaders:
    """This request's stored-digest loaders, made on first use and shared after."""

    async def build() -> StoredDigestLoaders:
        return StoredDigestLoaders(loaders)

    return await loaders.memo(("stored_digest_loaders",), build)


def _newest_first(header: StoredDigestHeader) -> tuple[int, int]:
    return (-header.week_start.toordinal(), -header.id)


async def stored_digest_page(
    loaders: Loaders, business_id: int, *, first: int | None, after: str | None
) -> Page[StoredDigestHeader]:
    """A page of the business's stored digests, newest week first.

    A business gains one a week, so all its headers are read (one statement for every business in
    the request) and paged here.
    """
    digest_loaders = await stored_digest_loaders(loaders)
    headers = sorted(await digest_loaders.headers.load(business_id), key=_newest_first)
    return paginate(headers, kind="StoredDigest", key=_newest_first, first=first, after=after)


async def stored_digest(loaders: Loaders, digest_id: int) -> StoredDigest | None:
    """A stored digest in full, if it is one of the caller's businesses'."""
    digest_loaders = await stored_digest_loaders(loaders)
    return await digest_loaders.by_id.load(digest_id)
