"""A stored digest's data: the GraphQL ``digest`` answer itself, as JSON.

What a ``StoredDigest`` keeps (and its e-mail is rendered from) must be exactly what
``digest { … }`` returns with every field selected. So it is not written out field by field: the
schema's ``Digest`` is built with ``Digest.from_result``, as the live query builds it, and a
selection of every field is executed over it in a one-field schema with ``build_schema``'s config
(the same names and scalars). The selection is generated from the GraphQL type, so a field added to
``Digest`` is in the next snapshot without a change here.
"""

from functools import cache
from typing import Any

import strawberry
from graphql import GraphQLObjectType, GraphQLSchema, build_schema, get_named_type, is_leaf_type
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from resolvers.digest import Digest as DigestResult
from schema.digest import Digest
from schema.scalars import SCALARS

JsonObject = dict[str, Any]


@strawberry.type
class _SnapshotQuery:
    @strawberry.field
    def digest(self, info: strawberry.Info[None, Digest]) -> Digest:
        """The ``Digest`` handed to the execution as its root value."""
        return info.root_value


def digest_snapshot(result: DigestResult, *, app_url: str) -> JsonObject:
    """The JSON-safe data of ``result``: the GraphQL ``digest`` query's answer, every field.

    Args:
        app_url: the QBO web app the ``qboUrl`` links open (``settings.qbo.app_url``; the sandbox
            differs from production).
    """
    schema, document = _snapshot_schema()
    answer = schema.execute_sync(document, root_value=Digest.from_result(result, app_url))
    if answer.errors or answer.data is None:
        raise ValueError(f"the digest snapshot did not execute: {answer.errors}")
    snapshot: JsonObject = answer.data["digest"]
    return snapshot


@cache
def _snapshot_schema() -> tuple[strawberry.Schema, str]:
    """The one-field schema and its query of every ``Digest`` field (both immutable: made once)."""
    schema = strawberry.Schema(
        query=_SnapshotQuery,
        config=StrawberryConfig(auto_camel_case=True, scalar_map=SCALARS),
        # The one document is parsed and validated once, not per digest (most of its cost).
        extensions=[lambda: ParserCache(maxsize=1), lambda: ValidationCache(maxsize=1)],
    )
    types = build_schema(schema.as_str())
    return schema, "{ digest { " + _every_field(types, "Digest") + " } }"


def _every_field(types: GraphQLSchema, type_name: str) -> str:
    """A selection of every field of ``type_name``, recursively into the objects it holds.

    Interfaces and unions would need a fragment per implementation; ``Digest`` holds none, and
    one added later fails here, at the first snapshot, rather than being silently cut short.
    """
    object_type = types.get_type(type_name)
    assert isinstance(object_type, GraphQLObjectType), type_name
    parts = []
    for name, field in object_type.fields.items():
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif isinstance(inner, GraphQLObjectType):
            parts.append(f"{name} {{ {_every_field(types, inner.name)} }}")
        else:
            raise TypeError(f"{type_name}.{name} is abstract ({inner}): select it by fragments")
    return " ".join(parts)
