"""Parsing primitives for QBO JSON values: exact money, dates, offset timestamps, refs and text.

Each primitive either returns a value the database will accept or raises ``MalformedValue`` naming
the field, so a bad object is reported and skipped instead of failing the whole batch (or, worse,
landing as a guess). ``None`` and ``""`` mean "absent" everywhere: QBO omits empty fields, and a
blank value carries no more information than a missing one.

The checks are plain ``type(...) is`` tests rather than ``isinstance`` or pydantic models: the
mapper runs over thousands of objects a second, and ``type`` also keeps ``bool`` out of integers
and amounts (``True`` is an ``int`` to ``isinstance``).
"""

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domains.sqltypes import MONEY_SCALE
from sync.errors import MalformedValue

_MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)
_MONEY_LIMIT = Decimal(10) ** (18 - MONEY_SCALE)
"""Exclusive bound of ``NUMERIC(18, 4)``; SQLite's scaled ``BIGINT`` holds more, so this is it."""

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
"""PostgreSQL ``integer`` columns (sync tokens, due days) are 32-bit."""

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
"""A decimal numeral: ``Decimal()`` alone would also take "NaN", "Infinity" and "1_000"."""

_INTEGER = re.compile(r"[+-]?\d{1,18}")
"""Bounded so ``int()`` never meets Python's 4,300-digit limit; the range check follows."""


def parse_qbo_json(body: str | bytes) -> Any:
    """Parse a QBO response so amounts arrive as exact ``Decimal``, never as a binary float.

    ``NaN`` and ``Infinity`` (which QBO does not send, but a broken proxy might) become ``Decimal``
    too, so the money check reports them instead of a float slipping through. A body nested past
    Python's recursion limit is a ``ValueError`` like any other unreadable body, not a crash.
    """
    try:
        return json.loads(body, parse_float=Decimal, parse_constant=Decimal)
    except RecursionError:
        raise ValueError("JSON nested too deeply to read") from None


def _shown(value: object) -> str:
    """A short rendering of a bad value for a problem report (never the whole object)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def money(value: object, field: str) -> Decimal | None:
    """An exact amount from a ``Decimal``, an ``int``, a numeric string, or a float (via ``repr``).

    A float only appears when someone parsed JSON without ``parse_float=Decimal``; ``repr`` gives
    the shortest decimal that reads back as that float, which is what the wire said. Values the
    ``Money`` column cannot hold exactly (over 14 integer digits, more than 4 decimal places) are
    refused rather than rounded.
    """
    if type(value) is Decimal:
        amount = value
    elif type(value) is int:
        amount = Decimal(value)
    elif type(value) is float:
        amount = Decimal(repr(value))
    elif type(value) is str:
        if value == "":
            return None
        numeral = value.strip()
        if not _NUMBER.fullmatch(numeral):
            raise MalformedValue(field, f"not a number: {_shown(value)}")
        amount = Decimal(numeral)
    elif value is None:
        return None
    else:
        raise MalformedValue(field, f"not an amount: {_shown(value)}")
    if not amount.is_finite():
        raise MalformedValue(field, f"not a finite amount: {amount}")
    if not -_MONEY_LIMIT < amount < _MONEY_LIMIT:  # compared, not abs(): that can overflow
        raise MalformedValue(field, f"amount out of range: {amount}")
    if amount.quantize(_MONEY_QUANTUM) != amount:
        raise MalformedValue(field, f"more than {MONEY_SCALE} decimal places: {amount}")
    return amount


def required_money(value: object, field: str) -> Decimal:
    amount = money(value, field)
    if amount is None:
        raise MalformedValue(field, "missing")
    return amount


def integer(value: object, field: str) -> int | None:
    """A whole number from an ``int``, an integral ``Decimal``/float, or a string of digits."""
    if type(value) is int:
        number = value
    elif value is None or value == "":
        return None
    elif type(value) is str and _INTEGER.fullmatch(value.strip()):
        number = int(value)
    elif type(value) is float and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif type(value) is Decimal and value.is_finite():
        # Range first: Decimal("1E+999999999") is whole, but no integer should be built from it.
        if not _INT_MIN <= value <= _INT_MAX:  # not abs(): it rounds, and overflows, in context
            raise MalformedValue(field, f"number out of range: {value}")
        if value != value.to_integral_value():
            raise MalformedValue(field, f"not a whole number: {value}")
        number = int(value)
    else:
        raise MalformedValue(field, f"not a whole number: {_shown(value)}")
    if not _INT_MIN <= number <= _INT_MAX:
        raise MalformedValue(field, f"number out of range: {number}")
    return number


def sync_token(value: object) -> int:
    """QBO's optimistic-locking version, sent as a string ("0", "1"…).

    A missing token counts as 0, the oldest: such a row can fill a gap but never overwrite a row
    that carried a real token.
    """
    token = integer(value, "SyncToken")
    if token is None:
        return 0
    if token < 0:
        raise MalformedValue("SyncToken", f"negative: {token}")
    return token


def flag(value: object, field: str, *, default: bool) -> bool:
    """A JSON boolean; strings like "true" are refused, since QBO never sends them."""
    if value is None:
        return default
    if type(value) is bool:
        return value
    raise MalformedValue(field, f"not true/false: {_shown(value)}")


EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
"""Dates outside this range are typos (a year 0202 or 2602), not books: they are reported as
malformed here, so the rules never do date arithmetic at the edges of what ``date`` can hold."""


def qbo_date(value: object, field: str) -> date | None:
    """A calendar date as QBO writes it, "YYYY-MM-DD" (no timezone: it is the company's day)."""
    if value is None or value == "":
        return None
    if type(value) is not str:
        raise MalformedValue(field, f"not a date: {_shown(value)}")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise MalformedValue(field, f"not a date: {_shown(value)}") from None
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise MalformedValue(field, f"date out of range (a typo?): {_shown(value)}")
    return parsed


def timestamp(value: object, field: str) -> datetime:
    """An aware UTC moment from QBO's ISO 8601 with offset ("2015-07-24T10:35:08-07:00").

    A timestamp without an offset is refused: QBO always sends one, and guessing Pacific time
    would be wrong for an hour a year and silently reorder updates.
    """
    if type(value) is not str:
        raise MalformedValue(
            field, "missing" if value is None else f"not a timestamp: {_shown(value)}"
        )
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise MalformedValue(field, f"timestamp without UTC offset: {_shown(value)}")
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise MalformedValue(field, f"not a timestamp: {_shown(value)}") from None


def identifier(value: object, field: str) -> str:
    """A QBO Id (of the object or of a ref): a non-blank string, or an int written as one.

    Ids are keys: they are never trimmed, cleaned or truncated, because a changed id joins to the
    wrong row; an id that cannot be stored as given is refused.
    """
    if type(value) is str:
        qbo_id = value
    elif type(value) is int:
        qbo_id = str(value)
    elif value is None:
        raise MalformedValue(field, "missing")
    else:
        raise MalformedValue(field, f"not an id: {_shown(value)}")
    if not qbo_id.strip() or not _storable(qbo_id):
        raise MalformedValue(field, f"not an id: {_shown(value)}")
    return qbo_id


def text(value: object, field: str) -> str | None:
    """Free text (names, doc numbers, codes), made storable: NUL removed, lone surrogates replaced.

    Numbers are accepted and written out (a DocNumber can arrive as 1001); anything else is refused.
    Lengths are checked later, per column (see ``columns.fit``).
    """
    if type(value) is str:
        return clean_text(value) if value else None
    if value is None:
        return None
    if type(value) is int or type(value) is Decimal:
        return str(value)
    raise MalformedValue(field, f"not text: {_shown(value)}")


def required_text(value: object, field: str) -> str:
    result = text(value, field)
    if result is None:
        raise MalformedValue(field, "missing")
    return result


def _child(obj: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = obj.get(key)
    if value is None or type(value) is dict or isinstance(value, Mapping):
        return value
    raise MalformedValue(key, f"not an object: {_shown(value)}")


def child(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A nested object such as ``MetaData`` or a line's detail; absent reads as empty."""
    return _child(obj, key) or {}


def ref(obj: Mapping[str, Any], key: str) -> tuple[str | None, str | None]:
    """The ``(value, name)`` of a QBO reference such as ``VendorRef``; both ``None`` if absent."""
    reference = _child(obj, key)
    if reference is None:
        return None, None
    value = reference.get("value")
    ref_id = None if value is None or value == "" else identifier(value, f"{key}.value")
    return ref_id, text(reference.get("name"), f"{key}.name")


def ref_id(obj: Mapping[str, Any], key: str) -> str | None:
    """Just the id of a QBO reference (``CurrencyRef``, ``SalesTermRef``…)."""
    return ref(obj, key)[0]


def email(obj: Mapping[str, Any], key: str) -> str | None:
    """The address of an email object (``PrimaryEmailAddr``, ``BillEmail``), trimmed.

    The address is not validated: QBO accepts comma-separated lists, and whether a reminder can go
    out is a hygiene question, answered from this column and ``raw``.
    """
    container = _child(obj, key)
    if container is None:
        return None
    address = text(container.get("Address"), f"{key}.Address")
    if address is None:
        return None
    return address.strip() or None


def _storable(value: str) -> bool:
    """Whether both databases take it as is: PostgreSQL refuses NUL, UTF-8 lone surrogates."""
    if "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_text(value: str) -> str:
    """``value`` with NUL removed and lone surrogates replaced by U+FFFD; itself when clean."""
    if _storable(value):
        return value
    without_nul = value.replace("\x00", "")
    return without_nul.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


MAX_JSON_DEPTH = 32
"""Objects and lists nested in one QBO object at most (QBO's own nest five or six deep). Deeper is
junk, and near Python's recursion limit the JSON encoder of the database write would fail on it,
failing the whole page on every retry; such an object is reported instead."""


def json_safe(value: Any) -> Any:
    """``value`` as JSON both databases store: the same object when it already is (the usual case).

    ``raw`` keeps the object as received, but PostgreSQL's JSONB refuses NaN, Infinity, NUL and
    lone surrogates, so those are written as strings or cleaned. A value that is not JSON data at
    all (a ``datetime``, a ``set``) is refused: it means the caller did not hand over parsed JSON;
    so is one nested deeper than ``MAX_JSON_DEPTH``.
    """
    if _is_json_safe(value, 0):
        return value
    return _made_json_safe(value, 0)


def _is_json_safe(value: Any, depth: int) -> bool:
    # A plain walk: as fast as a probe through the C JSON encoder, and exact about what it checks.
    kind = type(value)
    if kind is str:
        return _storable(value)
    if kind is dict:
        if depth >= MAX_JSON_DEPTH:
            return False
        for key, item in value.items():
            if type(key) is not str or not _storable(key) or not _is_json_safe(item, depth + 1):
                return False
        return True
    if kind is list:
        if depth >= MAX_JSON_DEPTH:
            return False
        for item in value:
            if not _is_json_safe(item, depth + 1):
                return False
        return True
    if kind is Decimal:
        return bool(value.is_finite())
    if kind is float:
        return math.isfinite(value)
    return value is None or kind is int or kind is bool


def _made_json_safe(value: Any, depth: int) -> Any:
    kind = type(value)
    if kind is str:
        return clean_text(value)
    if (isinstance(value, Mapping) or kind is list or kind is tuple) and depth >= MAX_JSON_DEPTH:
        raise MalformedValue("raw", f"nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, Mapping):
        return {_json_key(key): _made_json_safe(item, depth + 1) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_made_json_safe(item, depth + 1) for item in value]
    if kind is Decimal:
        return value if value.is_finite() else str(value)
    if kind is float:
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if value is None or kind is int or kind is bool:
        return value
    raise MalformedValue("raw", f"not JSON data: {type(value).__name__}")


def _json_key(key: object) -> object:
    # json writes int, float, bool and None keys as strings, and refuses the rest itself.
    return clean_text(key) if type(key) is str else key
