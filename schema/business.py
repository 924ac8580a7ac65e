"""The ``Business`` node, its views as nested fields, its sync status, and its connection.

The views' arguments are described here once, for the nested fields and the root ones alike.
"""

from datetime import date, datetime
from typing import Annotated, Self

import strawberry

from domains.core.models import Business as BusinessRow
from resolvers.pagination import Page
from schema.console import DecisionConsole, DecisionFilter, resolve_decision_console
from schema.context import Info
from schema.digest import Digest, resolve_digest
from schema.digest_runs import DigestConnection, resolve_stored_digests
from schema.hygiene import HygieneFilter, HygieneTray, resolve_hygiene_tray
from schema.pagination import AFTER, FIRST
from schema.relay import Node, PageInfo, global_id

BUSINESS_ID = "The business's global id (a Business id, from `businesses` or `node`)."
HYGIENE_FILTER = (
    "Which flagged records to list and count in `matching`; the score and the whole-business "
    "counts ignore it."
)
HYGIENE_AS_OF = (
    "The day to assess the records as of (default: the business's today, in its time zone)."
)
CONSOLE_FILTER = (
    "Which bills and invoices to list and total; cash, runway and the pay plan are the whole "
    "business's, whatever the filter."
)
CONSOLE_AS_OF = (
    "The day to compute the console as of (default: the business's today, in its time zone)."
)
WEEK_OF = (
    "Any day (Monday to Sunday) of the week to digest (default: the business's current week). "
    "The current week is computed as of the business's today, any other as of its Monday."
)


@strawberry.type(description="How the mirror of one business stands against QBO.")
class SyncStatus:
    connection_status: str = strawberry.field(
        description="connected, needs_reconnect (QBO refused the refresh token), disconnected "
        "(no QBO connection), or demo (a demo company)."
    )
    last_synced_at: datetime | None = strawberry.field(
        description="When the last successful sync finished; null if it never synced."
    )
    last_error: str | None = strawberry.field(
        description="Why the last sync failed; cleared by the next successful one."
    )
    last_error_at: datetime | None = strawberry.field(
        description="When that failed sync ended; null when there is no error."
    )
    api_calls: int = strawberry.field(description="QBO API calls made for this business.")


@strawberry.type(description="One QBO company mirrored by Runway.")
class Business(Node):
    realm_id: str = strawberry.field(description="The company's id in QBO (its realm id).")
    name: str = strawberry.field(description="The company's name, as QBO has it.")
    currency: str = strawberry.field(
        description="Its home currency (ISO code, e.g. USD), from QBO's preferences."
    )
    timezone: str = strawberry.field(
        description="The time zone its today is taken in (IANA, e.g. America/Chicago), from QBO."
    )
    sync: SyncStatus = strawberry.field(
        description="How its mirror stands against QBO: connection, last sync, last error."
    )
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
        filter: Annotated[
            HygieneFilter | None, strawberry.argument(description=HYGIENE_FILTER)
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        as_of: Annotated[date | None, strawberry.argument(description=HYGIENE_AS_OF)] = None,
    ) -> HygieneTray:
        return await resolve_hygiene_tray(
            info, self.row, wanted=filter, first=first, after=after, as_of=as_of
        )

    @strawberry.field(description="Bills to decide and invoices to chase, ranked.")
    async def decisions(
        self,
        info: Info,
        filter: Annotated[
            DecisionFilter | None, strawberry.argument(description=CONSOLE_FILTER)
        ] = None,
        as_of: Annotated[date | None, strawberry.argument(description=CONSOLE_AS_OF)] = None,
    ) -> DecisionConsole:
        return await resolve_decision_console(info, self.row, wanted=filter, as_of=as_of)

    @strawberry.field(
        description="The digest of this week (or of `weekOf`), from the business's current "
        "assessment."
    )
    async def digest(
        self,
        info: Info,
        week_of: Annotated[date | None, strawberry.argument(description=WEEK_OF)] = None,
    ) -> Digest:
        return await resolve_digest(info, self.row, week_of=week_of)

    @strawberry.field(description="Digests stored by digest runs, newest week first.")
    async def digests(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> DigestConnection:
        return await resolve_stored_digests(info, self.row, first=first, after=after)


@strawberry.type(description="A business and its cursor.")
class BusinessEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the businesses after this one.")
    node: Business = strawberry.field(description="The business.")


@strawberry.type(description="A page of businesses, by name.")
class BusinessConnection:
    edges: list[BusinessEdge] = strawberry.field(description="The businesses of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    total_count: int = strawberry.field(
        description="Businesses you may see that match the search, on every page."
    )

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
