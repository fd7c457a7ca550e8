"""Decimal helpers: values are computed unrounded and rounded half-up only where they leave the engine."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)


# The quanta in use (cents, 1 dp for rates, 0.001 lb), built once: an analysis rounds about twenty values.
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(4)}


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """``value`` rounded half-up to ``places`` decimals (cents by default)."""
    # The rounding mode goes positionally: as a keyword, quantize's argument parsing cost more than the rounding.
    quantum = _QUANTA.get(places)
    return value.quantize(quantum if quantum is not None else Decimal(1).scaleb(-places), ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal = ZERO, high: Decimal = HUNDRED) -> Decimal:
    """``value`` limited to ``[low, high]`` (0-100 by default, the range of every score)."""
    return max(low, min(high, value))


def pct_of(value: Decimal, pct: Decimal) -> Decimal:
    """``pct`` percent of ``value``."""
    return value * pct / HUNDRED
