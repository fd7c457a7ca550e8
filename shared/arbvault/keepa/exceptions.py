"""Errors the Keepa room raises; ``arbvault.web.errors`` maps them to HTTP statuses by type."""

from __future__ import annotations

import math
from typing import Any

from arbvault.exceptions import ArbvaultError, DependencyUnavailableError, RateLimitedError


class KeepaError(ArbvaultError):
    """Base of every Keepa failure."""

    code = "keepa_error"


class TokensExhaustedError(KeepaError, RateLimitedError):
    """Raised on HTTP 429: the token balance is at or below zero; carries when to try again.

    ``retry_after_seconds`` covers a negative balance too: Keepa adds ``refill_rate`` tokens per minute, the
    first of them ``refill_in_ms`` from the response.
    """

    code = "keepa_tokens_exhausted"

    def __init__(self, *, refill_in_ms: int, tokens_left: int, refill_rate: int) -> None:
        self.refill_in_ms = max(refill_in_ms, 0)
        self.tokens_left = tokens_left
        self.refill_rate = refill_rate
        self.retry_after_seconds = retry_after_seconds(self.refill_in_ms, tokens_left, refill_rate)
        self.headers = {"Retry-After": str(self.retry_after_seconds)}
        super().__init__(
            f"Keepa tokens exhausted; retry in {self.retry_after_seconds} s",
            details=[{"tokens_left": tokens_left, "refill_in_ms": self.refill_in_ms, "refill_rate": refill_rate,
                      "retry_after_seconds": self.retry_after_seconds}],
        )


class KeepaRequestError(KeepaError, DependencyUnavailableError):
    """Raised when Keepa rejects a request (400: bad parameter or invalid key; 402: no subscription; 404/405).

    To the API's caller this is a server-side configuration fault, so it maps like an unavailable dependency.
    """

    code = "keepa_request_rejected"

    def __init__(self, message: str, *, status: int, error_type: str | None = None) -> None:
        super().__init__(message, details=[{"keepa_status": status, "keepa_error_type": error_type}])
        self.status = status
        self.error_type = error_type


class KeepaUnavailableError(KeepaError, DependencyUnavailableError):
    """Raised when Keepa cannot be reached or keeps failing (5xx, timeouts, broken bodies) after retries."""

    code = "keepa_unavailable"

    def __init__(self, message: str, *, status: int | None = None, **details: Any) -> None:
        super().__init__(message, details=[{"keepa_status": status, **details}] if status or details else None)
        self.status = status


def retry_after_seconds(refill_in_ms: int, tokens_left: int, refill_rate: int) -> int:
    """Whole seconds until the balance is above zero again (at least 1)."""
    waits = 1
    if refill_rate > 0 and tokens_left < 0:
        waits = -tokens_left // refill_rate + 1
    wait_ms = max(refill_in_ms, 0) + (waits - 1) * 60_000
    return max(1, math.ceil(wait_ms / 1000))
