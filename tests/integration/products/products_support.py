"""Shared pieces of the products function's tests (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import text

from arbvault.db import get_engine
from arbvault.identifiers import isbn13_check_digit, isbn13_to_isbn10
from infra.keepa_offline import OfflineKeepa, RecordedRequest, is_unknown

CLOCK = 8_380_000
"""Pinned catalogue clock, so generated books are identical across runs."""
DISCOVER = "/api/v1/products/discover"
SCORING = "/api/v1/products/discover-with-scoring"
CATEGORIES = "/api/v1/products/categories"
STOCK_ROUTE = "/api/v1/products/{asin}/stock-estimate"


class RecordingKeepa(OfflineKeepa):
    """The offline Keepa, also keeping the selection document of every ``/query`` (sent as a JSON body)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.selections: list[dict[str, Any]] = []

    def respond(self, method: str, path: str, query: Mapping[str, str], body: bytes | None) -> tuple[int, bytes, int]:
        if path.strip("/") == "query":
            self.selections.append(json.loads(body or query.get("selection", "null")))
        return super().respond(method, path, query, body)


def paid(keepa: OfflineKeepa) -> list[RecordedRequest]:
    """The requests that cost tokens to ask (everything but /token)."""
    return [r for r in keepa.requests if r.endpoint != "token"]


def spent(keepa: OfflineKeepa) -> int:
    """Tokens the server charged so far."""
    return sum(r.tokens_consumed for r in keepa.requests)


def book_asins(count: int, *, known: bool = True, start: int = 0) -> list[str]:
    """Distinct ISBN-10 ASINs the offline server knows (or, with ``known=False``, does not), from ``start``."""
    found: list[str] = []
    n = start
    while len(found) < count:
        first12 = f"978{(n * 3_571_429 + 71) % 10 ** 9:09d}"
        isbn = first12 + isbn13_check_digit(first12)
        if is_unknown(isbn) != known:
            found.append(isbn13_to_isbn10(isbn) or "")
        n += 1
    return found


def execute(sql: str, **params: Any) -> None:
    """Run one statement in its own transaction (tests age rows this way)."""
    with get_engine().begin() as connection:
        connection.execute(text(sql), params)


def scalar(sql: str, **params: Any) -> Any:
    with get_engine().connect() as connection:
        return connection.execute(text(sql), params).scalar()
