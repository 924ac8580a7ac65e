"""The ``Business`` node, its views as nested fields, its sync status, and its connection."""

from datetime import date, datetime
from typing import Self

import strawberry

from domains.core.models import Business as BusinessRow
from resolvers.pagination import Page
from schema.console import DecisionConsole, DecisionFilter, resolve_decision_console
from schema.context import Info
from schema.digest import Digest, resolve_digest
from schema.digest_runs import DigestConnection, resolve_stored_digests
from schema.hygiene import HygieneFilter, HygieneTray, resolve_hygiene_tray
from schema.relay import Node, PageInfo, global_id


@strawberry.type(description="How the mirror of one business stands against QBO.")
class SyncStatus:
    connection_status: str = strawberry.field(
        description="connected, needs_reconnect (QBO refused the refresh token), demo…"
    )
    last_synced_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    api_calls: int = strawberry.field(description="QBO API calls made for this business.")


@strawberry.type(description="One QBO company mirrored by Runway.")
class Business(Node):
    realm_id: str
    name: str
    currency: str
    timezone: str
    sync: SyncStatus
    row: strawberry.Private[BusinessRow]

    @classmethod
    def from_row(cls, row: BusinessRow) -> Self:
        return cls(
            id=global_id("Business", row.id),
            realm_id=row.realm_id,
            name=row.name,
            currency=row.home_currency,
            timezone=row.timezone,
            sync=SyncStatus(
                connection_status=row.connection_status,
                last_synced_at=row.last_synced_at,
                last_error=row.last_sync_error,
                last_error_at=row.last_sync_error_at,
                api_calls=row.api_calls,
            ),
            row=row,
        )

    @strawberry.field(description="Broken or incomplete records, worst first.")
    async def hygiene(
        self,
        info: Info,
        filter: HygieneFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: date | None = None,
    ) -> HygieneTray:
        return await resolve_hygiene_tray(
            info, self.row, wanted=filter, first=first, after=after, as_of=as_of
        )

    @strawberry.field(description="Bills to decide and invoices to chase, ranked.")
    async def decisions(
        self, info: Info, filter: DecisionFilter | None = None, as_of: date | None = None
    ) -> DecisionConsole:
        return await resolve_decision_console(info, self.row, wanted=filter, as_of=as_of)

    @strawberry.field(description="The weekly digest, computed live.")
    async def digest(self, info: Info, week_of: date | None = None) -> Digest:
        return await resolve_digest(info, self.row, week_of=week_of)

    @strawberry.field(description="Digests stored by digest runs, newest week first.")
    async def digests(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> DigestConnection:
        return await resolve_stored_digests(info, self.row, first=first, after=after)


@strawberry.type
class BusinessEdge:
    cursor: str
    node: Business


@strawberry.type
class BusinessConnection:
    edges: list[BusinessEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: Page[BusinessRow]) -> Self:
        return cls(
            edges=[
                BusinessEdge(cursor=cursor, node=Business.from_row(row))
                for row, cursor in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.from_page(page),
            total_count=page.total_count,
        )
