"""The root ``Query`` and ``Mutation``, and the schema factory with its safety extensions."""

from collections.abc import Callable
from datetime import date
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from domains.core.models import Business as BusinessRow
from resolvers.businesses import business_page
from resolvers.errors import NotFound
from schema.bill_decisions import BillDecision, DecideBillInput, decide_bill
from schema.business import (
    BUSINESS_ID,
    CONSOLE_AS_OF,
    CONSOLE_FILTER,
    HYGIENE_AS_OF,
    HYGIENE_FILTER,
    WEEK_OF,
    Business,
    BusinessConnection,
)
from schema.console import DecisionConsole, DecisionFilter, resolve_decision_console
from schema.context import Info
from schema.digest import Digest, resolve_digest
from schema.digest_runs import (
    DigestRun,
    GenerateDigestsInput,
    StoredDigest,
    generate_digests,
    resolve_digest_run,
)
from schema.digest_runs import resolve_node as resolve_digest_node
from schema.document_limits import DocumentLimits
from schema.errors import ErrorCodes, is_unexpected, log_unexpected
from schema.hygiene import HygieneFilter, HygieneTray, resolve_hygiene_tray
from schema.pagination import AFTER, FIRST
from schema.permissions import IsAdmin, IsOperator, IsViewer
from schema.query_cost import CostLimit
from schema.records import Bill, Customer, Invoice, Vendor
from schema.relay import Node, parse_global_id
from schema.scalars import SCALARS
from schema.sync import SyncRun, request_sync

MAX_QUERY_DEPTH = 12
VALIDATION_CACHE_SIZE = 256
"""Validated documents kept (strawberry shares one cache per size across requests)."""
MAX_ALIASES = 30
MAX_TOKENS = 2000


@strawberry.type(description="Who is calling.")
class Viewer:
    name: str = strawberry.field(description="The name the API token was created with.")
    role: str = strawberry.field(
        description="viewer (reads), operator (also decides bills and syncs) or admin (also "
        "generates digests)."
    )
    all_businesses: bool = strawberry.field(
        description="The token sees every business, not only those it was given."
    )


async def _business(info: Info, id: strawberry.ID) -> BusinessRow:
    """The business behind a global id, or NOT_FOUND (also for another tenant's)."""
    parsed = parse_global_id(id, "Business")
    row = await info.context.loaders.business_by_id.load(parsed[1]) if parsed else None
    if row is None:
        raise NotFound("Business")
    return row


@strawberry.type(description="What a token may read: businesses, their views, and records by id.")
class Query:
    @strawberry.field(
        description="The token making the request: its name, role and reach.",
        permission_classes=[IsViewer],
    )
    def viewer(self, info: Info) -> Viewer:
        caller = info.context.caller
        assert caller is not None
        return Viewer(
            name=caller.name, role=caller.role, all_businesses=caller.business_ids is None
        )

    @strawberry.field(
        description="Any object by its global id; null if unknown or not yours.",
        permission_classes=[IsViewer],
    )
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="A global id, as any `id` field returns it: a Bill, Invoice, "
                "Vendor, Customer, Business, BillDecision, SyncRun, StoredDigest, or (for "
                "admins) DigestRun."
            ),
        ],
    ) -> Node | None:
        parsed = parse_global_id(id)
        if parsed is None:
            return None
        type_name, pk = parsed
        loaders, app_url = info.context.loaders, info.context.qbo_app_url
        if type_name == "Business":
            business = await loaders.business_by_id.load(pk)
            return Business.from_row(business) if business else None
        if type_name == "Bill":
            bill = await loaders.bill_by_id.load(pk)
            return Bill.from_row(bill, app_url) if bill else None
        if type_name == "Invoice":
            invoice = await loaders.invoice_by_id.load(pk)
            return Invoice.from_row(invoice, app_url) if invoice else None
        if type_name == "Vendor":
            vendor = await loaders.vendor_by_id.load(pk)
            return Vendor.from_row(vendor, app_url) if vendor else None
        if type_name == "Customer":
            customer = await loaders.customer_by_id.load(pk)
            return Customer.from_row(customer, app_url) if customer else None
        if type_name == "BillDecision":
            decision = await loaders.bill_decision_by_id.load(pk)
            return BillDecision.from_row(decision) if decision else None
        if type_name == "SyncRun":
            run = await loaders.sync_run_by_id.load(pk)
            return SyncRun.from_row(run) if run else None
        if type_name in ("DigestRun", "StoredDigest"):
            return await resolve_digest_node(info, type_name, pk)
        return None

    @strawberry.field(
        description="Businesses the caller may see, by name, optionally searched.",
        permission_classes=[IsViewer],
    )
    async def businesses(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Part of the business name (any case) or of its QBO realm id, at "
                "most 200 characters."
            ),
        ] = None,
    ) -> BusinessConnection:
        context = info.context
        page = await business_page(
            context.sessions,
            allowed_ids=context.allowed_business_ids,
            first=first,
            after=after,
            search=search,
        )
        return BusinessConnection.from_page(page)

    @strawberry.field(
        description="One business by its global id; null if unknown or not yours.",
        permission_classes=[IsViewer],
    )
    async def business(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description=BUSINESS_ID)]
    ) -> Business | None:
        parsed = parse_global_id(id, "Business")
        if parsed is None:
            return None
        row = await info.context.loaders.business_by_id.load(parsed[1])
        return Business.from_row(row) if row is not None else None

    @strawberry.field(
        description="The hygiene tray of one business.", permission_classes=[IsViewer]
    )
    async def hygiene_tray(
        self,
        info: Info,
        business_id: Annotated[strawberry.ID, strawberry.argument(description=BUSINESS_ID)],
        filter: Annotated[
            HygieneFilter | None, strawberry.argument(description=HYGIENE_FILTER)
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        as_of: Annotated[date | None, strawberry.argument(description=HYGIENE_AS_OF)] = None,
    ) -> HygieneTray:
        business = await _business(info, business_id)
        return await resolve_hygiene_tray(
            info, business, wanted=filter, first=first, after=after, as_of=as_of
        )

    @strawberry.field(
        description="The decision console of one business.", permission_classes=[IsViewer]
    )
    async def decision_console(
        self,
        info: Info,
        business_id: Annotated[strawberry.ID, strawberry.argument(description=BUSINESS_ID)],
        filter: Annotated[
            DecisionFilter | None, strawberry.argument(description=CONSOLE_FILTER)
        ] = None,
        as_of: Annotated[date | None, strawberry.argument(description=CONSOLE_AS_OF)] = None,
    ) -> DecisionConsole:
        business = await _business(info, business_id)
        return await resolve_decision_console(info, business, wanted=filter, as_of=as_of)

    @strawberry.field(
        description="The digest of one business for the week of `weekOf` (default: this week), "
        "from its current assessment.",
        permission_classes=[IsViewer],
    )
    async def digest(
        self,
        info: Info,
        business_id: Annotated[strawberry.ID, strawberry.argument(description=BUSINESS_ID)],
        week_of: Annotated[date | None, strawberry.argument(description=WEEK_OF)] = None,
    ) -> Digest:
        business = await _business(info, business_id)
        return await resolve_digest(info, business, week_of=week_of)

    @strawberry.field(
        description="A digest run's progress and outcomes; null if unknown or not all yours.",
        permission_classes=[IsAdmin],
    )
    async def digest_run(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The run's global id, as `generateDigests` returns."),
        ],
    ) -> DigestRun | None:
        return await resolve_digest_run(info, id)


@strawberry.type(
    description="What a token may change: bill decisions (operator), syncs (operator) and digest "
    "runs (admin)."
)
class Mutation:
    @strawberry.mutation(
        description="Record a pay-on or delay-to decision on a bill.",
        permission_classes=[IsOperator],
    )
    async def decide_bill(
        self,
        info: Info,
        input: Annotated[
            DecideBillInput, strawberry.argument(description="The bill, the decision and its day.")
        ],
    ) -> BillDecision:
        return await decide_bill(info, input)

    @strawberry.mutation(
        description="Sync one business from QBO now (incremental unless `full`).",
        permission_classes=[IsOperator],
    )
    async def request_sync(
        self,
        info: Info,
        business_id: Annotated[strawberry.ID, strawberry.argument(description=BUSINESS_ID)],
        full: Annotated[
            bool | None,
            strawberry.argument(
                description="Page through every entity again instead of fetching QBO's changes "
                "since the last sync. Default false; a business never synced, or last synced "
                "over 30 days ago, is synced in full anyway."
            ),
        ] = None,
    ) -> SyncRun:
        business = await _business(info, business_id)
        return await request_sync(info, business, full=bool(full))

    @strawberry.mutation(
        description="Generate (and optionally e-mail) the week's digest of many businesses: "
        "idempotent per business and week unless `force`.",
        permission_classes=[IsAdmin],
    )
    async def generate_digests(
        self,
        info: Info,
        input: Annotated[
            GenerateDigestsInput,
            strawberry.argument(description="The businesses and week, and how to run."),
        ],
    ) -> DigestRun:
        return await generate_digests(info, input)


class RunwaySchema(strawberry.Schema):
    """The schema, logging only unexpected errors, and those once each (``schema.errors``)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_unexpected(errors)


def build_schema(*, introspection: bool = True, mask_errors: bool = False) -> strawberry.Schema:
    """The schema, with document, depth, alias, token and cost limits and bounded caches on.

    Outside dev, unexpected exceptions reach clients as "Unexpected error." (logged in full on
    the server), and introspection can be switched off; without it, error messages suggest no
    field, argument or type names either.
    """
    # The limits' rule classes are made once: each limiter instance defines a new class, and the
    # rules are part of ValidationCache's key, so per-request limiters meant every request was
    # validated again (~10 ms for a documented query, far more near the token limit).
    limit_rules = [
        *QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    # Factories, not instances: strawberry builds fresh extensions for every request. Order
    # matters: DocumentLimits' hooks run before the caches' hooks, which parse and validate.
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: ErrorCodes(suggestions=introspection),
        DocumentLimits,
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=VALIDATION_CACHE_SIZE),
        CostLimit,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    if mask_errors:
        extensions.append(lambda: MaskErrors(should_mask_error=is_unexpected))
    return RunwaySchema(
        query=Query,
        mutation=Mutation,
        types=[Bill, Invoice, Vendor, Customer, Business, DigestRun, StoredDigest],
        config=StrawberryConfig(auto_camel_case=True, scalar_map=SCALARS),
        extensions=extensions,
    )
