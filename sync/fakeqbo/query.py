"""QBO's query language (the subset the sync uses) and CDC's selection, over a fake realm.

Both are pure functions of the realm's stored objects so the server stays a thin HTTP layer and
the rules QBO applies (hidden inactive name lists, 1-based paging, MAXRESULTS 1000 and a default
of 100, CDC's 30-day window and 1000-object cap) sit in one place.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync.fakeqbo.state import NAME_LISTS, FakeQbo, StoredObject, parse_timestamp
from sync.mapping import ENTITY_ORDER

MAX_RESULTS = 1000
DEFAULT_MAX_RESULTS = 100  # what QBO returns when a query names no MAXRESULTS
CDC_MAX_OBJECTS = 1000
CDC_LOOKBACK = timedelta(days=30)
_ENTITY_NAMES = {entity.lower(): entity for entity in ENTITY_ORDER}


class QueryError(Exception):
    """A query QBO would refuse, carrying the fault code and detail it would answer with."""

    def __init__(self, code: str, message: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.message, self.detail = code, message, detail


@dataclass(frozen=True)
class Query:
    """The parsed subset of QBO's query language."""

    entity: str
    count: bool
    filters: tuple[Callable[[StoredObject], bool], ...]
    active: frozenset[bool] | None  # None: QBO's default, active name-list records only
    order_by: str | None
    descending: bool
    start: int
    max_results: int


_SELECT = re.compile(
    r"^\s*select\s+(?P<what>\*|count\s*\(\s*\*\s*\))\s+from\s+(?P<entity>\w+)"
    r"(?:\s+where\s+(?P<where>.+?))?"
    r"(?:\s+order\s*by\s+(?P<order>[\w.]+)(?:\s+(?P<direction>asc|desc))?)?"
    r"(?P<paging>(?:\s+(?:startposition|maxresults)\s+\d+)*)\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_TIME_CONDITION = re.compile(
    r"^MetaData\.(?P<field>LastUpdatedTime|CreateTime)\s*(?P<op>>=|<=|>|<|=)\s*'(?P<value>[^']+)'$",
    re.IGNORECASE,
)
_ACTIVE_CONDITION = re.compile(
    r"^Active\s*(?:=\s*(?P<one>true|false)|in\s*\((?P<many>[\s\w,]+)\))$", re.IGNORECASE
)
_ID_CONDITION = re.compile(
    r"^Id\s*(?:=\s*'(?P<one>[^']*)'|in\s*\((?P<many>[^)]*)\))$", re.IGNORECASE
)
_COMPARE: dict[str, Callable[[datetime, datetime], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
}


def entity_name(name: str) -> str:
    """QBO's spelling of an entity named in any case, as its query parser accepts."""
    try:
        return _ENTITY_NAMES[name.lower()]
    except KeyError:
        raise QueryError(
            "4001", "Invalid query", f"QueryValidationError: Invalid context declaration : {name}"
        ) from None


def _parse_error(text: str) -> QueryError:
    return QueryError("4000", "Error parsing query", f'QueryParserError: Encountered "{text}"')


def _time_filter(field: str, op: str, value: str) -> Callable[[StoredObject], bool]:
    try:
        bound = parse_timestamp(value)
    except ValueError:
        raise _parse_error(value) from None
    compare = _COMPARE[op]
    if field.lower() == "lastupdatedtime":
        return lambda s: compare(s.updated, bound)
    return lambda s: compare(parse_timestamp(s.obj["MetaData"]["CreateTime"]), bound)


def _id_filter(ids: frozenset[str]) -> Callable[[StoredObject], bool]:
    return lambda s: s.qbo_id in ids


def parse_query(text: str) -> Query:
    """Parse the subset we serve, refusing the rest with QBO's parser fault.

    ``select * | count(*) from E [where C and …] [order by F [desc]] [startposition N]
    [maxresults M]``, where a condition C is on ``MetaData.LastUpdatedTime``/``CreateTime``,
    ``Active`` or ``Id``. Keywords are case-insensitive; QBO's ``ORDERBY`` spelling is accepted.
    """
    match = _SELECT.match(text)
    if match is None:
        raise _parse_error(text)
    entity = entity_name(match["entity"])
    filters: list[Callable[[StoredObject], bool]] = []
    active: frozenset[bool] | None = None
    where = match["where"]
    for condition in re.split(r"\s+and\s+", where.strip(), flags=re.IGNORECASE) if where else []:
        if found := _TIME_CONDITION.match(condition):
            filters.append(_time_filter(found["field"], found["op"], found["value"]))
        elif found := _ACTIVE_CONDITION.match(condition):
            words = [found["one"]] if found["one"] else found["many"].split(",")
            if any(w.strip().lower() not in ("true", "false") for w in words):
                raise _parse_error(condition)
            active = frozenset(w.strip().lower() == "true" for w in words)
        elif found := _ID_CONDITION.match(condition):
            many = (found["many"] or "").split(",")
            ids = [found["one"]] if found["one"] is not None else [i.strip(" '") for i in many]
            filters.append(_id_filter(frozenset(ids)))
        else:
            raise _parse_error(condition)
    paging = {k.lower(): int(v) for k, v in re.findall(r"(\w+)\s+(\d+)", match["paging"])}
    max_results = paging.get("maxresults", DEFAULT_MAX_RESULTS)
    if max_results > MAX_RESULTS:
        raise QueryError(
            "4001",
            "Invalid query",
            f"QueryValidationError: value {max_results} is too large. Max allowed value is: "
            f"{MAX_RESULTS}",
        )
    return Query(
        entity=entity,
        count=match["what"] != "*",
        filters=tuple(filters),
        active=active,
        order_by=match["order"],
        descending=(match["direction"] or "").lower() == "desc",
        start=max(paging.get("startposition", 1), 1),
        max_results=max_results,
    )


def _sort_key(field: str) -> Callable[[StoredObject], Any]:
    if field.lower() == "metadata.lastupdatedtime":
        return lambda s: s.updated
    if field.lower() == "id":
        return lambda s: (0, int(s.qbo_id), "") if s.qbo_id.isdigit() else (1, 0, s.qbo_id)

    def key(s: StoredObject) -> Any:
        value: Any = s.obj
        for part in field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return (value is None, str(value) if value is not None else "")

    return key


def run_query(fake: FakeQbo, realm_id: str, query: Query) -> dict[str, Any]:
    realm = fake.realm(realm_id)
    order = query.order_by or "Id"
    # Ties keep Id order (the views sort stably), so pages are deterministic.
    view = realm.ordered(query.entity, order.lower(), _sort_key(order))
    active = query.active if query.active is not None else frozenset({True})
    name_list = query.entity in NAME_LISTS
    rows = [
        s
        for s in (reversed(view) if query.descending else view)
        if not s.deleted
        and (not name_list or s.is_active() in active)
        and all(accept(s) for accept in query.filters)
    ]
    if query.count:
        return {"totalCount": len(rows)}
    page = rows[query.start - 1 : query.start - 1 + query.max_results]
    if not page:
        return {}
    return {
        query.entity: [s.obj for s in page],
        "startPosition": query.start,
        "maxResults": len(page),
    }


def run_cdc(fake: FakeQbo, realm_id: str, entities: list[str], since: datetime) -> list[Any]:
    """QBO's CDC: changes and deletions since ``since``, at most 1000 objects in all.

    At the cap the oldest changes win (the client must shorten its window to see the rest).
    Within an entity, live objects come by update time, then the deleted ones, as QBO documents.
    """
    realm = fake.realm(realm_id)
    changed = [
        (s.updated, position, s)
        for position, entity in enumerate(entities)
        for s in realm.stored(entity)
        if s.updated >= since
    ]
    changed.sort(key=lambda item: (item[0], item[1]))
    kept = changed[:CDC_MAX_OBJECTS]
    answer: list[dict[str, Any]] = []
    for position, entity in enumerate(entities):
        mine = [s for _, p, s in kept if p == position]
        mine.sort(key=lambda s: s.deleted)  # stable: keeps update order within each group
        if not mine:
            answer.append({})
            continue
        n = len(mine)
        objs = [s.cdc_entry() for s in mine]
        answer.append({entity: objs, "startPosition": 1, "maxResults": n, "totalCount": n})
    return answer
