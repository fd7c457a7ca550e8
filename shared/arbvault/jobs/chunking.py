"""How many identifiers a job holds, and splitting them into chunks: one Keepa request each.

Keepa looks ASINs (and ISBN-10s) up with ``asin=`` and ISBN-13s with ``code=``: a chunk holding both kinds
would cost two requests. So a job's ASINs are chunked apart from its ISBN-13s, each kind in request order;
a job then has at most one chunk more than ``ceil(n / 100)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, TypeVar

from arbvault.identifiers import Identifier, split_by_lookup
from arbvault.jobs.exceptions import JobTooLargeError

CHUNK_SIZE: Final = 100
"""Keepa's limit of products per ``/product`` request: a chunk is one request."""
MAX_JOB_IDENTIFIERS: Final = 10_000
"""Distinct identifiers one job holds at most (100 or 101 chunks)."""

T = TypeVar("T")


def split_chunks(items: Sequence[T], size: int = CHUNK_SIZE) -> list[list[T]]:
    """``items`` in order, in lists of at most ``size`` (the last may be shorter); ``[]`` for no items."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    return [list(items[start:start + size]) for start in range(0, len(items), size)]


def chunk_identifiers(identifiers: Sequence[Identifier], size: int = CHUNK_SIZE) -> list[list[str]]:
    """The values of ``identifiers`` in chunks of one Keepa request each: the ASINs' chunks, then the ISBN-13s'."""
    by_asin, by_code = split_by_lookup(identifiers)
    return split_chunks([i.value for i in by_asin], size) + split_chunks([i.value for i in by_code], size)


def check_job_size(count: int, *, field: str = "identifiers") -> None:
    """Refuse a job of ``count`` distinct identifiers above ``MAX_JOB_IDENTIFIERS``: ``JobTooLargeError`` (413)
    naming ``field``."""
    if count > MAX_JOB_IDENTIFIERS:
        raise JobTooLargeError(count=count, limit=MAX_JOB_IDENTIFIERS, field=field)
