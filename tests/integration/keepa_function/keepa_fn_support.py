"""Identifiers and database reads for the keepa function's tests (a uniquely named module)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from arbvault.db import get_engine
from arbvault.identifiers import isbn13_check_digit, isbn13_to_isbn10
from infra.keepa_offline import OfflineKeepa, is_unknown

CLOCK = 8_380_000
"""Pinned catalogue clock, so generated books are identical across runs."""
INGEST = "/api/v1/keepa/ingest"


def isbn13s(count: int, *, known: bool = True, start: int = 0) -> list[str]:
    """Distinct valid 978 ISBN-13s that the offline server knows (or, with ``known=False``, does not)."""
    found: list[str] = []
    n = start
    while len(found) < count:
        first12 = f"978{(n * 7_654_321 + 13) % 10 ** 9:09d}"
        isbn = first12 + isbn13_check_digit(first12)
        if is_unknown(isbn) != known:
            found.append(isbn)
        n += 1
    return found


def asins(count: int, *, known: bool = True, start: int = 0) -> list[str]:
    """ISBN-10 ASINs of the books of ``isbn13s``."""
    return [isbn13_to_isbn10(isbn) or "" for isbn in isbn13s(count, known=known, start=start)]


def product_requests(keepa: OfflineKeepa) -> list[Any]:
    """The /product requests the server answered."""
    return [r for r in keepa.requests if r.endpoint == "product"]


def spent(keepa: OfflineKeepa) -> int:
    """Tokens the server charged so far."""
    return sum(r.tokens_consumed for r in keepa.requests)


def stored_analyses(ids: list[str]) -> list[dict[str, Any]]:
    """Rows of ``analyses`` with these ids, as the database holds them."""
    with get_engine().connect() as connection:
        rows = connection.execute(text("SELECT * FROM analyses WHERE id = ANY(CAST(:ids AS uuid[]))"),
                                  {"ids": ids}).mappings().all()
    return [dict(row) for row in rows]
