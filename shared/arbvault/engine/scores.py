"""Advanced 0-100 scores from price and rank histories (the verdict they feed is ``verdict.py``).

* velocity trend: is the rank improving? Mean of the last 7 ranks against the first 7 (or all) in the window.
* price stability: 1 - coefficient of variation of the NEW price history.
* confidence: how fresh (real data age), complete (price points over 90) and rank-backed the data is.
Every threshold, weight and fallback comes from the rules; scores are floored to whole points.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Final

from arbvault.engine.config_view import AdvancedRules
from arbvault.engine.money import HUNDRED, ZERO, clamp

UNKNOWN_LEVEL: Final = "unknown"
TREND_POINTS: Final = 7  # points averaged at each end of the rank series
COMPLETE_PRICE_POINTS: Final = Decimal(90)  # about one point a day over Keepa's default 90-day stats
STALE_DECAY_DAYS: Final = Decimal(30)  # freshness falls to 0 this many days past the freshness limit
NO_BSR_AVAILABILITY: Final = Decimal("0.3")  # a price history without ranks is still worth something
SECONDS_PER_DAY: Final = Decimal(86400)
_ONE: Final = Decimal(1)
_HALF: Final = Decimal("0.5")


@dataclass
class Score:
    """A 0-100 score, its level name, and whether there was enough data to compute it.

    Read-only (not frozen: see ``analyze.Analysis``).
    """

    score: int
    level: str
    sufficient_data: bool


def _floor_points(raw: Decimal) -> int:
    """Whole points of a 0-1 fraction, floored (0.39 -> 39 exactly: Decimal has no binary rounding error)."""
    return int((clamp(raw, ZERO, _ONE) * HUNDRED).to_integral_value(ROUND_FLOOR))


def _fallback(score: Decimal) -> Score:
    return Score(int(score), UNKNOWN_LEVEL, False)


def _mean(values: Sequence[int | Decimal]) -> Decimal:
    """``statistics.mean`` as a Decimal. Whole numbers (Keepa's ranks) skip its Fraction arithmetic, which made the
    trend a quarter of the engine's time: the exact sum over the count, correctly rounded, is the same Decimal.

    Whole numbers are told by their sum: only ints (bools and other int subclasses included) sum to an int.
    """
    total = sum(values)
    if type(total) is int:
        return Decimal(total) / len(values)
    return statistics.mean(Decimal(value) for value in values)


def velocity_trend(bsr_history: Sequence[tuple[datetime, int]], *, now: datetime, rules: AdvancedRules) -> Score:
    """Rank trend over the rules' window: 50 when flat, 75 when the rank halved, 0 when it doubled or worse.

    Fewer than ``min_data_points`` positive ranks in the window give the fallback score, level "unknown".
    """
    since = now - rules.velocity_window
    points = [point for point in bsr_history if point[1] > 0 and point[0] >= since]
    if not points or len(points) < rules.velocity_min_points:
        return _fallback(rules.velocity_fallback)
    # Keepa's histories come oldest first, so this sort is one pass of tuple comparisons in C: cheaper than any
    # "already sorted?" check written here, and it keeps other callers' histories (user-supplied) right.
    points.sort()
    ranks = [rank for _, rank in points]
    recent = _mean(ranks[-TREND_POINTS:])
    older = _mean(ranks[:TREND_POINTS] if len(ranks) >= 2 * TREND_POINTS else ranks)
    improvement = (older - recent) / older
    score = _floor_points(_HALF + _HALF * improvement)
    return Score(score, rules.velocity_levels.level(score), True)


def price_volatility(prices: Sequence[Decimal]) -> Decimal:
    """Coefficient of variation (sample stdev / mean) of ``prices``; 0 for fewer than 2 prices or a zero mean."""
    if len(prices) < 2:
        return ZERO
    mean = statistics.mean(prices)
    if mean == 0:
        return ZERO
    return abs(statistics.stdev(prices) / mean)


def price_stability(price_history: Sequence[tuple[datetime, Decimal]] | Sequence[Decimal], *,
                    rules: AdvancedRules) -> Score:
    """100 x (1 - min(CV, 1)) over the positive prices; fallback (level "unknown") below ``min_price_points``."""
    values = [p[1] if isinstance(p, tuple) else p for p in price_history]
    prices = [price for price in values if price > 0]
    if not prices or len(prices) < rules.stability_min_points:
        return _fallback(rules.stability_fallback)
    score = _floor_points(1 - min(price_volatility(prices), _ONE))
    return Score(score, rules.stability_levels.level(score), True)


def data_age_days(last_update: datetime | None, now: datetime) -> Decimal | None:
    """Days between Keepa's last update of the product and ``now`` (never negative); None when unknown."""
    if last_update is None:
        return None
    seconds = Decimal(str((now - last_update).total_seconds()))
    return max(ZERO, seconds / SECONDS_PER_DAY)


def confidence(*, age_days: Decimal | None, price_points: int, has_bsr: bool, rules: AdvancedRules) -> Score:
    """Weighted freshness, completeness and rank availability.

    Freshness is 1 up to ``data_freshness_days`` old, then falls linearly to 0 over 30 more days; an unknown
    age counts as stale. Completeness is positive price points / 90 (capped at 1).
    """
    if age_days is None:
        freshness = ZERO
    elif age_days <= rules.freshness_days:
        freshness = _ONE
    else:
        freshness = max(ZERO, 1 - (age_days - rules.freshness_days) / STALE_DECAY_DAYS)
    completeness = min(Decimal(price_points) / COMPLETE_PRICE_POINTS, _ONE)
    availability = _ONE if has_bsr else NO_BSR_AVAILABILITY
    raw = (rules.weight_freshness * freshness + rules.weight_completeness * completeness
           + rules.weight_bsr * availability)
    score = _floor_points(raw)
    return Score(score, rules.confidence_levels.level(score), True)
