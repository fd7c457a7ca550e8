"""How many identifiers a job holds, and splitting them into chunks: one Keepa request each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, TypeVar

from arbvault.jobs.exceptions import JobTooLargeError

CHUNK_SIZE: Final = 100
"""Keepa's limit of products per ``/product`` request: a chunk is one request."""
MAX_JOB_IDENTIFIERS: Final = 10_000
"""Distinct identifiers one job holds at most (100 chunks)."""

T = TypeVar("T")


def split_chunks(items: Sequence[T], size: int = CHUNK_SIZE) -> list[list[T]]:
    """``items`` in order, in lists of at most ``size`` (the last may be shorter); ``[]`` for no items."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    return [list(items[start:start + size]) for start in range(0, len(items), size)]


def check_job_size(count: int, *, field: str = "identifiers") -> None:
    """Refuse a job of ``count`` distinct identifiers above ``MAX_JOB_IDENTIFIERS``: ``JobTooLargeError`` (413)
    naming ``field``."""
    if count > MAX_JOB_IDENTIFIERS:
        raise JobTooLargeError(count=count, limit=MAX_JOB_IDENTIFIERS, field=field)
