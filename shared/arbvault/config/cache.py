"""An in-process cache of values with an expiry and a fingerprint of what they were built from.

A hit only counts when the caller's fresh fingerprint equals the stored one; the cache itself never reads
the database. Entries are bounded (least recently used first out), because keys come from request input.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypedDict, TypeVar

V = TypeVar("V")

DEFAULT_MAX_ENTRIES = 256


class CacheStats(TypedDict):
    """What the cache holds now; ``keys`` are the keys' string forms, oldest use first."""

    entries: int
    active_entries: int
    expired_entries: int
    keys: list[str]


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    value: V
    fingerprint: Hashable
    expires_at: float


class FingerprintCache(Generic[V]):
    """Values by key, each valid until its expiry and only for the fingerprint it was stored with.

    ``clock`` is a monotonic seconds function (injectable for tests); ``max_entries`` bounds memory.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._clock = clock
        self._max_entries = max_entries
        self._entries: OrderedDict[Hashable, _Entry[V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[V, Hashable] | None:
        """The unexpired value of ``key`` and the fingerprint it was built from, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.expires_at <= self._clock():
                return None
            self._entries.move_to_end(key)
            return entry.value, entry.fingerprint

    def put(self, key: Hashable, value: V, fingerprint: Hashable, *, ttl_seconds: float) -> None:
        """Store ``value`` for ``ttl_seconds``; a ttl of 0 or less stores nothing (caching off)."""
        if ttl_seconds <= 0:
            return
        with self._lock:
            now = self._clock()
            self._entries[key] = _Entry(value, fingerprint, now + ttl_seconds)
            self._entries.move_to_end(key)
            for stale in [k for k, e in self._entries.items() if e.expires_at <= now]:
                del self._entries[stale]
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def stats(self, *, key_name: Callable[[Hashable], str] = str) -> CacheStats:
        """Counts of live and expired entries, and the keys held."""
        with self._lock:
            now = self._clock()
            expired = sum(1 for entry in self._entries.values() if entry.expires_at <= now)
            return CacheStats(
                entries=len(self._entries), active_entries=len(self._entries) - expired,
                expired_entries=expired, keys=[key_name(key) for key in self._entries],
            )
