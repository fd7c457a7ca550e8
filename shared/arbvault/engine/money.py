"""Decimal helpers: values are computed unrounded and rounded half-up only where they leave the engine."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class _Quanta(dict[int, Decimal]):
    """``10 ** -places`` by number of places, each built once: an analysis rounds about thirty values."""

    def __missing__(self, places: int) -> Decimal:
        return Decimal(1).scaleb(-places)


_QUANTA = _Quanta({places: Decimal(1).scaleb(-places) for places in range(4)})


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """``value`` rounded half-up to ``places`` decimals (cents by default)."""
    # The rounding mode goes positionally: as a keyword, quantize's argument parsing cost more than the rounding.
    return value.quantize(_QUANTA[places], ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal = ZERO, high: Decimal = HUNDRED) -> Decimal:
    """``value`` limited to ``[low, high]`` (0-100 by default, the range of every score)."""
    return max(low, min(high, value))


def pct_of(value: Decimal, pct: Decimal) -> Decimal:
    """``pct`` percent of ``value``."""
    return value * pct / HUNDRED
