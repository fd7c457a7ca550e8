"""Errors the analysis engine raises; all are bad input, so ``arbvault.web`` answers 422 with the details."""

from __future__ import annotations

from arbvault.exceptions import InvalidInputError


class RulesConfigError(InvalidInputError):
    """Raised when the business-rules document lacks a section the engine reads or holds an unusable value."""

    code = "invalid_business_rules"


class InvalidPriceError(InvalidInputError):
    """Raised when a price or cost handed to the engine is negative, or zero where a positive one is needed."""

    code = "invalid_price"


class UnknownStrategyError(InvalidInputError):
    """Raised when a strategy is named that the rules do not define, or that defines no price sources."""

    code = "unknown_strategy"
