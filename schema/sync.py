"""Sync runs over GraphQL: the ``SyncRun`` node and the `requestSync` mutation's resolver."""

from datetime import datetime
from typing import Self

import strawberry

from domains.core.models import Business as BusinessRow
from domains.core.models import SyncRun as SyncRunRow
from resolvers.errors import Unavailable
from schema.context import Info
from schema.relay import Node, global_id


@strawberry.type(description="How many rows of one QBO entity a sync changed.")
class EntityCount:
    entity: str = strawberry.field(description="The QBO entity, e.g. Bill, Invoice or Vendor.")
    count: int = strawberry.field(description="Its rows written or deleted in the mirror.")


@strawberry.type(description="One sync of one business: what changed and how it ended.")
class SyncRun(Node):
    business_id: strawberry.ID = strawberry.field(description="The synced business's global id.")
    kind: str = strawberry.field(
        description="full (every entity paged through again) or incremental (QBO's changes "
        "since the last sync)."
    )
    status: str = strawberry.field(description="running, succeeded or failed.")
    trigger: str = strawberry.field(
        description="What started it: manual (the CLI, or connecting the company), webhook "
        "(QBO's change notice), schedule, or graphql (requestSync)."
    )
    started_at: datetime = strawberry.field(description="When the sync started.")
    finished_at: datetime | None = strawberry.field(
        description="When it ended, either way; null while it runs."
    )
    changed: list[EntityCount] = strawberry.field(
        description="Rows written or deleted, per QBO entity."
    )
    api_calls: int = strawberry.field(description="QBO API calls this sync made.")
    error: str | None = strawberry.field(
        description="Why it failed, as the operator reads it; null unless failed."
    )

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
