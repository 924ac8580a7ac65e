"""Trusted documents: which GraphQL text a request may run, and where it comes from.

A client names a registered document instead of sending its text, in either persisted-operation
convention:

- ``{"documentId": "sha256:<hex>", "variables": …}`` (Relay, GraphQL-over-HTTP's persisted
  documents; also ``?documentId=`` on a GET), any id a manifest registered;
- ``{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}}`` (Apollo).

Where only trusted documents run (production by default), a token that is not marked ad hoc may
send only those, or the exact text of a registered document; anything else is refused before it
is parsed, so an unknown caller can make the server do no GraphQL work at all. Dev, and ad-hoc
tokens (``runway token create --ad-hoc``, for GraphiQL and operators), keep free queries.
"""

from dataclasses import dataclass, replace
from typing import Any

from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from domains.access.queries import Caller
from domains.documents import queries as document_queries
from schema.document_limits import MAX_DOCUMENT_CHARS

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
"""Apollo's code for an id the server doesn't know (its clients recognise it)."""
REQUIRED = "PERSISTED_QUERY_REQUIRED"


@dataclass
class PersistedRequestData(GraphQLRequestData):
    """A request as strawberry reads it, plus the ``documentId`` it named (if any)."""

    document_id: str | None = None


def requested_document(request: GraphQLRequestData) -> tuple[str | None, str | None]:
    """The ``(documentId, sha256)`` a request names; both ``None`` for a free query."""
    document_id = request.document_id if isinstance(request, PersistedRequestData) else None
    persisted: Any = (request.extensions or {}).get("persistedQuery")
    sha256 = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    return (
        document_id if isinstance(document_id, str) else None,
        sha256 if isinstance(sha256, str) else None,
    )


def _refusal(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


@dataclass(frozen=True)
class DocumentGate:
    """Turns a request into the text it may run, or the error that refuses it."""

    trusted_only: bool

    async def resolve(
        self,
        request: GraphQLRequestData,
        *,
        caller: Caller | None,
        sessions: async_sessionmaker[AsyncSession],
    ) -> GraphQLRequestData | ExecutionResult:
        """The request with its registered text in ``query``, the request as it is (a free
        query that may run), or a refusal."""
        document_id, sha256 = requested_document(request)
        if document_id is None and sha256 is None:
            return await self._free(request, caller=caller, sessions=sessions)
        if len(document_id or "") > 200 or len(sha256 or "") > 64:
            return _refusal("This document id is too long to be registered.", NOT_FOUND)
        async with sessions() as session:
            body = await document_queries.get_document_body(
                session, document_id=document_id, sha256=sha256
            )
        if body is None:
            if request.query is not None:  # Apollo's retry with the text: a free query
                return await self._free(request, caller=caller, sessions=sessions)
            return _refusal(
                "PersistedQueryNotFound: no document is registered under "
                f"{(document_id or sha256 or '')[:80]!r} (register it with `runway documents "
                "register`).",
                NOT_FOUND,
            )
        return replace(request, query=body)

    async def _free(
        self,
        request: GraphQLRequestData,
        *,
        caller: Caller | None,
        sessions: async_sessionmaker[AsyncSession],
    ) -> GraphQLRequestData | ExecutionResult:
        if not self.trusted_only or (caller is not None and caller.ad_hoc) or not request.query:
            return request
        if len(request.query) <= MAX_DOCUMENT_CHARS:
            async with sessions() as session:
                known = await document_queries.get_document_body(
                    session, sha256=document_queries.sha256_of(request.query)
                )
            if known is not None:
                return request
        return _refusal(
            "This server runs only registered documents: send a `documentId` (or Apollo's "
            "`persistedQuery` hash) of a document registered with `runway documents register`, "
            "or use a token created with `--ad-hoc`.",
            REQUIRED,
        )
