"""Errors the discovery room raises; ``arbvault.web.errors`` maps them to HTTP statuses by type."""

from __future__ import annotations

from arbvault.exceptions import InvalidInputError


class InvalidFiltersError(InvalidInputError):
    """Raised when discovery filters are individually valid but together select nothing (min above max)."""

    code = "invalid_filters"
