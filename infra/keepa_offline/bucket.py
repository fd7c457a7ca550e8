"""Keepa's token bucket: ``refill_rate`` tokens per refill period (a minute), capped at an hour's worth.

A request is accepted while the balance is above zero and may drive it negative; at or below zero Keepa
answers 429 until refills lift it above zero.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The balance after a decision, and the wait to the next refill."""

    tokens_left: int
    refill_in_ms: int
    accepted: bool


class TokenBucket:
    """Thread-safe bucket; ``clock`` returns seconds (monotonic by default)."""

    def __init__(self, *, tokens: int, refill_rate: int, refill_period_ms: int = 60_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if refill_rate <= 0 or refill_period_ms <= 0:
            raise ValueError("refill_rate and refill_period_ms must be positive")
        self.refill_rate = refill_rate
        self.refill_period_ms = refill_period_ms
        self.capacity = max(tokens, 60 * refill_rate)
        self._tokens = tokens
        self._clock = clock
        self._start = clock()
        self._periods = 0
        self._lock = threading.Lock()

    def _refill(self) -> int:
        """Apply the refills due; return ms until the next one."""
        elapsed_ms = (self._clock() - self._start) * 1000
        periods = int(elapsed_ms // self.refill_period_ms)
        if periods > self._periods:
            added = self._tokens + (periods - self._periods) * self.refill_rate
            self._tokens = max(self._tokens, min(self.capacity, added))
            self._periods = periods
        return int(self.refill_period_ms - elapsed_ms % self.refill_period_ms)

    def charge(self, cost: int) -> Snapshot:
        """Take ``cost`` tokens if the balance is above zero (it may go negative); otherwise refuse."""
        with self._lock:
            refill_in = self._refill()
            if self._tokens <= 0:
                return Snapshot(self._tokens, refill_in, accepted=False)
            self._tokens -= cost
            return Snapshot(self._tokens, refill_in, accepted=True)

    def peek(self) -> Snapshot:
        """The balance now, without charging."""
        with self._lock:
            refill_in = self._refill()
            return Snapshot(self._tokens, refill_in, accepted=True)

    def set(self, tokens: int) -> None:
        """Set the balance (tests drain or refill the bucket)."""
        with self._lock:
            self._refill()
            self._tokens = tokens
