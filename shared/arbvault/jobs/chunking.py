"""Splitting a job's identifiers into chunks: one Keepa request each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, TypeVar

CHUNK_SIZE: Final = 100
"""Keepa's limit of products per ``/product`` request: a chunk is one request."""
MAX_JOB_IDENTIFIERS: Final = 10_000

T = TypeVar("T")


def split_chunks(items: Sequence[T], size: int = CHUNK_SIZE) -> list[list[T]]:
    """``items`` in order, in lists of at most ``size`` (the last may be shorter); ``[]`` for no items."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    return [list(items[start:start + size]) for start in range(0, len(items), size)]
