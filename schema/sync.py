"""Sync runs over GraphQL: the ``SyncRun`` node and the `requestSync` mutation's resolver."""

from datetime import datetime
from typing import Self

import strawberry

from domains.core.models import Business as BusinessRow
from domains.core.models import SyncRun as SyncRunRow
from resolvers.errors import Unavailable
from schema.context import Info
from schema.relay import Node, global_id


@strawberry.type
class EntityCount:
    entity: str
    count: int


@strawberry.type(description="One sync of one business: what changed and how it ended.")
class SyncRun(Node):
    business_id: strawberry.ID
    kind: str = strawberry.field(description="full or incremental.")
    status: str = strawberry.field(description="running, succeeded or failed.")
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    changed: list[EntityCount] = strawberry.field(
        description="Rows written or deleted, per QBO entity."
    )
    api_calls: int
    error: str | None

    @classmethod
    def from_row(cls, row: SyncRunRow) -> Self:
        return cls(
            id=global_id("SyncRun", row.id),
            business_id=global_id("Business", row.business_id),
            kind=row.kind,
            status=row.status,
            trigger=row.trigger,
            started_at=row.started_at,
            finished_at=row.finished_at,
            changed=[EntityCount(entity=k, count=v) for k, v in sorted(row.changed.items())],
            api_calls=row.api_calls,
            error=row.error,
        )


async def request_sync(info: Info, business: BusinessRow, *, full: bool) -> SyncRun:
    """Run a sync of ``business`` now and return its recorded run (failed runs say why)."""
    context = info.context
    if context.request_sync is None:
        raise Unavailable("Sync is not configured on this server.")
    assert business.id is not None and context.caller is not None
    run = await context.request_sync(business.id, full, context.caller.name)
    return SyncRun.from_row(run)
