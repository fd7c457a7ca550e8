"""The response schema of a stored analysis, for every function that returns one (analyses, batches, keepa).

Its own module, so that returning an analysis loads no listing machinery nor the analyses table.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from arbvault.web.schema_types import DecimalNumber


class AnalysisOut(BaseModel):
    """A stored analysis: the columns lists filter and sort on, and ``metrics``, the full detail it was computed with.

    Validates from an ``Analysis`` row or from the row values an ingest stored.
    """

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    job_id: uuid.UUID | None
    domain_id: int
    identifier: str
    asin: str
    isbn13: str | None
    title: str | None
    category: str | None
    strategy: str
    source: str
    created_by: str
    buy_price: DecimalNumber | None
    buy_price_source: str | None = Field(description="requested, live_offer, or the marketplace price used")
    buy_condition: str | None = Field(description="condition of the copy bought (used: grade unknown)")
    sell_price: DecimalNumber | None
    sell_price_source: str | None = Field(description="the marketplace price sold at (buy_box, buy_box_used, ...)")
    fees: DecimalNumber | None
    net_profit: DecimalNumber | None = Field(validation_alias="profit")
    max_buy_price: DecimalNumber | None
    roi_pct: DecimalNumber | None
    margin_pct: DecimalNumber | None
    velocity_score: DecimalNumber
    stability_score: int
    confidence_score: int
    overall_rating: str
    recommendation: str
    combined_score: DecimalNumber
    bsr: int | None
    offers_count: int | None
    metrics: dict[str, Any]
    created_at: datetime
    updated_at: datetime
