"""Field types shared by response schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, PlainSerializer

# Computed in Decimal, sent as a JSON number (pydantic would send a string): money is already rounded to cents
# by the engine, so the float's shortest repr is the same digits.
DecimalNumber = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]

# Prices a caller sends: positive dollars with at most 2 decimals. The cap keeps ROI and margin inside the
# analyses' numeric(12, 2) columns even at a one-cent price.
PRICE_MAX = 100_000
PriceIn = Annotated[Decimal, Field(gt=0, le=PRICE_MAX, decimal_places=2, description="dollars, at most 2 decimals")]
