"""Shared values for tests that meet the offline Keepa: the pinned clock, a fast retry policy, identifiers the
server knows (or not), request accounting, and a server that also records ``/query`` selections.

A uniquely named module (every test folder has a ``conftest``); the fixtures using it are in ``tests/conftest.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from arbvault.identifiers import isbn13_check_digit, isbn13_to_isbn10
from arbvault.keepa.client import KeepaClient, RetryPolicy
from db_testing import execute
from infra.keepa_offline import OfflineKeepa, RecordedRequest, is_unknown

CLOCK = 8_380_000
"""Pinned catalogue clock (2026-11-20T21:20Z): generated books are byte-identical across runs."""
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.04)
TEST_KEY = "test-key"
"""The key test clients send (the offline server accepts any key unless it was started with one)."""

MakeKeepa = Callable[..., OfflineKeepa]
"""The ``make_keepa`` fixture: ``make_keepa(kind=OfflineKeepa, *, point_settings=True, **options)``."""


class RecordingKeepa(OfflineKeepa):
    """The offline Keepa, also keeping the selection document of every ``/query`` (sent as a JSON body)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.selections: list[dict[str, Any]] = []

    def respond(self, method: str, path: str, query: Mapping[str, str], body: bytes | None) -> tuple[int, bytes, int]:
        if path.strip("/") == "query":
            self.selections.append(json.loads(body or query.get("selection", "null")))
        return super().respond(method, path, query, body)


def client_for(keepa: OfflineKeepa) -> KeepaClient:
    """A Keepa client of the test's own for ``keepa`` (close it, or use it as a context manager)."""
    return KeepaClient(api_key=TEST_KEY, base_url=keepa.base_url, retry=FAST_RETRY)


def book_isbns(count: int, *, known: bool = True, start: int = 0) -> list[str]:
    """Distinct valid 978 ISBN-13s the offline server knows (or, with ``known=False``, does not), from ``start``."""
    found: list[str] = []
    n = start
    while len(found) < count:
        first12 = f"978{(n * 7_654_321 + 13) % 10 ** 9:09d}"
        isbn = first12 + isbn13_check_digit(first12)
        if is_unknown(isbn) != known:
            found.append(isbn)
        n += 1
    return found


def book_asins(count: int, *, known: bool = True, start: int = 0) -> list[str]:
    """The ISBN-10 ASINs of the books of ``book_isbns``."""
    return [isbn13_to_isbn10(isbn) or "" for isbn in book_isbns(count, known=known, start=start)]


def store_balance(tokens_left: int, *, refill_in_ms: int, refill_rate: int, observed_at: datetime) -> None:
    """Store the balance a Keepa answer reported at ``observed_at``, as another environment would have left it."""
    execute("INSERT INTO keepa_token_state (id, tokens_left, refill_in_ms, refill_rate, tokens_consumed,"
            " token_flow_reduction, server_time, observed_at, source)"
            " VALUES (1, :tokens, :refill_in, :rate, 0, 0, NULL, :at, 'last_response')",
            tokens=tokens_left, refill_in=refill_in_ms, rate=refill_rate, at=observed_at)


def paid(keepa: OfflineKeepa) -> list[RecordedRequest]:
    """The requests that cost tokens to ask (everything but /token)."""
    return [r for r in keepa.requests if r.endpoint != "token"]


def product_requests(keepa: OfflineKeepa) -> list[RecordedRequest]:
    """The /product requests the server answered."""
    return [r for r in keepa.requests if r.endpoint == "product"]


def spent(keepa: OfflineKeepa) -> int:
    """Tokens the server charged so far."""
    return sum(r.tokens_consumed for r in keepa.requests)
