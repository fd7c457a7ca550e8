"""Shared values for Keepa integration tests (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

from arbvault.identifiers import isbn13_check_digit, isbn13_to_isbn10
from arbvault.keepa import RetryPolicy
from infra.keepa_offline import is_unknown

CLOCK = 8_380_000
"""Pinned catalogue clock (2026-11-20T21:20Z): generated books are byte-identical across runs."""
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.04)


def book_isbns(count: int, *, known: bool = True, start: int = 0) -> list[str]:
    """Distinct valid 978 ISBN-13s the offline server knows (or, with ``known=False``, does not)."""
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
    """ISBN-10 ASINs (see ``book_isbns``)."""
    return [isbn13_to_isbn10(isbn) or "" for isbn in book_isbns(count, known=known, start=start)]
