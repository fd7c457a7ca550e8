"""A run's discovery and scoring configs as stored on profiles and runs (JSON), and what they turn into."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from arbvault.autosourcing.rating import Minima, Rating
from arbvault.discovery.filters import CANDIDATE_WINDOW, DiscoveryFilters
from arbvault.jobs.params import JobParams


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class DiscoverySpec:
    """Where candidates come from: marketplace, category, sales-rank and price ranges, how many to analyse."""

    domain_id: int = 1
    category_id: int | None = None
    bsr_min: int | None = None
    bsr_max: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    max_results: int = 50

    def filters(self) -> DiscoveryFilters:
        return DiscoveryFilters(domain_id=self.domain_id, category=self.category_id, bsr_min=self.bsr_min,
                                bsr_max=self.bsr_max, price_min=self.price_min, price_max=self.price_max)

    def as_dict(self) -> dict[str, Any]:
        return {"domain_id": self.domain_id, "category_id": self.category_id, "bsr_min": self.bsr_min,
                "bsr_max": self.bsr_max, "price_min": _text(self.price_min), "price_max": _text(self.price_max),
                "max_results": self.max_results}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> DiscoverySpec:
        return cls(domain_id=int(raw.get("domain_id", 1)), category_id=raw.get("category_id"),
                   bsr_min=raw.get("bsr_min"), bsr_max=raw.get("bsr_max"),
                   price_min=_decimal(raw.get("price_min")), price_max=_decimal(raw.get("price_max")),
                   max_results=min(int(raw.get("max_results", 50)), CANDIDATE_WINDOW))


@dataclass(frozen=True, slots=True)
class ScoringSpec:
    """What a product must reach to be picked, how many picks to keep, and how products are priced."""

    roi_min: Decimal = Decimal(30)
    velocity_min: Decimal = Decimal(70)
    stability_min: Decimal = Decimal(70)
    confidence_min: Decimal = Decimal(70)
    rating_required: Rating = "GOOD"
    max_results: int = 20
    buy_price: Decimal | None = None
    strategy: str | None = None

    def minima(self) -> Minima:
        return Minima(roi_min=self.roi_min, velocity_min=self.velocity_min, stability_min=self.stability_min,
                      confidence_min=self.confidence_min, rating_required=self.rating_required)

    def job_params(self, domain_id: int, *, offers: int | None) -> JobParams:
        """How the run's chunks are analysed: the engine with this buy price or strategy (else the rules'),
        each product looked up with ``offers`` live offers (``arbvault.autosourcing.offers``)."""
        return JobParams(domain_id=domain_id, strategy=self.strategy, buy_price=self.buy_price, offers=offers)

    def as_dict(self) -> dict[str, Any]:
        return {"roi_min": str(self.roi_min), "velocity_min": str(self.velocity_min),
                "stability_min": str(self.stability_min), "confidence_min": str(self.confidence_min),
                "rating_required": self.rating_required, "max_results": self.max_results,
                "buy_price": _text(self.buy_price), "strategy": self.strategy}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ScoringSpec:
        defaults = cls()
        return cls(
            roi_min=_decimal(raw.get("roi_min", defaults.roi_min)) or Decimal(0),
            velocity_min=_decimal(raw.get("velocity_min", defaults.velocity_min)) or Decimal(0),
            stability_min=_decimal(raw.get("stability_min", defaults.stability_min)) or Decimal(0),
            confidence_min=_decimal(raw.get("confidence_min", defaults.confidence_min)) or Decimal(0),
            rating_required=cast(Rating, raw.get("rating_required", defaults.rating_required)),
            max_results=int(raw.get("max_results", defaults.max_results)),
            buy_price=_decimal(raw.get("buy_price")), strategy=raw.get("strategy"))
