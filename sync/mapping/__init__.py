"""QBO JSON to mirror rows: exact money, aware UTC times, lines, deletions, and per-object problems.

``parse_qbo_json`` at the HTTP boundary, ``map_objects`` per page and entity, ``upsert_batch``
inside the caller's transaction. See ``entities`` for what each QBO field becomes and why.
"""

from sync.mapping.batch import (
    ENTITY_ORDER,
    MappedBatch,
    MappingProblem,
    map_objects,
    upsert_batch,
)
from sync.mapping.company import map_company_info
from sync.mapping.fields import parse_qbo_json

__all__ = [
    "ENTITY_ORDER",
    "MappedBatch",
    "MappingProblem",
    "map_company_info",
    "map_objects",
    "parse_qbo_json",
    "upsert_batch",
]
