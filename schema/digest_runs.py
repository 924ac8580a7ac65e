"""Digest runs and stored digests over GraphQL: ``generateDigests``, ``digestRun``, ``digests``.

A stored digest exposes its snapshot as ``JSON`` (the live ``Digest`` type's fields, same names
and scalars, as of when it was stored) beside its ``html`` and ``text`` e-mail parts, rather than
re-hydrating the snapshot into ``Digest``: a snapshot is a record of what was sent, and must stay
readable after the live type gains or changes a field. The three large fields are loaded only
when asked for, through one loader for every digest in the response.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

import strawberry
from strawberry.scalars import JSON

from domains.core.models import Business as BusinessRow
from domains.digests.models import DigestRun as DigestRunRow
from domains.digests.models import StoredDigest as StoredDigestRow
from resolvers import digest_runs
from resolvers.digest_runs import (
    DigestRequest,
    RunItem,
    StoredDigestHeader,
)
from resolvers.errors import NotFound, Unavailable
from resolvers.rules.enums import DigestStatus as DigestStatusValue
from schema.context import Info
from schema.enums import DigestStatus
from schema.pagination import AFTER, FIRST
from schema.relay import Node, PageInfo, global_id, parse_global_id


@strawberry.enum(description="Where a digest run stands.")
class DigestRunStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"


@strawberry.enum(description="Where one business stands in a digest run.")
class DigestRunItemStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@strawberry.type(description="A business's digest for one week, as stored (and e-mailed).")
class StoredDigest(Node):
    business_id: strawberry.ID = strawberry.field(description="The business's global id.")
    week_start: date = strawberry.field(description="The Monday of the week it digests.")
    as_of: date = strawberry.field(
        description="The day its figures are as of: the business's today when computed during "
        "the week, else the week's Monday."
    )
    generated_at: datetime = strawberry.field(
        description="When it was computed (a forced run recomputes it and moves this on)."
    )
    status: DigestStatus = strawberry.field(
        description="Its headline status when computed: HEALTHY, WARNING or CRITICAL."
    )
    subject: str = strawberry.field(description="The e-mail's subject line, the headline.")
    run_id: strawberry.ID | None = strawberry.field(description="The run that last wrote it.")
    pk: strawberry.Private[int]
    row: strawberry.Private[StoredDigestRow | None]

    @classmethod
    def from_header(cls, header: StoredDigestHeader | StoredDigestRow) -> Self:
        assert header.id is not None
        return cls(
            id=global_id("StoredDigest", header.id),
            business_id=global_id("Business", header.business_id),
            week_start=header.week_start,
            as_of=header.as_of,
            generated_at=header.generated_at,
            status=DigestStatusValue(header.status),
            subject=header.subject,
            run_id=global_id("DigestRun", header.run_id) if header.run_id else None,
            pk=header.id,
            row=None,
        )

    @classmethod
    def from_row(cls, row: StoredDigestRow) -> Self:
        digest = cls.from_header(row)
        digest.row = row
        return digest

    async def _content(self, info: Info) -> StoredDigestRow:
        if self.row is None:
            self.row = await digest_runs.stored_digest(info.context.loaders, self.pk)
        if self.row is None:  # deleted since the page was read
            raise NotFound("StoredDigest")
        return self.row

    @strawberry.field(
        description="The digest's data when stored: the `Digest` type's fields, as JSON."
    )
    async def snapshot(self, info: Info) -> JSON:
        return JSON((await self._content(info)).snapshot)

    @strawberry.field(description="The e-mail's HTML part.")
    async def html(self, info: Info) -> str:
        return (await self._content(info)).html

    @strawberry.field(description="The e-mail's plain-text part.")
    async def text(self, info: Info) -> str:
        return (await self._content(info)).text


@strawberry.type(description="A stored digest and its cursor.")
class StoredDigestEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the digests after this one.")
    node: StoredDigest = strawberry.field(description="The stored digest.")


@strawberry.type(description="A page of a business's stored digests, newest week first.")
class DigestConnection:
    edges: list[StoredDigestEdge] = strawberry.field(description="The digests of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    total_count: int = strawberry.field(description="The business's stored digests, all pages.")


@strawberry.type(description="One business in a run: done (maybe reused), failed, or to do.")
class DigestRunItem:
    business_id: strawberry.ID = strawberry.field(description="The business's global id.")
    business_name: str = strawberry.field(description="The company's name.")
    status: DigestRunItemStatus = strawberry.field(
        description="PENDING (waiting for a worker), RUNNING, DONE or FAILED."
    )
    reused: bool = strawberry.field(
        description="The week's stored digest was kept, not recomputed (the run was not forced)."
    )
    attempts: int = strawberry.field(
        description="How many times a worker took it up; one whose worker stopped too many times "
        "is failed."
    )
    error: str | None = strawberry.field(description="Why it failed; null unless FAILED.")
    updated_at: datetime = strawberry.field(description="When its status last changed.")
    digest_pk: strawberry.Private[int | None]

    @classmethod
    def from_result(cls, result: RunItem) -> Self:
        item = result.item
        return cls(
            business_id=global_id("Business", item.business_id),
            business_name=result.business_name,
            status=DigestRunItemStatus(item.status),
            reused=item.reused,
            attempts=item.attempts,
            error=item.error,
            updated_at=item.updated_at,
            digest_pk=item.digest_id,
        )

    @strawberry.field(description="The stored digest, once done.")
    async def digest(self, info: Info) -> StoredDigest | None:
        if self.digest_pk is None:
            return None
        row = await digest_runs.stored_digest(info.context.loaders, self.digest_pk)
        return StoredDigest.from_row(row) if row is not None else None


@strawberry.type(description="A business of a digest run and its cursor.")
class DigestRunItemEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the businesses after this one.")
    node: DigestRunItem = strawberry.field(description="The business's outcome in the run.")


@strawberry.type(description="A page of a digest run's businesses, in request order.")
class DigestRunItemConnection:
    edges: list[DigestRunItemEdge] = strawberry.field(description="The businesses of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    total_count: int = strawberry.field(
        description="The run's businesses with the status asked for (all of them without one)."
    )


@strawberry.type(description="One generateDigests call: a week, its businesses, how it went.")
class DigestRun(Node):
    week_start: date = strawberry.field(description="The Monday of the week it digests.")
    status: DigestRunStatus = strawberry.field(
        description="QUEUED, RUNNING, then SUCCEEDED (every business done), PARTIAL (some "
        "failed) or FAILED (none done)."
    )
    requested_by: str = strawberry.field(
        description="Who asked: the token's name, cli, or schedule for the weekly run."
    )
    deliver: bool = strawberry.field(description="Whether the digests are e-mailed once done.")
    force: bool = strawberry.field(
        description="Whether digests already stored for the week are recomputed (else reused)."
    )
    total: int = strawberry.field(description="Businesses in the run.")
    done: int = strawberry.field(
        description="Businesses whose digest is stored (computed or reused) so far."
    )
    failed: int = strawberry.field(description="Businesses whose digest failed so far.")
    created_at: datetime = strawberry.field(description="When the run was asked for.")
    started_at: datetime | None = strawberry.field(
        description="When a worker started on it; null while QUEUED."
    )
    finished_at: datetime | None = strawberry.field(
        description="When its last business was done or failed; null until then."
    )
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: DigestRunRow) -> Self:
        assert row.id is not None
        return cls(
            id=global_id("DigestRun", row.id),
            week_start=row.week_start,
            status=DigestRunStatus(row.status),
            requested_by=row.requested_by,
            deliver=row.deliver,
            force=row.force,
            total=row.total,
            done=row.done,
            failed=row.failed,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            pk=row.id,
        )

    @strawberry.field(
        description="The run's businesses in request order; `status: FAILED` lists failures."
    )
    async def items(
        self,
        info: Info,
        status: Annotated[
            DigestRunItemStatus | None,
            strawberry.argument(description="Only the businesses in this state, e.g. FAILED."),
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> DigestRunItemConnection:
        page = await digest_runs.run_items_page(
            info.context.sessions,
            run_id=self.pk,
            status=status.value if status is not None else None,
            first=first,
            after=after,
        )
        return DigestRunItemConnection(
            edges=[
                DigestRunItemEdge(cursor=cursor, node=DigestRunItem.from_result(item))
                for item, cursor in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.from_page(page),
            total_count=page.total_count,
        )


@strawberry.input(
    description="Which businesses and week to digest, and whether to e-mail and recompute."
)
class GenerateDigestsInput:
    business_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Default: every active business you may see."
    )
    week_of: date | None = strawberry.field(
        default=None,
        description="Any day of the week (Monday to Sunday) to digest. Default: the current "
        "week in UTC; each business is computed as of its own today when that is in the week.",
    )
    deliver: bool = strawberry.field(
        default=False, description="E-mail each digest to its recipients (needs SMTP)."
    )
    force: bool = strawberry.field(
        default=False,
        description="Recompute digests already stored for the week (replaced in place).",
    )
    wait: bool = strawberry.field(
        default=False,
        description="Answer when the run is finished (up to the server's wait limit), not at once.",
    )


async def generate_digests(info: Info, input: GenerateDigestsInput) -> DigestRun:
    """Create a run for the caller's businesses (all or those named) and return it."""
    context = info.context
    if context.request_digests is None:
        raise Unavailable("Digest generation is not configured on this server.")
    assert context.caller is not None
    requested: list[int] | None = None
    if input.business_ids is not None:
        parsed = [parse_global_id(value, "Business") for value in input.business_ids]
        if any(p is None for p in parsed):
            raise NotFound("Business")
        requested = [p[1] for p in parsed if p is not None]
    week = digest_runs.run_week(input.week_of, now=context.clock())
    business_ids = await digest_runs.run_businesses(
        context.sessions, allowed_ids=context.allowed_business_ids, requested=requested
    )
    run = await context.request_digests(
        DigestRequest(
            business_ids=business_ids,
            week_start=week,
            requested_by=context.caller.name,
            deliver=input.deliver,
            force=input.force,
            wait=input.wait,
        )
    )
    return DigestRun.from_row(run)


async def resolve_digest_run(info: Info, id: strawberry.ID) -> DigestRun | None:
    """The run behind a global id, if every business in it is the caller's."""
    parsed = parse_global_id(id, "DigestRun")
    if parsed is None:
        return None
    context = info.context
    run = await digest_runs.get_run(
        context.sessions, run_id=parsed[1], allowed_ids=context.allowed_business_ids
    )
    return DigestRun.from_row(run) if run is not None else None


async def resolve_node(info: Info, type_name: str, pk: int) -> Node | None:
    """``node(id:)`` for runs (admins only, like ``digestRun``) and stored digests."""
    context = info.context
    if type_name == "StoredDigest":
        row = await digest_runs.stored_digest(context.loaders, pk)
        return StoredDigest.from_row(row) if row is not None else None
    if type_name == "DigestRun" and context.caller is not None and context.caller.has_role("admin"):
        run = await digest_runs.get_run(
            context.sessions, run_id=pk, allowed_ids=context.allowed_business_ids
        )
        return DigestRun.from_row(run) if run is not None else None
    return None


async def resolve_stored_digests(
    info: Info, business: BusinessRow, *, first: int | None, after: str | None
) -> DigestConnection:
    """The business's stored digests, newest week first."""
    assert business.id is not None
    page = await digest_runs.stored_digest_page(
        info.context.loaders, business.id, first=first, after=after
    )
    return DigestConnection(
        edges=[
            StoredDigestEdge(cursor=cursor, node=StoredDigest.from_header(header))
            for header, cursor in zip(page.items, page.cursors, strict=True)
        ],
        page_info=PageInfo.from_page(page),
        total_count=page.total_count,
    )
