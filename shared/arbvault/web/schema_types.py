"""Field types shared by response schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer

# Computed in Decimal, sent as a JSON number (pydantic would send a string): money is already rounded to cents
# by the engine, so the float's shortest repr is the same digits.
DecimalNumber = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
