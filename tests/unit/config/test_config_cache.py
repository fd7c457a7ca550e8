"""The fingerprint cache: expiry on an injected clock, the memory bound, and its statistics."""

from __future__ import annotations

import pytest

from arbvault.config.cache import FingerprintCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_entry_lives_until_its_ttl() -> None:
    clock = Clock()
    cache: FingerprintCache[str] = FingerprintCache(clock=clock)
    cache.put("k", "value", ("v", 1), ttl_seconds=900)
    clock.now += 899.9
    assert cache.get("k") == ("value", ("v", 1))
    clock.now += 0.1
    assert cache.get("k") is None


def test_ttl_of_zero_disables_caching() -> None:
    cache: FingerprintCache[str] = FingerprintCache(clock=Clock())
    cache.put("k", "value", 1, ttl_seconds=0)
    assert cache.get("k") is None
    assert cache.stats()["entries"] == 0


def test_least_recently_used_entry_goes_first_when_full() -> None:
    cache: FingerprintCache[int] = FingerprintCache(clock=Clock(), max_entries=2)
    cache.put("a", 1, 0, ttl_seconds=60)
    cache.put("b", 2, 0, ttl_seconds=60)
    assert cache.get("a") == (1, 0)  # "b" is now the least recently used
    cache.put("c", 3, 0, ttl_seconds=60)
    assert cache.get("b") is None
    assert cache.stats()["keys"] == ["a", "c"]


def test_stats_count_live_and_expired_entries() -> None:
    clock = Clock()
    cache: FingerprintCache[int] = FingerprintCache(clock=clock)
    cache.put(("x", 1), 1, 0, ttl_seconds=10)
    cache.put(("y", 2), 2, 0, ttl_seconds=100)
    clock.now += 50
    stats = cache.stats(key_name=lambda key: f"{key[0]}{key[1]}")  # type: ignore[index]
    assert stats == {"entries": 2, "active_entries": 1, "expired_entries": 1, "keys": ["x1", "y2"]}


def test_putting_drops_expired_entries() -> None:
    clock = Clock()
    cache: FingerprintCache[int] = FingerprintCache(clock=clock)
    cache.put("old", 1, 0, ttl_seconds=10)
    clock.now += 11
    cache.put("new", 2, 0, ttl_seconds=10)
    assert cache.stats()["keys"] == ["new"]


def test_max_entries_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        FingerprintCache(max_entries=0)
