"""How a category scores as a niche: five factors on 1-10 points, weighted into a 1-10 niche score.

Competition (average sellers) 30 %, profitability (margin percent) 25 %, price stability 20 %, market size
(average sales rank against the wanted range) 15 %, viability (share of viable products) 10 %. A missing input
(no product of the sample has a seller count, or a price history long enough for a stability) is ``None``: it
is listed in ``missing_inputs``, its factor is left out of the weighted mean, and it lowers the confidence one
level.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from arbvault.engine.money import round_half_up

Confidence = Literal["HIGH", "MEDIUM", "LOW"]
SampleQuality = Literal["EXCELLENT", "GOOD", "FAIR", "POOR", "VERY_POOR"]
CompetitionLevel = Literal["LOW", "MEDIUM", "HIGH"]
AnalysisQuality = Literal["EXCELLENT", "GOOD", "FAIR", "POOR", "NO_DATA"]
MissingInput = Literal["seller_count", "price_stability"]

MIN_NICHE_SCORE: Final = 4.0
"""Categories scoring below this are not reported as niches."""

_COMPETITION: Final = ((1, 10), (2, 9), (3, 8), (4, 6), (5, 4), (7, 2))
_PROFITABILITY: Final = ((50, 10), (40, 9), (35, 8), (30, 7), (25, 5), (20, 3), (15, 2))
_STABILITY: Final = ((0.95, 10), (0.90, 9), (0.85, 8), (0.80, 7), (0.75, 6), (0.70, 4), (0.60, 2))
_VIABILITY: Final = ((0.8, 10), (0.7, 9), (0.6, 8), (0.5, 7), (0.4, 6), (0.3, 4), (0.2, 2))


def competition_points(avg_sellers: float) -> float:
    """Fewer sellers, more points: at most 1 seller 10, more than 7 sellers 1."""
    return float(next((points for limit, points in _COMPETITION if avg_sellers <= limit), 1))


def profitability_points(margin_pct: float) -> float:
    return float(next((points for floor, points in _PROFITABILITY if margin_pct >= floor), 1))


def stability_points(stability: float) -> float:
    return float(next((points for floor, points in _STABILITY if stability >= floor), 1))


def market_size_points(avg_bsr: float, bsr_min: int, bsr_max: int) -> float:
    """10 at the middle of the range, down to 6 at its bounds; below it 4 or 2, above it 3 or 1."""
    if avg_bsr < bsr_min:
        return 4.0 if avg_bsr > bsr_min / 2 else 2.0
    if avg_bsr > bsr_max:
        return 3.0 if avg_bsr < 2 * bsr_max else 1.0
    middle, half_width = (bsr_min + bsr_max) / 2, (bsr_max - bsr_min) / 2
    return max(6.0, 10 - 4 * abs(avg_bsr - middle) / half_width) if half_width else 10.0


def viability_points(viable: int, total: int) -> float:
    if total == 0:
        return 0.0
    share = viable / total
    return float(next((points for floor, points in _VIABILITY if share >= floor), 1))


@dataclass(frozen=True, slots=True)
class CategoryMetrics:
    """Means over a category's analysed sample, and how many of its products are viable; the mean sellers and
    stability are ``None`` when no product has them."""

    avg_sellers: float | None
    avg_bsr: float
    avg_price: float
    price_stability: float | None
    profit_margin: float
    total_products: int
    viable_products: int

    @property
    def competition_level(self) -> CompetitionLevel | None:
        if self.avg_sellers is None:
            return None
        if self.avg_sellers <= 2.5:
            return "LOW"
        return "MEDIUM" if self.avg_sellers <= 5 else "HIGH"

    @property
    def missing_inputs(self) -> tuple[MissingInput, ...]:
        """The inputs no product of the sample had, in factor order."""
        present: dict[MissingInput, bool] = {"seller_count": self.avg_sellers is not None,
                                             "price_stability": self.price_stability is not None}
        return tuple(name for name, known in present.items() if not known)


def niche_score(metrics: CategoryMetrics, bsr_min: int, bsr_max: int) -> float:
    """The weighted mean of the factors known (a missing input's factor is left out), 1-10, one decimal."""
    weighted = [(Decimal("0.25"), profitability_points(metrics.profit_margin)),
                (Decimal("0.15"), market_size_points(metrics.avg_bsr, bsr_min, bsr_max)),
                (Decimal("0.10"), viability_points(metrics.viable_products, metrics.total_products))]
    if metrics.avg_sellers is not None:
        weighted.append((Decimal("0.30"), competition_points(metrics.avg_sellers)))
    if metrics.price_stability is not None:
        weighted.append((Decimal("0.20"), stability_points(metrics.price_stability)))
    total = sum((weight * Decimal(str(points)) for weight, points in weighted), Decimal(0))
    # In decimal, so a score of exactly x.x5 rounds up whatever its binary form.
    return float(round_half_up(total / sum((weight for weight, _ in weighted), Decimal(0)), 1))


_CONFIDENCE_LEVELS: Final[tuple[Confidence, ...]] = ("LOW", "MEDIUM", "HIGH")


def confidence(sample_size: int, *, missing_inputs: int = 0) -> Confidence:
    """By sample size (50 up HIGH, 20 up MEDIUM, else LOW), one level lower per missing input (LOW at least)."""
    level = 2 if sample_size >= 50 else 1 if sample_size >= 20 else 0
    return _CONFIDENCE_LEVELS[max(0, level - missing_inputs)]


def sample_quality(score: float, sample_size: int) -> SampleQuality:
    if score >= 8 and sample_size >= 30:
        return "EXCELLENT"
    if score >= 7 and sample_size >= 20:
        return "GOOD"
    if score >= 6:
        return "FAIR"
    return "POOR" if score >= 4 else "VERY_POOR"


def analysis_quality(scores: list[float], categories_analysed: int) -> AnalysisQuality:
    """How trustworthy a whole analysis is, from its niches' scores."""
    if categories_analysed == 0:
        return "NO_DATA"
    average = sum(scores) / len(scores) if scores else 0.0
    if average >= 7 and len(scores) >= 5:
        return "EXCELLENT"
    if average >= 6 and len(scores) >= 3:
        return "GOOD"
    return "FAIR" if average >= 5 else "POOR"
