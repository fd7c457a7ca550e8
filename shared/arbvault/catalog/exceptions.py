"""Errors the catalog room raises; ``arbvault.web.errors`` maps their base classes to HTTP statuses."""

from __future__ import annotations

from typing import Any

from arbvault.exceptions import InvalidInputError, NotFoundError, PayloadTooLargeError, RateLimitedError


class TokenBudgetError(RateLimitedError):
    """Raised by the token guard, before any Keepa call, when the estimated balance is short of the cost.

    Carries ``required``, ``balance`` (estimated now) and ``deficit``, and ``Retry-After`` for when refills
    will have covered the deficit.
    """

    code = "keepa_tokens_insufficient"

    def __init__(self, *, required: int, balance: int, retry_after_seconds: int, refill_rate: int) -> None:
        self.required = required
        self.balance = balance
        self.deficit = required - balance
        self.retry_after_seconds = retry_after_seconds
        self.headers = {"Retry-After": str(retry_after_seconds)}
        super().__init__(
            f"not enough Keepa tokens: this needs {required}, about {balance} are available; "
            f"retry in {retry_after_seconds} s",
            details=[{"required": required, "balance": balance, "deficit": self.deficit,
                      "refill_rate": refill_rate, "retry_after_seconds": retry_after_seconds}],
        )


class TokenCapacityError(PayloadTooLargeError):
    """Raised when a call needs more tokens than the Keepa plan's bucket ever holds: waiting cannot help."""

    code = "keepa_tokens_beyond_capacity"

    def __init__(self, *, required: int, capacity: int) -> None:
        self.required = required
        self.capacity = capacity
        super().__init__(
            f"this needs {required} Keepa tokens but the plan holds at most {capacity}; ask for fewer products",
            details=[{"required": required, "capacity": capacity}],
        )


class ProductNotFoundError(NotFoundError):
    """Raised when Keepa has no product for an identifier."""

    code = "product_not_found"

    def __init__(self, identifier: str) -> None:
        self.identifier = identifier
        super().__init__(f"Keepa has no product for {identifier}", details=[{"identifier": identifier}])


class InvalidIdentifiersError(InvalidInputError):
    """Raised when entries of an identifier list are not ASINs, ISBN-10s or ISBN-13s; names each by index."""

    code = "invalid_identifiers"

    def __init__(self, details: list[dict[str, Any]]) -> None:
        fields = ", ".join(d["field"] for d in details[:10]) + (", ..." if len(details) > 10 else "")
        super().__init__(f"{len(details)} invalid identifier(s): {fields}", details=details)
