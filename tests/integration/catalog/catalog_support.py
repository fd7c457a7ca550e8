"""Identifiers the offline Keepa knows (or not), and statement counting (a uniquely named module)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from arbvault.db import get_engine
from arbvault.identifiers import isbn13_check_digit, isbn13_to_isbn10
from infra.keepa_offline import is_unknown


def catalog_isbns(count: int, *, known: bool = True, start: int = 0) -> list[str]:
    """Distinct valid 978 ISBN-13s the offline server knows (or, with ``known=False``, does not)."""
    found: list[str] = []
    n = start
    while len(found) < count:
        first12 = f"978{(n * 3_141_593 + 7) % 10 ** 9:09d}"
        isbn = first12 + isbn13_check_digit(first12)
        if is_unknown(isbn) != known:
            found.append(isbn)
        n += 1
    return found


def catalog_asins(count: int, *, known: bool = True, start: int = 0) -> list[str]:
    return [isbn13_to_isbn10(isbn) or "" for isbn in catalog_isbns(count, known=known, start=start)]


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements the runtime engine sends inside the block."""
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
    return sum(1 for s in seen if s.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "))
