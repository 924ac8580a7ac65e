"""Turn a page of QBO objects of one entity into mirror rows, and land them in one call.

A page is mapped as a whole but judged object by object: a malformed object becomes a
``MappingProblem`` and is skipped, and the rest of the page lands. Within a page the newest version
of each object wins (the same rule the upsert applies against the database), so its lines travel
with it and the upsert never sees one key twice.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from domains.core import queries as core_queries
from domains.upsert import ChildRows, UpsertOutcome, soft_delete, upsert_rows
from sync.errors import MalformedValue
from sync.mapping.columns import Row, fit
from sync.mapping.entities import ENTITIES
from sync.mapping.fields import child, identifier, json_safe, sync_token, timestamp

ENTITY_ORDER: tuple[str, ...] = (
    "Term",
    "Account",
    "Vendor",
    "Customer",
    "Bill",
    "Invoice",
    "BillPayment",
    "Payment",
    "Purchase",
)
"""Referenced entities before the ones that reference them, so a sync reads as consistent early.
The fake QBO generates its companies in this order too (``sync.fakeqbo.render``)."""


@dataclass(frozen=True)
class MappingProblem:
    """An object that was skipped, and why, in words an operator can act on."""

    entity: str
    qbo_id: str | None
    reason: str

    def __str__(self) -> str:
        return f"{self.entity} {self.qbo_id or '(no id)'}: {self.reason}"


@dataclass
class MappedBatch:
    """Rows ready for ``upsert_batch``, the deletions to apply, and what was skipped.

    ``business_id`` rides along because deletions need it even when a page holds no rows.
    """

    entity: str
    table: Table
    rows: list[dict[str, Any]]
    children: list[ChildRows]
    deletions: dict[str, datetime]
    problems: list[MappingProblem]
    business_id: int


def map_objects(
    entity: str, objects: Iterable[Mapping[str, Any]], *, business_id: int
) -> MappedBatch:
    """Map QBO objects of ``entity`` (as parsed by ``parse_qbo_json``) for ``business_id``.

    CDC entries with ``"status": "Deleted"`` go to ``deletions`` (the latest time per id). Raises
    ``ValueError`` only for an entity name outside ``ENTITY_ORDER``: that is a caller's bug, not
    QBO data.
    """
    mapping = ENTITIES.get(entity)
    if mapping is None:
        raise ValueError(f"no mapping for QBO entity {entity!r}; known: {', '.join(ENTITY_ORDER)}")
    rows: dict[str, Row] = {}
    lines: dict[str, list[Row]] = {}
    deletions: dict[str, datetime] = {}
    problems: list[MappingProblem] = []
    for obj in objects:
        qbo_id: str | None = None
        try:
            if not isinstance(obj, Mapping):
                raise MalformedValue("object", f"not a JSON object: {type(obj).__name__}")
            qbo_id = identifier(obj.get("Id"), "Id")
            if obj.get("MetaData") is None:
                raise MalformedValue("MetaData", "missing")
            updated_at = timestamp(
                child(obj, "MetaData").get("LastUpdatedTime"), "MetaData.LastUpdatedTime"
            )
            if obj.get("status") == "Deleted":
                seen_at = deletions.get(qbo_id)
                if seen_at is None or updated_at > seen_at:
                    deletions[qbo_id] = updated_at
                continue
            row = mapping.columns(obj)
            row["business_id"] = business_id
            row["qbo_id"] = qbo_id
            row["sync_token"] = sync_token(obj.get("SyncToken"))
            row["qbo_updated_at"] = updated_at
            row["deleted_at"] = None
            row["raw"] = json_safe(obj)
            fit(row, mapping.limits)
            object_lines = [] if mapping.line_rows is None else mapping.line_rows(obj)
        except MalformedValue as error:
            problems.append(MappingProblem(entity, qbo_id, str(error)))
            continue
        seen = rows.get(qbo_id)
        if seen is None or (row["sync_token"], updated_at) > (
            seen["sync_token"],
            seen["qbo_updated_at"],
        ):
            for line in object_lines:
                line["business_id"] = business_id
            rows[qbo_id] = row
            lines[qbo_id] = object_lines
    children = []
    if mapping.line_table is not None:
        children.append(ChildRows(mapping.line_table, mapping.parent_key, lines))
    return MappedBatch(
        entity=entity,
        table=mapping.table,
        rows=list(rows.values()),
        children=children,
        deletions=deletions,
        problems=problems,
        business_id=business_id,
    )


async def upsert_batch(session: AsyncSession, batch: MappedBatch) -> UpsertOutcome:
    """Write a mapped page: upsert the rows (with their lines), then apply its deletions.

    Deletions come second so that an object updated and deleted within one page ends deleted,
    while a deletion older than the stored row is still ignored. A page that changed anything
    bumps the business's ``data_version``, so its stored assessments are stale from the same
    commit on. The caller owns the transaction (and advances its cursor only after committing
    it).
    """
    outcome = await upsert_rows(
        session, table=batch.table, rows=batch.rows, children=batch.children
    )
    if batch.deletions:
        outcome.deleted = await soft_delete(
            session, table=batch.table, business_id=batch.business_id, deletions=batch.deletions
        )
    if outcome.written or outcome.deleted:
        # In the same transaction: the business's stored views are stale from this commit on.
        await core_queries.bump_data_version(session, business_id=batch.business_id)
    return outcome
