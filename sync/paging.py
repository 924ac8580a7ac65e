"""Full sync: every entity paged through the Query endpoint, resumable after any page.

Pages are read ``orderby MetaData.LastUpdatedTime`` from a keyset position stored in
``Business.sync_progress`` and committed with it (``MirrorWriter``), so a sync cut off anywhere
resumes at the first uncommitted page and never refetches a committed one. The position is
``(since, position)``: every object updated before ``since`` is stored, and so are the first
``position - 1`` of those updated exactly at ``since``. After a page, ``since`` moves to the page's
last timestamp and the objects sharing it are read again (cheap, idempotent upserts), which stays
correct when objects change during the sync (they move to the end of the order, or into the next
CDC window) and doesn't depend on QBO ordering ties the same way twice. Only when a whole page
shares one timestamp (bulk imports) does the position step within the tie.

The loop runs until a page comes back short: stopping after the first 1000 is the classic bug.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.client import QboClient
from sync.mapping import ENTITY_ORDER, map_objects
from sync.writer import MirrorWriter

logger = logging.getLogger(__name__)

NAME_LISTS = frozenset({"Account", "Customer", "Term", "Vendor"})
"""Entities whose plain queries hide inactive records unless the query asks for them too."""


@dataclass(frozen=True)
class Position:
    """Where an entity's full sync resumes (see the module docstring)."""

    since: str | None = None  # a LastUpdatedTime exactly as QBO wrote it, or None: from the start
    position: int = 1
    done: bool = False

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> "Position":
        if not data:
            return cls()
        return cls(data.get("since"), int(data.get("position", 1)), bool(data.get("done", False)))

    def dump(self) -> dict[str, Any]:
        return {"since": self.since, "position": self.position, "done": self.done}

    def after(self, objects: list[dict[str, Any]], *, page_size: int) -> "Position":
        """The position after committing ``objects`` (one page read from this position)."""
        if len(objects) < page_size:
            return Position(self.since, self.position + len(objects), done=True)
        stamps = [stamp for stamp in map(stamp_of, objects) if stamp is not None]
        if not stamps:  # nothing to key on (the mapper reports such objects): count past them
            return Position(self.since, self.position + len(objects))
        last_text, last = stamps[-1]
        if self.since is not None and last == datetime.fromisoformat(self.since):
            return Position(self.since, self.position + len(objects))  # still inside one tie
        ties = sum(1 for _, moment in stamps if moment == last)
        if ties == len(objects):
            return Position(last_text, ties + 1)  # a whole page of one timestamp: step inside it
        return Position(last_text, 1)


def stamp_of(obj: Any) -> tuple[str, datetime] | None:
    """An object's ``MetaData.LastUpdatedTime`` as QBO wrote it and parsed, if it has one.

    Parsing also guarantees the text is a plain timestamp, safe to quote in a query.
    """
    try:
        text = obj["MetaData"]["LastUpdatedTime"]
        moment = datetime.fromisoformat(text)
    except (KeyError, TypeError, ValueError):
        return None
    return (text, moment) if moment.tzinfo is not None else None


def query_statement(entity: str, at: Position, *, page_size: int) -> str:
    """The Query for the page at ``at``: both conditions, ordered, one page."""
    conditions = []
    if entity in NAME_LISTS:
        conditions.append("Active in (true, false)")
    if at.since is not None:
        conditions.append(f"MetaData.LastUpdatedTime >= '{at.since}'")
    where = f" where {' and '.join(conditions)}" if conditions else ""
    # Not SQL: QBO's query language. The entity is ours and ``since`` a timestamp that
    # ``stamp_of`` parsed, so neither can carry a quote.
    order = "orderby MetaData.LastUpdatedTime"
    paging = f"startposition {at.position} maxresults {page_size}"
    return f"select * from {entity}{where} {order} {paging}"  # noqa: S608


async def full_sync(
    client: QboClient,
    writer: MirrorWriter,
    *,
    progress: dict[str, Any],
    page_size: int,
) -> dict[str, Any]:
    """Page every entity to its end from ``progress``; returns the final progress.

    ``progress`` is ``Business.sync_progress["full"]``: ``{"cursor": …, "entities": {…}}``. Each
    page is committed together with the progress that follows it.
    """
    entities: dict[str, Any] = dict(progress.get("entities") or {})
    for entity in ENTITY_ORDER:
        at = Position.load(entities.get(entity))
        while not at.done:
            page = await client.query(entity, query_statement(entity, at, page_size=page_size))
            following = at.after(page.objects, page_size=page_size)
            entities[entity] = following.dump()
            progress = {**progress, "entities": dict(entities)}
            batch = map_objects(entity, page.objects, business_id=writer.business_id)
            await writer.commit([batch], sync_progress={"full": progress})
            at = following
            if page.objects:
                logger.debug(
                    "%s: %s page of %d committed", client.realm_id, entity, len(page.objects)
                )
    return progress
