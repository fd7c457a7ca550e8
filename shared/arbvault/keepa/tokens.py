"""Keepa's token bucket as last reported: every response envelope carries the balance, so reading it is free."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

REFILL_PERIOD_MS = 60_000
"""Keepa adds ``refillRate`` tokens once a minute."""
BUCKET_MINUTES = 60
"""Unused tokens expire after an hour, so the bucket holds at most 60 refills."""


@dataclass(frozen=True, slots=True)
class TokenBalance:
    """The balance fields of one response envelope and when this process received it."""

    tokens_left: int
    refill_in_ms: int
    refill_rate: int
    tokens_consumed: int
    token_flow_reduction: float
    server_time: datetime | None
    observed_at: datetime

    @classmethod
    def from_envelope(cls, body: Mapping[str, Any], *, observed_at: datetime | None = None) -> TokenBalance | None:
        """The balance in ``body``; ``None`` when the body carries no ``tokensLeft``."""
        if not isinstance(body.get("tokensLeft"), int):
            return None
        timestamp = body.get("timestamp")
        return cls(
            tokens_left=body["tokensLeft"],
            refill_in_ms=int(body.get("refillIn") or 0),
            refill_rate=int(body.get("refillRate") or 0),
            tokens_consumed=int(body.get("tokensConsumed") or 0),
            token_flow_reduction=float(body.get("tokenFlowReduction") or 0.0),
            server_time=datetime.fromtimestamp(timestamp / 1000, UTC) if isinstance(timestamp, int) else None,
            observed_at=observed_at or datetime.now(UTC),
        )

    def estimate(self, at: datetime | None = None) -> int:
        """The balance expected at ``at`` (default now): refills since the observation, up to the bucket cap."""
        moment = at or datetime.now(UTC)
        elapsed_ms = (moment - self.observed_at).total_seconds() * 1000
        if self.refill_rate <= 0 or elapsed_ms < self.refill_in_ms:
            return self.tokens_left
        refills = 1 + int((elapsed_ms - self.refill_in_ms) // REFILL_PERIOD_MS)
        cap = self.refill_rate * BUCKET_MINUTES
        if self.tokens_left >= cap:
            return self.tokens_left
        return min(cap, self.tokens_left + refills * self.refill_rate)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (for a token-status route)."""
        return {
            "tokens_left": self.tokens_left,
            "refill_in_ms": self.refill_in_ms,
            "refill_rate": self.refill_rate,
            "tokens_consumed": self.tokens_consumed,
            "token_flow_reduction": self.token_flow_reduction,
            "server_time": self.server_time.isoformat() if self.server_time else None,
            "observed_at": self.observed_at.isoformat(),
        }
