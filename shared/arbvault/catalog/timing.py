"""Where a request's time went (Keepa, analysis, database), measured with ``perf_counter``, not logged."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

Phase = Literal["keepa", "analysis", "database"]
PHASES: tuple[Phase, ...] = ("keepa", "analysis", "database")


@dataclass
class Timings:
    """Seconds per phase, and the total from creation to ``finish()``."""

    seconds: dict[Phase, float] = field(default_factory=lambda: dict.fromkeys(PHASES, 0.0))
    total: float = 0.0
    _started: float = field(default_factory=time.perf_counter, repr=False)

    @contextmanager
    def measure(self, phase: Phase) -> Iterator[None]:
        """Add the time spent inside the block to ``phase``."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] += time.perf_counter() - started

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Leave the block's time out of the total (another request's work done meanwhile)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self._started += time.perf_counter() - started

    def add(self, other: Timings) -> None:
        """Fold a sub-step's phases into these (its total is already inside ours)."""
        for phase in PHASES:
            self.seconds[phase] += other.seconds[phase]

    def finish(self) -> Timings:
        self.total = time.perf_counter() - self._started
        return self

    def as_ms(self) -> dict[str, float]:
        """Milliseconds per phase and in total, plus ``other`` (parsing, serialising, glue)."""
        result: dict[str, float] = {phase: round(value * 1000, 2) for phase, value in self.seconds.items()}
        result["other"] = round(max(self.total - sum(self.seconds.values()), 0.0) * 1000, 2)
        result["total"] = round(self.total * 1000, 2)
        return result

    def server_timing(self) -> str:
        """The ``Server-Timing`` header value (durations in ms)."""
        return ", ".join(f"{name};dur={value}" for name, value in self.as_ms().items())
