"""Reading and writing the run's database from tests, outside the code under test (a uniquely named module).

Every helper uses the runtime engine (``arbvault.db.get_engine``), so it sees exactly what the handlers wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text

from arbvault.db import get_engine


def rows(sql: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of a query, as dicts."""
    with get_engine().connect() as connection:
        return [dict(row) for row in connection.execute(text(sql), params).mappings()]


def scalar(sql: str, **params: Any) -> Any:
    """The first column of the first row of a query (None when there is none)."""
    with get_engine().connect() as connection:
        return connection.execute(text(sql), params).scalar()


def execute(sql: str, **params: Any) -> None:
    """Run one statement in its own transaction (tests age or seed rows this way)."""
    with get_engine().begin() as connection:
        connection.execute(text(sql), params)


@contextmanager
def recording_statements() -> Iterator[list[str]]:
    """The SQL statements the runtime engine sends inside the block, in order."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def inserts_into(seen: list[str], table: str) -> int:
    """How many of the ``seen`` statements insert into ``table``."""
    return sum(1 for s in seen if s.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "))
