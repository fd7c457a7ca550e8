"""Errors the discovery room raises; ``arbvault.web.errors`` maps them to HTTP statuses by type."""

from __future__ import annotations

from arbvault.exceptions import DependencyUnavailableError, InvalidInputError


class InvalidFiltersError(InvalidInputError):
    """Raised when discovery filters are individually valid but together select nothing (min above max)."""

    code = "invalid_filters"


class OffersNotDeliveredError(DependencyUnavailableError):
    """Raised when Keepa returned a product without its offers (``offersSuccessful`` false): its stock is unknown."""

    def __init__(self, asin: str) -> None:
        super().__init__(f"Keepa did not deliver the offers of {asin}; try again later")
        self.asin = asin
