"""What the benchmarks share: test books, a free loopback port, and pointing this process at a bench database.

The scripts run as ``.venv/bin/python bench/<name>.py``, so this folder is on ``sys.path`` and they import
``_support`` directly.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from arbvault.db import reset_engine
from arbvault.identifiers import isbn13_check_digit, isbn13_to_isbn10
from arbvault.keepa.client import reset_keepa_client
from arbvault.migrations import upgrade
from arbvault.settings import reset_settings


def books(count: int, *, start: int = 0) -> list[str]:
    """``count`` distinct books numbered from ``start``: two thirds ISBN-10 ASINs, one third ISBN-13s (looked up
    by code). Disjoint ranges of numbers give disjoint books, so each round can ask Keepa for new products."""
    result = []
    for n in range(start, start + count):
        first12 = f"978{n * 7_919 % 10 ** 9:09d}"
        isbn = first12 + isbn13_check_digit(first12)
        result.append(isbn if (n - start) % 3 == 2 else isbn13_to_isbn10(isbn) or isbn)
    return result


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def bench_environment(database: str, keepa_base_url: str) -> Iterator[None]:
    """Point this process at ``database`` (migrated here) and the Keepa server at ``keepa_base_url``; the engine
    and the Keepa client are dropped again on the way out, before the scratch database is."""
    os.environ.update(DATABASE_URL=database, KEEPA_BASE_URL=keepa_base_url, KEEPA_API_KEY="bench-key")
    os.environ.pop("KEEPA_SECRET_ARN", None)
    reset_settings()
    reset_keepa_client()
    reset_engine()
    upgrade(database)
    try:
        yield
    finally:
        reset_engine()
        reset_keepa_client()
