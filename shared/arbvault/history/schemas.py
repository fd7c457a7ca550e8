"""Response shapes of the asin-history routes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from arbvault.history.trends import Trend, TrendSource, bsr_summary, price_summary, seller_summary
from arbvault.history.watchlist import WatchAdded
from arbvault.models.asin_history import AsinHistoryPoint
from arbvault.web.schema_types import DecimalNumber


class WatchOut(BaseModel):
    """A product an API key has the tracker record daily."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    asin: str
    domain_id: int
    title: str | None
    owner_key_id: str = Field(description="the API key that watches it")
    created_at: datetime


class WatchCreatedOut(WatchOut):
    tokens_used: int = Field(description="the product lookup that checked the ASIN (0 from a fresh snapshot)")

    @classmethod
    def of(cls, added: WatchAdded) -> WatchCreatedOut:
        return cls.model_validate({**WatchOut.model_validate(added.watch).model_dump(),
                                   "tokens_used": added.tokens_used})


class PointOut(BaseModel):
    """One tracked day of a product."""

    id: uuid.UUID
    asin: str
    domain_id: int
    tracked_on: date = Field(description="the day (UTC) the point stands for")
    tracked_at: datetime = Field(description="when the tracker recorded it")
    observed_at: datetime = Field(description="when Keepa reported the data")
    price: DecimalNumber | None = Field(description="lowest new price, dollars")
    lowest_fba_price: DecimalNumber | None = Field(description="lowest new FBA price, when Keepa reported one")
    bsr: int | None
    seller_count: int | None = Field(description="new offers")
    fba_seller_count: int | None
    amazon_on_listing: bool | None
    metadata: dict[str, Any]

    @classmethod
    def of(cls, point: AsinHistoryPoint) -> PointOut:
        return cls(id=point.id, asin=point.asin, domain_id=point.domain_id, tracked_on=point.tracked_on,
                   tracked_at=point.tracked_at, observed_at=point.observed_at, price=point.price,
                   lowest_fba_price=point.lowest_fba_price, bsr=point.bsr, seller_count=point.seller_count,
                   fba_seller_count=point.fba_seller_count, amazon_on_listing=point.amazon_on_listing,
                   metadata=point.extra_data or {})


class DateRange(BaseModel):
    start: date
    end: date


class BsrSummary(BaseModel):
    current: int
    earliest: int
    lowest_rank: int = Field(description="the best rank of the window")
    highest_rank: int = Field(description="the worst rank of the window")
    direction: Literal["IMPROVING", "DECLINING", "STABLE"] = Field(description="IMPROVING when the rank fell")
    change: int = Field(description="current minus earliest (negative: better)")


class PriceSummary(BaseModel):
    current: DecimalNumber
    average: DecimalNumber
    min: DecimalNumber
    max: DecimalNumber
    volatility: DecimalNumber = Field(description="max minus min")


class SellerSummary(BaseModel):
    current: int
    average: int
    min: int
    max: int
    direction: Literal["DECREASING", "INCREASING", "STABLE"]


class TrendOut(BaseModel):
    """A product's lowest new price, sales rank and new offers over the window, one value per day."""

    asin: str
    domain_id: int
    days: int = Field(description="the window asked for, ending today (UTC)")
    source: TrendSource = Field(
        description="RECORDS: tracked daily points (tracking covers the window); KEEPA_CSV: Keepa's history, "
                    "the value holding at each day's end")
    data_points: int = Field(description="days with any value")
    date_range: DateRange
    bsr_summary: BsrSummary | None
    price_summary: PriceSummary | None
    seller_summary: SellerSummary | None
    tokens_used: int

    @classmethod
    def of(cls, result: Trend, *, days: int) -> TrendOut:
        values = result.days
        return cls(asin=result.asin, domain_id=result.domain_id, days=days, source=result.source,
                   data_points=len(values), date_range=DateRange(start=values[0].day, end=values[-1].day),
                   bsr_summary=_model(BsrSummary, bsr_summary(values)),
                   price_summary=_model(PriceSummary, price_summary(values)),
                   seller_summary=_model(SellerSummary, seller_summary(values)), tokens_used=result.tokens_used)


def _model(model: type[BaseModel], values: dict[str, Any] | None) -> Any:
    return None if values is None else model.model_validate(values)

