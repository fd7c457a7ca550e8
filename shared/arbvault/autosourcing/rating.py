"""Rating a product against a run's scoring config, the keep rule, and the priority tier of a kept product."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

Rating = Literal["EXCELLENT", "GOOD", "FAIR", "PASS"]
Tier = Literal["HOT", "TOP", "WATCH", "OTHER"]

RATING_RANK: Final[dict[str, int]] = {"PASS": 0, "FAIR": 1, "GOOD": 2, "EXCELLENT": 3}


@dataclass(frozen=True, slots=True)
class Scores:
    """One analysed product's figures the rating and tier read (ROI in percent, scores 0-100, profit in $)."""

    roi_pct: Decimal
    net_profit: Decimal
    velocity: Decimal
    stability: Decimal
    confidence: Decimal


@dataclass(frozen=True, slots=True)
class Minima:
    """What a run's scoring config asks of a product."""

    roi_min: Decimal
    velocity_min: Decimal
    stability_min: Decimal
    confidence_min: Decimal
    rating_required: Rating


def rate(scores: Scores, minima: Minima) -> Rating:
    """EXCELLENT when all four minima are met; GOOD at 80 % of the ROI minimum and 85 % of the others;
    FAIR at 70 % of the ROI minimum; else PASS."""
    others = ((scores.velocity, minima.velocity_min), (scores.stability, minima.stability_min),
              (scores.confidence, minima.confidence_min))
    if scores.roi_pct >= minima.roi_min and all(value >= floor for value, floor in others):
        return "EXCELLENT"
    if scores.roi_pct >= minima.roi_min * Decimal("0.8") and all(
            value >= floor * Decimal("0.85") for value, floor in others):
        return "GOOD"
    if scores.roi_pct >= minima.roi_min * Decimal("0.7"):
        return "FAIR"
    return "PASS"


def meets_criteria(scores: Scores, rating: Rating, minima: Minima) -> bool:
    """Kept when the velocity reaches its minimum (a 0 minimum accepts any), the rating reaches the required
    one and the ROI reaches its minimum."""
    if minima.velocity_min > 0 and scores.velocity < minima.velocity_min:
        return False
    return RATING_RANK[rating] >= RATING_RANK[minima.rating_required] and scores.roi_pct >= minima.roi_min


@dataclass(frozen=True, slots=True)
class _TierFloor:
    tier: Tier
    roi_pct: Decimal
    net_profit: Decimal
    velocity: Decimal
    confidence: Decimal
    ratings: frozenset[str]


_TIERS: Final = (
    _TierFloor("HOT", Decimal(50), Decimal(15), Decimal(80), Decimal(85), frozenset({"EXCELLENT"})),
    _TierFloor("TOP", Decimal(35), Decimal(10), Decimal(70), Decimal(75), frozenset({"EXCELLENT", "GOOD"})),
    _TierFloor("WATCH", Decimal(25), Decimal(5), Decimal(60), Decimal(65), frozenset({"EXCELLENT", "GOOD", "FAIR"})),
)


def tier(scores: Scores, rating: Rating) -> Tier:
    """The first tier whose ROI, profit, velocity, confidence and rating floors the product reaches; else OTHER.
    Only HOT picks are featured."""
    for floor in _TIERS:
        if (scores.roi_pct >= floor.roi_pct and scores.net_profit >= floor.net_profit
                and scores.velocity >= floor.velocity and scores.confidence >= floor.confidence
                and rating in floor.ratings):
            return floor.tier
    return "OTHER"


def summary(rating: Rating, scores: Scores, bsr: int | None) -> str:
    """One line for a pick: rating, ROI to one decimal, sales rank with separators, velocity."""
    rank = f"BSR {bsr:,}" if bsr is not None else "no sales rank"
    return f"{rating}: ROI {scores.roi_pct:.1f}%, {rank}, velocity {scores.velocity:.0f}/100"
