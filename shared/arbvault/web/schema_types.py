"""The field types of every request and response: bounded where a value enters, numbers sent as numbers.

Bodies, query strings and cursors use these types (or, without pydantic, the checks of ``arbvault.bounds``
they are built on), so no value a client sends is one its column cannot hold. An out-of-bounds value is a 422
``validation_error`` naming the field, with a machine-readable ``code`` per detail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Final, TypeVar

from pydantic import AfterValidator, Field, PlainSerializer
from pydantic_core import PydanticCustomError

from arbvault.bounds import (
    AMOUNT_MAX,
    KEEPA_DOMAINS,
    SCORE_MAX,
    SCORE_MIN,
    TIMESTAMP_MAX,
    TIMESTAMP_MIN,
    bounded_timestamp,
    keepa_domain,
    plain_json,
    plain_text,
)

T = TypeVar("T")

# Computed in Decimal, sent as a JSON number (pydantic would send a string): money is already rounded to cents
# by the engine, so the float's shortest repr is the same digits.
DecimalNumber = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


def _checked(check: Callable[[T], T], code: str) -> AfterValidator:
    """``check`` as a pydantic validator whose failure carries ``code`` (the detail's machine-readable code)."""

    def validate(value: T) -> T:
        try:
            return check(value)
        except ValueError as exc:
            raise PydanticCustomError(code, str(exc)) from None

    return AfterValidator(validate)


_TEXT_PATTERN = "^[^\\u0000]*$"
Text = Annotated[str, _checked(plain_text, "text_invalid"), Field(json_schema_extra={"pattern": _TEXT_PATTERN})]
"""Text PostgreSQL can store: no NUL, no unpaired surrogate. Add length bounds with ``Field`` where used."""

JsonDocument = Annotated[dict[str, Any], _checked(plain_json, "text_invalid")]
"""A JSON object whose strings, keys included, are all :data:`Text`."""

Percent = Annotated[Decimal, Field(ge=-AMOUNT_MAX, le=AMOUNT_MAX, allow_inf_nan=False,
                                   description="percent; fits numeric(12, 2)")]
"""A percentage (ROI, margin) a column of numeric(12, 2) holds."""

Score = Annotated[Decimal, Field(ge=SCORE_MIN, le=SCORE_MAX, allow_inf_nan=False, description="0-100")]
"""A 0-100 score (velocity, combined)."""

Timestamp = Annotated[datetime, _checked(bounded_timestamp, "timestamp_invalid"),
                      Field(description=f"ISO-8601 with a time zone, {TIMESTAMP_MIN.year}-{TIMESTAMP_MAX.year}")]
"""An aware timestamp inside the calendar in every offset."""

DomainId = Annotated[int, _checked(keepa_domain, "domain_invalid"),
                     Field(description="Keepa marketplace (1 = amazon.com)",
                           json_schema_extra={"enum": sorted(KEEPA_DOMAINS)})]
"""A Keepa domain id (Amazon marketplace): where products are looked up and whose domain rules apply."""

CategoryId = Annotated[int, Field(ge=1, le=2**63 - 1, description="Keepa category (browse node) id")]
"""A Keepa category id; stored as a bigint."""

ProductIdentifier = Annotated[str, _checked(plain_text, "text_invalid"),
                              Field(min_length=1, max_length=32, description="ASIN, ISBN-10 or ISBN-13",
                                    examples=["0134685997"])]
"""An ASIN, ISBN-10 or ISBN-13 as a caller typed it (normalised and checked where it is used)."""

StrategyName = Annotated[Text, Field(min_length=1, max_length=50,
                                     description="a strategy of the business rules; else chosen per product")]
"""The name of a strategy of the business rules (checked against them where it is used)."""

# Money a caller sends (prices, fees, price filters), in dollars. The cap keeps ROI and margin inside the
# analyses' numeric(12, 2) columns even at a one-cent price; a field may bound it tighter.
PRICE_MAX = 100_000
Money = Annotated[Decimal, Field(ge=0, le=PRICE_MAX, allow_inf_nan=False, description="dollars")]
PriceIn = Annotated[Money, Field(gt=0, decimal_places=2, description="dollars, at most 2 decimals")]
"""A price the engine analyses: positive dollars with at most 2 decimals."""

DEFAULT_OFFERS: Final = 20


def _offer_count(value: int) -> int:
    if 0 < value < DEFAULT_OFFERS:
        raise ValueError("must be 0 (no live offers) or from 20 to 100")
    return value


# Live offers are where the prices to buy at, the used Buy Box and the Buy Box's seller come from, so an analysis
# fetches a page of them by default; 0 asks for none (1 token a product instead of 6, and no price to buy at).
Offers = Annotated[int, Field(ge=0, le=100, description="live offers to fetch per product: 0 for none (1 token), "
                                                    "else 20-100 (6 tokens per 10 offers)"),
                   AfterValidator(_offer_count)]
