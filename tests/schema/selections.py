"""Selections read from the live schema, so a test asks for every field a type has today."""

from functools import cache

from graphql import GraphQLObjectType, GraphQLSchema, build_schema, get_named_type

from schema import build_schema as build_strawberry_schema


@cache
def graphql_schema() -> GraphQLSchema:
    """The API's schema as graphql-core reads it (built once per test run)."""
    return build_schema(build_strawberry_schema().as_str())


def every_field(type_name: str) -> str:
    """A selection of every field of ``type_name``, recursively, read from the live schema.

    Built from the schema rather than written out, and apart from the snapshot's own generator,
    so a field of the GraphQL ``Digest`` missing from the snapshot fails an equality test.
    """

    def selection(named: str) -> str:
        object_type = graphql_schema().type_map[named]
        assert isinstance(object_type, GraphQLObjectType)
        parts = []
        for name, field in object_type.fields.items():
            inner = get_named_type(field.type)
            if isinstance(inner, GraphQLObjectType):
                parts.append(f"{name} {{ {selection(inner.name)} }}")
            else:
                parts.append(name)
        return " ".join(parts)

    return selection(type_name)


def field_names_of_scalar(scalar: str) -> frozenset[str]:
    """The names of every object field, in any type, whose type is ``scalar`` (e.g. Decimal)."""
    return frozenset(
        name
        for type_name, object_type in graphql_schema().type_map.items()
        if isinstance(object_type, GraphQLObjectType) and not type_name.startswith("__")
        for name, field in object_type.fields.items()
        if get_named_type(field.type).name == scalar
    )
