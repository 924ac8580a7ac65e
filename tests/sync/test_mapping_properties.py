"""Properties of the QBO mapper under hostile input: each object is mapped or reported, not raised.

The example tests (``test_mapping.py``, ``test_upsert.py``) pin down what each field becomes; these
let hypothesis look for the inputs nobody wrote down: arbitrary JSON where objects belong, valid QBO
objects with fields removed or replaced by wrong types, NaN-like strings, huge numbers, huge and
unstorable unicode, nested junk, and pages mixing all of them with repeated ids.

The mapping-only properties run hundreds of examples: the mapper is pure and fast. The database
property runs fewer, on both databases: pytest-asyncio runs every hypothesis example of an async
test in that test's own event loop (its ``AsyncHypothesisTest`` item), so the ``database`` fixture,
made once per test, serves every example. Each example lands its pages under a business of its
own and reads back only that business, so examples cannot see each other's rows; that is why the
health check against function-scoped fixtures is suppressed there.
"""

import copy
import json
import operator
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import JSON, Boolean, Date, Integer, String, Table, select
from sqlalchemy.types import TypeDecorator

from domains.sqltypes import Money, UtcDateTime, dumps_json, loads_json
from sync.fakeqbo.generator import CompanySize, generate_companies
from sync.mapping import ENTITY_ORDER, MappedBatch, map_objects, parse_qbo_json, upsert_batch
from sync.mapping.fields import EARLIEST_DATE, LATEST_DATE
from tests.conftest import Database
from tests.factories import make_business

BUSINESS_ID = 7
"""Mapping-only properties never touch a database; any business id will do."""

VALID: dict[str, list[dict[str, Any]]] = generate_companies(
    count=1, seed=29, as_of=date(2026, 11, 20), size=CompanySize.small()
)[0].entities
"""Valid QBO objects of every entity, shaped as the client hands them over (Decimal amounts)."""


def _paths(value: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key) inside a JSON value, depth first, so a mutation can hit any field."""
    items: Any = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in list(items):
        yield value, key
        if isinstance(item, dict | list):
            yield from _paths(item)


def _field_names() -> list[str]:
    names = {"status", "Deleted"}
    for objects in VALID.values():
        for obj in objects:
            names.update(str(key) for container, key in _paths(obj) if isinstance(container, dict))
    return sorted(names)


FIELD_NAMES = _field_names()
"""Every key the valid objects use, so arbitrary JSON often looks like QBO in the wrong places."""

# --- Hostile values -------------------------------------------------------------------------------

ANY_CHARACTER = st.characters(exclude_categories=())
"""Every code point: NUL and other controls, lone surrogates (JSON's \\ud800 escapes), RTL marks."""

NUMBER_LIKE = [
    "NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "1e999", "-1E+999999999",
    "1E-999999999", "1_000", "0x1F", " 12.50 ", "12,50", "\u0661\u0662\u0663.\u0664",
    "\uff11\uff12", "+.5", "5.", "-0", "1e3", "99999999999999.9999", "100000000000000", "0.00001",
    "2147483648", "-1", "null", "true", "[]", "{}", "",
]  # fmt: skip
"""Numerals Python's ``Decimal`` or ``int`` would take and QBO never sends (Arabic-Indic and
full-width digits among them), and words that only look like values."""
DATE_LIKE = [
    "2015-02-30", "0000-01-01", "0001-01-01", "9999-12-31", "2015-W01-1", "20150101",
    "2015-02-09T10:11:11", "2015-02-09T10:11:11Z", "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00+01:00", "2015-02-09T10:11:11+25:00", "2015-02-09T10:11:11.1234567-08:00",
    "2015-02-09T24:00:00-08:00", "yesterday",
]  # fmt: skip
UNSTORABLE = [
    "\x00", "a\x00b", "\ud800", "x\udfff", "\ud83d\ude00", "\u202eevil", "\ufeff", "e\u0301",
]  # fmt: skip
"""NUL and lone surrogates (neither database stores them), a surrogate pair as two code points,
a right-to-left override, a byte-order mark, a combining accent."""
HUGE_NUMBERS = st.sampled_from([31, 63, 64, 1_000, 14_280]).flatmap(
    lambda bits: st.sampled_from([2**bits, 2**bits - 1, -(2**bits) - 1])
)
"""Past 32 and 64 bits, up to 4,299 digits: Python's ``json`` refuses integers over 4,300 digits,
so nothing larger reaches the mapper."""
ODD_DECIMALS = [
    Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("1E+999999999"),
    Decimal("-1E-999999999"), Decimal("1E+15"), Decimal("0.00001"), Decimal("99999999999999.9999"),
    Decimal("-0"), Decimal("1E+3"),
]  # fmt: skip

texts = st.text(ANY_CHARACTER, max_size=30)
huge_texts = st.builds(
    operator.mul, st.text(ANY_CHARACTER, min_size=1, max_size=3), st.integers(300, 70_000)
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    HUGE_NUMBERS,
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from(ODD_DECIMALS),
    st.floats(),  # a caller that parsed without parse_float=Decimal, NaN and infinities included
    texts,
    st.sampled_from(NUMBER_LIKE + DATE_LIKE + UNSTORABLE),
    st.integers(4_000, 5_000).map(lambda digits: "9" * digits),
    huge_texts,
)
keys = st.sampled_from(FIELD_NAMES) | texts
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=12,
)


@st.composite
def nested_junk(draw: st.DrawFn) -> Any:
    """A value buried up to 300 levels deep in lists and objects: QBO nests five or six, and the
    mapper reports an object nested past ``MAX_JSON_DEPTH`` rather than store it."""
    value = draw(scalars)
    key = draw(keys)
    for wrap in draw(st.lists(st.booleans(), min_size=1, max_size=300)):
        value = [value] if wrap else {key: value}
    return value


hostile = st.one_of(scalars, json_values, nested_junk())

# --- QBO-shaped objects ---------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, entity: str, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A valid object of ``entity`` (``base`` or any) with one to three fields anywhere removed or
    made hostile."""
    obj = copy.deepcopy(base if base is not None else draw(st.sampled_from(VALID[entity])))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(obj))
        if not paths:
            break
        container, key = draw(st.sampled_from(paths))
        if draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(hostile)
    return obj


def qbo_shaped(entity: str) -> st.SearchStrategy[dict[str, Any]]:
    """Objects built from the entity's own top-level fields, each absent, plausible or hostile."""
    seen: dict[str, list[Any]] = {}
    for obj in VALID[entity]:
        for key, value in obj.items():
            seen.setdefault(key, []).append(value)
    return st.fixed_dictionaries(
        {},
        optional={
            key: st.sampled_from(values).map(copy.deepcopy) | hostile
            for key, values in seen.items()
        },
    )


def deletion(entity: str) -> st.SearchStrategy[dict[str, Any]]:
    """A CDC "Deleted" entry, its id and time plausible or hostile."""
    ids = st.sampled_from([obj["Id"] for obj in VALID[entity]]) | hostile
    stamps = st.sampled_from([o["MetaData"]["LastUpdatedTime"] for o in VALID[entity]]) | hostile
    return st.fixed_dictionaries(
        {
            "Id": ids,
            "status": st.just("Deleted") | hostile,
            "MetaData": st.fixed_dictionaries({"LastUpdatedTime": stamps}) | hostile,
        }
    )


def any_object(entity: str) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(VALID[entity]).map(copy.deepcopy),
        mutated(entity),
        qbo_shaped(entity),
        deletion(entity),
        json_values,
    )


entity_and_object = st.sampled_from(ENTITY_ORDER).flatmap(
    lambda entity: st.tuples(st.just(entity), any_object(entity))
)


@st.composite
def entity_and_page(draw: st.DrawFn) -> tuple[str, list[Any]]:
    """A page of one entity whose objects often share an id, so "newest wins" is exercised."""
    entity = draw(st.sampled_from(ENTITY_ORDER))
    page = draw(st.lists(any_object(entity), max_size=8))
    for obj in page:
        if isinstance(obj, dict) and draw(st.booleans()):
            obj["Id"] = draw(st.sampled_from(["1", "2", 2]))
            obj["SyncToken"] = draw(st.sampled_from(["0", "1", 2, "x"]))
    return entity, page


# --- What a storable row is -----------------------------------------------------------------------


def _object_id(obj: Any) -> str | None:
    if isinstance(obj, Mapping) and type(obj.get("Id")) in (str, int):
        return str(obj["Id"])
    return None


def _storable_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def assert_storable(table: Table, row: Mapping[str, Any], *, parent_key: str = "") -> None:
    """``row`` has every column of ``table`` (its own id and parent key aside) and no other key,
    each value of the column's Python type and within what both databases store."""
    columns = {column.name: column for column in table.columns}
    assert set(row) == set(columns) - {"id", parent_key}, sorted(set(row) ^ set(columns))
    for name, value in row.items():
        column = columns[name]
        kind = column.type
        if isinstance(kind, TypeDecorator) and not isinstance(kind, Money | UtcDateTime):
            kind = kind.impl_instance  # SQLModel's AutoString is a String underneath
        if value is None:
            assert column.nullable, name
        elif isinstance(kind, Money):
            assert type(value) is Decimal and value.is_finite(), (name, value)
            assert -(10**14) < value < 10**14 and value == value.quantize(Decimal("0.0001"))
        elif isinstance(kind, UtcDateTime):
            assert type(value) is datetime and value.utcoffset() is not None, (name, value)
            assert value.utcoffset() == UTC.utcoffset(None), (name, value)
        elif isinstance(kind, JSON):
            text = dumps_json(value)  # what the column writes, refusing NaN-like floats too
            json.loads(text, parse_constant=_refuse_constant)
            assert _storable_text(text) and "\\u0000" not in text, name
        elif isinstance(kind, Boolean):
            assert type(value) is bool, (name, value)
        elif isinstance(kind, Integer):
            assert type(value) is int and -(2**31) <= value < 2**31, (name, value)
        elif isinstance(kind, Date):
            assert type(value) is date and EARLIEST_DATE <= value <= LATEST_DATE, (name, value)
        elif isinstance(kind, String):
            assert type(value) is str and _storable_text(value), (name, value[:40])
            assert kind.length is None or len(value) <= kind.length, name
        else:
            raise AssertionError(f"teach assert_storable about {name}: {kind!r}")


def _refuse_constant(name: str) -> None:
    raise AssertionError(f"raw would hold {name}, which PostgreSQL's JSONB refuses")


def assert_storable_batch(batch: MappedBatch) -> None:
    for row in batch.rows:
        assert_storable(batch.table, row)
    for child in batch.children:
        for lines in child.rows_by_parent.values():
            for line in lines:
                assert_storable(child.table, line, parent_key=child.parent_key)


# --- Mapping-only properties ----------------------------------------------------------------------


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(entity_and_object)
def test_any_object_is_mapped_deleted_or_reported(entity_object: tuple[str, Any]) -> None:
    """The mapper's contract (batch.py): a bad object is skipped with a reason, never raised, so
    one hostile object can't stop a sync; and what it does map, both databases accept."""
    entity, obj = entity_object

    batch = map_objects(entity, [obj], business_id=BUSINESS_ID)

    assert len(batch.rows) + len(batch.deletions) + len(batch.problems) == 1
    for problem in batch.problems:
        assert problem.entity == entity
        assert problem.qbo_id is None or problem.qbo_id == _object_id(obj)
        assert problem.reason and str(problem).startswith(entity)
    for row in batch.rows:
        assert row["qbo_id"] == _object_id(obj)
        assert row["business_id"] == BUSINESS_ID
    assert_storable_batch(batch)


def _newer(row: Mapping[str, Any], than: Mapping[str, Any] | None) -> bool:
    return than is None or (row["sync_token"], row["qbo_updated_at"]) > (
        than["sync_token"],
        than["qbo_updated_at"],
    )


@settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow])
@given(entity_and_page())
def test_a_page_maps_as_its_objects_do_one_by_one(entity_page: tuple[str, list[Any]]) -> None:
    """A page is judged object by object: a malformed neighbour changes nothing about the others,
    the problems are the objects' own in page order, and of one id the newest version wins (ties:
    the first), with its own lines."""
    entity, page = entity_page

    batch = map_objects(entity, page, business_id=BUSINESS_ID)

    singles = [map_objects(entity, [obj], business_id=BUSINESS_ID) for obj in page]
    assert batch.problems == [problem for single in singles for problem in single.problems]
    rows: dict[str, dict[str, Any]] = {}
    lines: dict[str, list[dict[str, Any]]] = {}
    deletions: dict[str, datetime] = {}
    for single in singles:
        for row in single.rows:
            if _newer(row, rows.get(row["qbo_id"])):
                rows[row["qbo_id"]] = row
                for child in single.children:
                    lines[row["qbo_id"]] = list(child.rows_by_parent[row["qbo_id"]])
        for qbo_id, deleted_at in single.deletions.items():
            deletions[qbo_id] = max(deleted_at, deletions.get(qbo_id, deleted_at))
    assert {row["qbo_id"]: row for row in batch.rows} == rows
    assert batch.deletions == deletions
    for child in batch.children:
        assert {key: list(value) for key, value in child.rows_by_parent.items()} == lines
    assert_storable_batch(batch)


JSON_TEXTS = st.one_of(
    st.binary(max_size=200),
    st.text(ANY_CHARACTER, max_size=200),
    json_values.map(lambda value: json.dumps(value, default=str)),
    st.integers(1, 5_000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(1, 5_000).map(lambda depth: '{"a":' * depth + "1" + "}" * depth),
    st.integers(1, 5_000).map(lambda depth: "[" * depth),
    st.integers(4_000, 5_000).map(lambda digits: "-" + "9" * digits),
    st.sampled_from(["NaN", "-Infinity", "1e999999", '{"TotalAmt": 1e400}', "[1,", "\ufeff{}"]),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_TEXTS)
def test_any_response_body_parses_or_is_refused_as_unreadable(body: str | bytes) -> None:
    """The client treats a ``ValueError`` from ``parse_qbo_json`` as an unreadable body (a
    retryable QBO error); anything else escaping it would crash the sync instead. Whatever does
    parse, buried in a valid object, still maps or is reported."""
    try:
        value = parse_qbo_json(body)
    except ValueError:
        return
    obj = {**copy.deepcopy(VALID["Term"][0]), "Junk": value}
    batch = map_objects("Term", [obj], business_id=BUSINESS_ID)
    assert len(batch.rows) + len(batch.problems) == 1
    assert_storable_batch(batch)


# --- Landing in the database ----------------------------------------------------------------------


def _json_numbers(value: Any) -> Any:
    """``value`` with every number as a ``Decimal``: the JSON columns keep a number's value, not
    its Python type (JSONB gives ``1e+300`` back as an integer)."""
    if isinstance(value, dict):
        return {key: _json_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_numbers(item) for item in value]
    if type(value) is float:
        return Decimal(repr(value))
    if type(value) in (int, Decimal):
        return Decimal(value)
    return value


def _as_stored(row: Mapping[str, Any]) -> dict[str, Any]:
    """A mapped row as the database gives it back: ``raw`` through its JSON text."""
    return {**row, "raw": _json_numbers(loads_json(dumps_json(row["raw"])))}


Stored = dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]


async def _stored(database: Database, batch: MappedBatch) -> Stored:
    """Each stored row of ``batch``'s table for its business, with its lines in order."""
    table = batch.table
    async with database.sessions() as session:
        rows = (
            await session.execute(
                select(table).where(table.c.business_id == batch.business_id).order_by(table.c.id)
            )
        ).mappings()
        stored: Stored = {}
        by_pk: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            values = {key: value for key, value in row.items() if key != "id"}
            values["raw"] = _json_numbers(values["raw"])
            stored[row["qbo_id"]] = (values, by_pk.setdefault(row["id"], []))
        for child in batch.children:
            key = child.table.c[child.parent_key]
            lines = await session.execute(
                select(child.table).where(key.in_(list(by_pk))).order_by(child.table.c.id)
            )
            for line in lines.mappings():
                values = dict(line)
                by_pk[values.pop(child.parent_key)].append(
                    {k: v for k, v in values.items() if k != "id"}
                )
    return stored


def _land_in_model(model: Stored, batch: MappedBatch) -> None:
    """What ``upsert_batch`` promises (domains/upsert.py): newer rows replace older ones with their
    lines, and a deletion marks a row updated no later than it."""
    lines = batch.children[0].rows_by_parent if batch.children else {}
    for row in batch.rows:
        stored = model.get(row["qbo_id"])
        if _newer(row, None if stored is None else stored[0]):
            model[row["qbo_id"]] = (_as_stored(row), list(lines.get(row["qbo_id"], [])))
    for qbo_id, deleted_at in batch.deletions.items():
        stored = model.get(qbo_id)
        if stored and stored[0]["qbo_updated_at"] <= deleted_at and stored[0]["deleted_at"] is None:
            stored[0]["deleted_at"] = deleted_at


@st.composite
def valid_then_mutated(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]], list[Any]]:
    """Valid objects of an entity, then a second page of newer versions of them, hostile ones
    among them, plus junk: what a sync sees when QBO (or a proxy) sends a bad update."""
    entity = draw(st.sampled_from(ENTITY_ORDER))
    first = draw(st.lists(st.sampled_from(VALID[entity]), min_size=1, max_size=5, unique_by=id))
    second = []
    for obj in first:
        newer = draw(mutated(entity, obj) | st.just(copy.deepcopy(obj)))
        newer["Id"], newer["SyncToken"] = obj["Id"], "7"
        second.append(newer)
    second += draw(st.lists(any_object(entity), max_size=3))
    return entity, [copy.deepcopy(obj) for obj in first], draw(st.permutations(second))


@settings(
    max_examples=50,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pages=valid_then_mutated())
async def test_landing_writes_whole_rows_and_a_malformed_version_changes_nothing(
    database: Database, pages: tuple[str, list[dict[str, Any]], list[Any]]
) -> None:
    """``upsert_batch`` in a transaction stores exactly what re-mapping the objects gives (every
    column, lines and raw included) for the newest valid version of each, so no row is ever half
    written; a version the mapper refuses leaves the stored row and its lines as they were."""
    entity, first, second = pages
    business = await make_business(database.sessions)
    assert business.id is not None
    model: Stored = {}

    for page in (first, second):
        batch = map_objects(entity, page, business_id=business.id)
        before = await _stored(database, batch)
        async with database.sessions.begin() as session:
            await upsert_batch(session, batch)
        _land_in_model(model, batch)

        stored = await _stored(database, batch)
        assert stored == model
        landed = {row["qbo_id"] for row in batch.rows} | set(batch.deletions)
        for problem in batch.problems:
            if problem.qbo_id not in landed:
                assert stored.get(problem.qbo_id or "") == before.get(problem.qbo_id or ""), problem
