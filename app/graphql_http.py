"""GraphQL over HTTP: the media type and status code of each answer, as the spec asks.

Strawberry always answers ``application/json`` with status 200 and ``"data": null``, even for a
request that never ran (a parse, validation or variable-coercion failure). That is what the
GraphQL-over-HTTP spec asks for ``application/json`` (legacy clients trust only a 200), so it stays
the default: without an ``Accept`` header, with ``*/*`` and with ``application/json``.

A client that accepts ``application/graphql-response+json`` gets that media type, and with it the
spec's stricter contract: a request error has no ``data`` entry and a 400 status, so the client
(and any proxy or cache in between) can tell "nothing ran" from a partial result by the status
alone. Field errors (``UNAUTHENTICATED``, ``NOT_FOUND``, …) happen during execution, carry a
``path``, and keep their 200 and ``data`` under both media types.

A request may name a registered document by ``documentId`` instead of sending ``query``
(``app.trusted_documents`` looks it up): strawberry reads only ``query``, so the id is picked up
here, and a GET naming one is a query, not a browser asking for GraphiQL.

The conformance suite (``tests/conformance``) runs graphql-http's audits against this.
"""

import json
from typing import TypeVar

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult

from app.trusted_documents import PersistedRequestData

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"

ContextT = TypeVar("ContextT")
RootValueT = TypeVar("RootValueT")


def response_media_type(accept: str | None) -> str:
    """The media type to answer in for an ``Accept`` header (RFC 9110 quality values).

    ``application/graphql-response+json`` only when named explicitly and wanted at least as much
    as ``application/json``: wildcards and a missing header mean ``application/json``, because
    clients that predate the new type send exactly those and read only ``application/json``.
    Nothing acceptable at all also gets ``application/json`` (the spec allows disregarding the
    header), so a sloppy client still gets an answer rather than a 406.
    """
    qualities: dict[str, float] = {}
    for media_range in (accept or "").split(","):
        name, *parameters = (part.strip() for part in media_range.split(";"))
        name = name.lower()
        qualities[name] = max(qualities.get(name, 0.0), _quality(parameters))
    graphql_response = qualities.get(GRAPHQL_RESPONSE_JSON, 0.0)
    # The most specific range that covers application/json decides how much it is wanted.
    covering = [name for name in (APPLICATION_JSON, "application/*", "*/*") if name in qualities]
    json = qualities[covering[0]] if covering else 0.0
    if graphql_response > 0 and graphql_response >= json:
        return GRAPHQL_RESPONSE_JSON
    return APPLICATION_JSON


def _quality(parameters: list[str]) -> float:
    """The ``q`` parameter of a media range (1 when absent, 0 when unreadable)."""
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "q":
            try:
                return min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def is_request_error(result: ExecutionResult) -> bool:
    """Whether the operation failed before execution began (so nothing ran).

    Parse, validation and variable-coercion errors have no ``path``; every error raised while
    executing a field has one, even when it nulls the whole ``data``.
    """
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


def _accept(request: Request | WebSocket) -> str:
    return ", ".join(request.headers.getlist("accept"))


class GraphQLOverHTTP(GraphQL[ContextT, RootValueT]):
    """Strawberry's ASGI app, answering in the media type the client asks for (see module)."""

    def decode_json(self, data: str | bytes) -> object:
        """JSON nested past the parser's recursion limit (a 10 KB body of brackets will do) is
        unreadable JSON, a 400, not a ``RecursionError`` escaping as a 500."""
        try:
            return json.loads(data)
        except RecursionError:
            raise json.JSONDecodeError("JSON nested too deeply", "", 0) from None

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """A GET naming a document (``documentId`` or Apollo's hash) runs it."""
        named = "documentId" in request.query_params or "extensions" in request.query_params
        return not named and super().should_render_graphql_ide(request)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Strawberry's reading of the request, plus the ``documentId`` a request without
        ``query`` names (such bodies are small: reading them twice costs nothing)."""
        data = await super().parse_http_body(request)
        if not isinstance(data, GraphQLRequestData) or data.query is not None:
            return data
        if request.method == "GET":
            document_id: object = request.query_params.get("documentId")
        else:
            raw = self.parse_json(await request.get_body())
            document_id = raw.get("documentId") if isinstance(raw, dict) else None
        if document_id is None:
            return data
        if not isinstance(document_id, str):
            raise HTTPException(400, "The request's `documentId` must be a string.")
        return PersistedRequestData(
            query=None,
            variables=data.variables,
            operation_name=data.operation_name,
            extensions=data.extensions,
            protocol=data.protocol,
            document_id=document_id,
        )

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        """Record the negotiated media type where ``create_response`` can see it."""
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = response_media_type(_accept(request))
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Drop ``data`` from a request error's answer under the new media type (the spec's
        signal that nothing ran); ``application/json`` keeps ``"data": null`` for old clients."""
        response = await super().process_result(request, result)
        wants_graphql_response = response_media_type(_accept(request)) == GRAPHQL_RESPONSE_JSON
        if wants_graphql_response and is_request_error(result):
            response.pop("data", None)
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """Label the body with its media type; without ``data`` it is a 400."""
        response = super().create_response(response_data, sub_response)
        if sub_response.media_type == GRAPHQL_RESPONSE_JSON:
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
            if isinstance(response_data, dict) and "data" not in response_data:
                response.status_code = 400
        return response
