"""Unit conversions for Keepa's integer fields: cents, grams and millimetres to ``Decimal``."""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")
_GRAMS_PER_POUND = Decimal("453.59237")
_MM_PER_INCH = Decimal("25.4")
_THOUSANDTH = Decimal("0.001")
_HUNDREDTH = Decimal("0.01")
_EXACT_CENTS = 10 ** 26
"""Below this, cents x 0.01 is exact in the default 28-digit context and equals the quantize."""


def cents_to_decimal(cents: int | None) -> Decimal | None:
    """Dollars from integer cents; negative values (-1 no offer, -2 unknown) and ``None`` give ``None``.

    >>> cents_to_decimal(2999)
    Decimal('29.99')
    """
    if cents is None or cents < 0:
        return None
    if type(cents) is int and cents < _EXACT_CENTS:  # Keepa's plain ints: exact, a third of scaleb(-2)'s cost
        return CENT * cents
    return (Decimal(cents) / 100).quantize(CENT)


def grams_to_pounds(grams: int | None) -> Decimal | None:
    """Pounds to 0.001 lb from grams; 0, negatives and ``None`` (Keepa's "unknown") give ``None``."""
    if grams is None or grams <= 0:
        return None
    return (Decimal(grams) / _GRAMS_PER_POUND).quantize(_THOUSANDTH)


def millimetres_to_inches(mm: int | None) -> Decimal | None:
    """Inches to 0.01 in from millimetres; 0, negatives and ``None`` give ``None``."""
    if mm is None or mm <= 0:
        return None
    return (Decimal(mm) / _MM_PER_INCH).quantize(_HUNDREDTH)
