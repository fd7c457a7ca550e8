"""Job progress, derived from chunk states and counts (never stored on the job)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a job is, in identifiers.

    ``processed`` counts identifiers of settled chunks: ``succeeded`` (analysed and stored) plus ``not_found``
    (Keepa has no product) of done chunks, plus ``failed`` (every identifier of a failed chunk).
    """

    total: int
    succeeded: int
    not_found: int
    failed: int
    chunks_total: int
    chunks_done: int
    chunks_failed: int

    @property
    def processed(self) -> int:
        return self.succeeded + self.not_found + self.failed

    @property
    def percent(self) -> float:
        """Share of identifiers processed, 0-100 with one decimal (100 for an empty job)."""
        if self.total <= 0:
            return 100.0
        return round(min(self.processed, self.total) * 100 / self.total, 1)

    @property
    def chunks_settled(self) -> int:
        return self.chunks_done + self.chunks_failed

    def as_dict(self) -> dict[str, int | float]:
        return {"total": self.total, "processed": self.processed, "succeeded": self.succeeded,
                "not_found": self.not_found, "failed": self.failed, "percent": self.percent,
                "chunks_total": self.chunks_total, "chunks_done": self.chunks_done,
                "chunks_failed": self.chunks_failed}
