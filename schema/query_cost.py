"""What a query will cost before it runs: businesses x views x distinct dates.

A view (hygiene tray, decision console, digest) reads a business's stored assessment of one day;
a day other than the business's today is computed (and stored) on demand, which is CPU work for
every business the view reaches. So a query's cost is

    businesses (the most any one view reaches: 1 by id, the page size under ``businesses``)
    x views (each aliased view field counts, as each is resolved)
    x distinct dates (the ``asOf``/``weekOf`` values, the default "today" counting as one)

and a query over ``MAX_QUERY_COST`` or ``MAX_DISTINCT_DATES`` is refused before anything runs, with
a ``BAD_USER_INPUT`` error that gives the cost and the limit. The advisor overview of 500
businesses with two views costs 1,000; thirty aliases over 300 businesses, each with a date of its
own, cost 270,000.

The document is walked the way execution collects fields (same response names merged, each named
fragment once per selection set), with the raw variables, so what is counted is what would run.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from resolvers.pagination import DEFAULT_PAGE_SIZE

MAX_QUERY_COST = 2_000
MAX_DISTINCT_DATES = 4
MAX_FIELDS_WALKED = 20_000
"""Fields a query may resolve, counted through its fragments; past this it is refused unrun."""

VIEWS = frozenset(
    {
        ("Query", "hygieneTray"),
        ("Query", "decisionConsole"),
        ("Query", "digest"),
        ("Business", "hygiene"),
        ("Business", "decisions"),
        ("Business", "digest"),
    }
)
DATE_ARGUMENTS = ("asOf", "weekOf")
BUSINESS_LISTS = frozenset({("Query", "businesses")})
TODAY = "(today)"

ObjectType = GraphQLObjectType | GraphQLInterfaceType


@dataclass
class QueryCost:
    """The figures of one operation (``cost`` is their product)."""

    businesses: int = 0
    views: int = 0
    dates: set[str] = field(default_factory=set)
    fields: int = 0

    @property
    def cost(self) -> int:
        return self.businesses * self.views * len(self.dates)


def _refuse(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


class CostLimit(SchemaExtension):
    """Refuse, before execution, an operation past ``MAX_QUERY_COST`` or ``MAX_DISTINCT_DATES``."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            visible = getattr(context.context, "allowed_business_ids", None)
            cost = measure(
                context.schema._schema,
                document,
                operation_name=context.operation_name,
                variables=context.variables or {},
                visible=len(visible) if visible is not None else None,
            )
            check(cost)
        yield


def check(cost: QueryCost) -> None:
    """Raise the client's error for a cost past the limits."""
    if cost.fields > MAX_FIELDS_WALKED:
        raise _refuse(
            f"This query resolves more than {MAX_FIELDS_WALKED} fields through its fragments."
        )
    if cost.cost > MAX_QUERY_COST:
        raise _refuse(
            f"This query costs {cost.cost} ({cost.businesses} businesses x {cost.views} views x "
            f"{len(cost.dates)} distinct dates); the limit is {MAX_QUERY_COST}. Ask for fewer "
            "businesses (`first`), views or dates per request."
        )
    if len(cost.dates) > MAX_DISTINCT_DATES:
        raise _refuse(
            f"This query asks for {len(cost.dates)} distinct dates (asOf/weekOf); the limit is "
            f"{MAX_DISTINCT_DATES}."
        )


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    operation_name: str | None,
    variables: Mapping[str, Any],
    visible: int | None,
) -> QueryCost:
    """The cost of the operation ``operation_name`` in ``document`` with these raw
    ``variables``, for a caller who sees ``visible`` businesses (``None``: all of them)."""
    cost = QueryCost()
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return cost
    root = schema.get_root_type(operation.operation)
    if root is None:
        return cost
    walk = _Walk(
        schema=schema,
        fragments={
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        },
        variables={**_variable_defaults(operation), **variables},
        visible=visible,
        cost=cost,
    )
    walk.selection_set(root, operation.selection_set, businesses=1)
    return cost


def _variable_defaults(operation: OperationDefinitionNode) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        value = definition.default_value
        if isinstance(value, StringValueNode):
            defaults[definition.variable.name.value] = value.value
        elif isinstance(value, IntValueNode):
            defaults[definition.variable.name.value] = int(value.value)
    return defaults


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    visible: int | None
    cost: QueryCost

    def selection_set(
        self, parent: ObjectType, selection_set: SelectionSetNode, *, businesses: int
    ) -> None:
        collected: dict[tuple[str, str], tuple[ObjectType, list[FieldNode]]] = {}
        self._collect(parent, selection_set, collected, set())
        for (type_name, _key), (owner, nodes) in collected.items():
            self.cost.fields += 1
            if self.cost.fields > MAX_FIELDS_WALKED:
                return
            name = nodes[0].name.value
            definition = owner.fields.get(name)
            if definition is None:  # __typename and the like
                continue
            if (type_name, name) in VIEWS:
                self.cost.views += 1
                self.cost.businesses = max(self.cost.businesses, businesses)
                self.cost.dates.add(self._date(nodes[0]))
            reach = businesses
            if (type_name, name) in BUSINESS_LISTS:
                reach = self._page_size(nodes[0])
            child = get_named_type(definition.type)
            if isinstance(child, GraphQLObjectType | GraphQLInterfaceType):
                for node in nodes:
                    if node.selection_set is not None:
                        self.selection_set(child, node.selection_set, businesses=reach)

    def _collect(
        self,
        parent: ObjectType,
        selection_set: SelectionSetNode,
        collected: dict[tuple[str, str], tuple[ObjectType, list[FieldNode]]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = (parent.name, (selection.alias or selection.name).value)
                collected.setdefault(key, (parent, []))[1].append(selection)
            elif isinstance(selection, InlineFragmentNode):
                owner = self._condition(parent, selection.type_condition)
                self._collect(owner, selection.selection_set, collected, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visited:
                    continue
                visited.add(name)
                owner = self._condition(parent, fragment.type_condition)
                self._collect(owner, fragment.selection_set, collected, visited)

    def _condition(self, parent: ObjectType, condition: NamedTypeNode | None) -> ObjectType:
        """The type a fragment's fields belong to (its type condition, else the parent's)."""
        named = self.schema.get_type(condition.name.value) if condition is not None else None
        return named if isinstance(named, GraphQLObjectType | GraphQLInterfaceType) else parent

    def _value(self, node: ValueNode | None) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, StringValueNode):
            return node.value
        if isinstance(node, IntValueNode):
            return int(node.value)
        return None

    def _argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return self._value(argument.value)
        return None

    def _date(self, node: FieldNode) -> str:
        for name in DATE_ARGUMENTS:
            value = self._argument(node, name)
            if value is not None:
                return str(value)
        return TODAY

    def _page_size(self, node: FieldNode) -> int:
        first = self._argument(node, "first")
        size = first if isinstance(first, int) and first >= 0 else DEFAULT_PAGE_SIZE
        return min(size, self.visible) if self.visible is not None else size
