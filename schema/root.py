"""The root ``Query`` and ``Mutation``, and the schema factory with its safety extensions."""

from collections.abc import Callable, Iterable, Iterator
from datetime import date

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
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

from domains.core.models import Business as BusinessRow
from resolvers.businesses import business_page
from resolvers.pagination import InvalidPageRequest
from schema.business import Business, BusinessConnection
from schema.context import Info
from schema.decisions import (
    BillDecision,
    DecideBillInput,
    DecisionConsole,
    DecisionFilter,
    decide_bill,
    resolve_decision_console,
)
from schema.digest import Digest, resolve_digest
from schema.digest_runs import (
    DigestRun,
    GenerateDigestsInput,
    StoredDigest,
    generate_digests,
    resolve_digest_run,
)
from schema.digest_runs import resolve_node as resolve_digest_node
from schema.errors import bad_input, check_storable, not_found
from schema.hygiene import HygieneFilter, HygieneTray, resolve_hygiene_tray
from schema.permissions import IsAdmin, IsOperator, IsViewer
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
    name: str
    role: str
    all_businesses: bool


async def _business(info: Info, id: strawberry.ID) -> BusinessRow:
    """The business behind a global id, or NOT_FOUND (also for another tenant's)."""
    parsed = parse_global_id(id, "Business")
    row = await info.context.loaders.business_by_id.load(parsed[1]) if parsed else None
    if row is None:
        raise not_found("Business")
    return row


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[IsViewer])
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
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
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
        first: int | None = None,
        after: str | None = None,
        search: str | None = None,
    ) -> BusinessConnection:
        context = info.context
        if search is not None and len(search) > 200:
            raise bad_input("'search' must be at most 200 characters")
        if search is not None:
            check_storable("search", search)
        try:
            page = await business_page(
                context.sessions,
                allowed_ids=context.allowed_business_ids,
                first=first,
                after=after,
                search=search,
            )
        except InvalidPageRequest as error:
            raise bad_input(str(error)) from error
        return BusinessConnection.from_page(page)

    @strawberry.field(
        description="One business by its global id; null if unknown or not yours.",
        permission_classes=[IsViewer],
    )
    async def business(self, info: Info, id: strawberry.ID) -> Business | None:
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
        business_id: strawberry.ID,
        filter: HygieneFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: date | None = None,
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
        business_id: strawberry.ID,
        filter: DecisionFilter | None = None,
        as_of: date | None = None,
    ) -> DecisionConsole:
        business = await _business(info, business_id)
        return await resolve_decision_console(info, business, wanted=filter, as_of=as_of)

    @strawberry.field(
        description="The digest of one business, computed live.", permission_classes=[IsViewer]
    )
    async def digest(
        self, info: Info, business_id: strawberry.ID, week_of: date | None = None
    ) -> Digest:
        business = await _business(info, business_id)
        return await resolve_digest(info, business, week_of=week_of)

    @strawberry.field(
        description="A digest run's progress and outcomes; null if unknown or not all yours.",
        permission_classes=[IsAdmin],
    )
    async def digest_run(self, info: Info, id: strawberry.ID) -> DigestRun | None:
        return await resolve_digest_run(info, id)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Record a pay-on or delay-to decision on a bill.",
        permission_classes=[IsOperator],
    )
    async def decide_bill(self, info: Info, input: DecideBillInput) -> BillDecision:
        return await decide_bill(info, input)

    @strawberry.mutation(
        description="Sync one business from QBO now (incremental unless `full`).",
        permission_classes=[IsOperator],
    )
    async def request_sync(
        self, info: Info, business_id: strawberry.ID, full: bool | None = None
    ) -> SyncRun:
        business = await _business(info, business_id)
        return await request_sync(info, business, full=bool(full))

    @strawberry.mutation(
        description="Generate (and optionally e-mail) the week's digest of many businesses: "
        "idempotent per business and week unless `force`.",
        permission_classes=[IsAdmin],
    )
    async def generate_digests(self, info: Info, input: GenerateDigestsInput) -> DigestRun:
        return await generate_digests(info, input)


class RequestErrorCodes(SchemaExtension):
    """Code the errors of a request refused before any resolver ran as ``BAD_USER_INPUT``.

    Syntax errors, validation errors (the depth, alias and token limits among them) and variable
    values that don't fit their types are all the client's to fix, and every error is promised a
    code. Uncoded, a variable error was also masked outside dev as "Unexpected error." (graphql-core
    keeps the scalar's exception as its ``original_error``, see ``_is_unexpected``). Errors of the
    execution step without a ``path`` are the variables' (coerced before anything runs); errors
    of resolvers have a path and keep their own code, or none.
    """

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLSyntaxError as error:  # ParserCache parses in its hook: the error escapes
            _code_as_bad_input([error])
            raise

    def on_parse(self) -> Iterator[None]:
        yield
        _code_as_bad_input(self.execution_context.pre_execution_errors or ())

    def on_validate(self) -> Iterator[None]:
        yield
        _code_as_bad_input(self.execution_context.pre_execution_errors or ())

    def on_execute(self) -> Iterator[None]:
        yield
        errors = getattr(self.execution_context.result, "errors", None) or ()
        _code_as_bad_input(error for error in errors if error.path is None)


def _code_as_bad_input(errors: Iterable[GraphQLError]) -> None:
    for error in errors:
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}


def _is_unexpected(error: GraphQLError) -> bool:
    """Errors we raise on purpose carry a ``code``; anything else is a bug and is masked."""
    return not (error.extensions or {}).get("code") and error.original_error is not None


def build_schema(*, introspection: bool = True, mask_errors: bool = False) -> strawberry.Schema:
    """The schema, with depth, alias and token limits and bounded caches always on.

    Outside dev, unexpected exceptions reach clients as "Unexpected error." (strawberry logs the
    full error), and introspection can be switched off.
    """
    # The limits' rule classes are made once: each limiter instance defines a new class, and the
    # rules are part of ValidationCache's key, so per-request limiters meant every request was
    # validated again (~10 ms for a documented query, far more near the token limit).
    limit_rules = [
        *QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    # Factories, not instances: strawberry builds fresh extensions for every request.
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        RequestErrorCodes,
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=VALIDATION_CACHE_SIZE),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    if mask_errors:
        extensions.append(lambda: MaskErrors(should_mask_error=_is_unexpected))
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Bill, Invoice, Vendor, Customer, Business, DigestRun, StoredDigest],
        config=StrawberryConfig(auto_camel_case=True, scalar_map=SCALARS),
        extensions=extensions,
    )
