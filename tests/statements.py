"""Counting the SQL statements a block of code sends: how tests hold loaders to one batch.

A class-level ``before_cursor_execute`` listener on SQLAlchemy's ``Engine``, kept only while the
block runs and filtered to one database URL, so an engine built elsewhere (the app's own, in its
lifespan) is counted without reaching into it, and other tests' databases are not.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url


@contextmanager
def counting_statements(database_url: str) -> Iterator[list[str]]:
    """Collect every SQL statement sent to ``database_url`` while the block runs."""
    wanted = make_url(database_url)
    statements: list[str] = []

    def record(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if conn.engine.url == wanted:
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def tables_read(statements: list[str]) -> list[str]:
    """The first table each statement reads, sorted, to make a failing count readable."""
    words = [statement.split() for statement in statements]
    return sorted(w[w.index("FROM") + 1] if "FROM" in w else " ".join(w[:2]) for w in words)
