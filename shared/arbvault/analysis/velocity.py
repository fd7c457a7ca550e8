"""The one velocity scale, 0-100: how fast a product sells, from its sales rank and, when known, rank drops.

Base: the sales rank r against the category's benchmark B (books 100 000, from the rules), piecewise linear:

    r <= B        fast    100 - 30 r / B                     (100 .. 70)
    B < r <= 5B   medium   70 - 40 (r - B) / 4B               ( 70 .. 30)
    r > 5B        slow     30 - min(30, 30 (r - 5B) / 10B)    ( 30 ..  0)

With B = 100 000 this is the original BSR-linear mapping (50 000 -> 85, 100 000 -> 70, 300 000 -> 50,
1 000 000 -> 15). Rank is the one signal Keepa nearly always has, and the same rank means different sales in
different categories, so the bands scale with the category benchmark rather than being fixed ranks.

Each band also models daily sales: fast 10 - 9 r / B (10 .. 1), medium 1 - 0.9 (r - B) / 4B (1 .. 0.1),
slow 0.5 B / r. Refinement: rank drops are sales Keepa saw over 30/90/180 days. Their daily rate is mapped
through the inverse of that sales model onto the same scale, and the score is the mean of the rank score and
the drops score. Why both, equally: a rank is a snapshot (one sale can spike it) while drops miss sales
that land between Keepa's samples, so each errs in its own direction. Without drops the score is the rank
score alone; without a rank it is the drops score alone; with neither it is 0, band "unknown".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from arbvault.analysis.categories import cached_first_rules_key
from arbvault.analysis.config_view import VelocityRules
from arbvault.analysis.money import HUNDRED, ZERO, clamp, round_half_up

RankBand = Literal["fast", "medium", "slow", "unknown"]
VelocityTier = Literal["fast", "medium", "slow", "very_slow", "unknown"]
SalesSource = Literal["rank_drops", "sales_rank", "none"]

MEDIUM_LIMIT: Final = Decimal(5)  # the medium band ends at 5 benchmarks
SLOW_SPAN: Final = Decimal(10)  # the slow band reaches 0 ten benchmarks further on
DROPS_WEIGHT: Final = Decimal("0.5")
DROP_WINDOWS: Final = (30, 90, 180)
DAYS_PER_MONTH: Final = Decimal(30)
# The sales model's constants, built once rather than parsed from text per product.
_MEDIUM_END_SALES: Final = Decimal("0.1")  # daily sales where the medium band ends
_MEDIUM_SALES_SPAN: Final = Decimal("0.9")  # 1 - 0.1: the medium band's fall in daily sales
_SLOW_SCORE_FACTOR: Final = Decimal("1.5")


@dataclass
class Velocity:
    """A product's place on the velocity scale and the sales rate behind it (scores 1 dp, sales 2 dp).

    Read-only (not frozen: see ``analyze.Analysis``).
    """

    score: Decimal
    rank_score: Decimal | None
    drops_score: Decimal | None
    rank_band: RankBand
    benchmark: Decimal
    est_daily_sales: Decimal
    est_monthly_sales: Decimal
    sales_source: SalesSource


def benchmark_for(rules: VelocityRules, category_names: Iterable[str | None]) -> Decimal:
    """The BSR benchmark of a product's category (root first, then leaf), else the default one."""
    return rules.benchmarks[cached_first_rules_key(tuple(category_names), rules.benchmark_keys)]


def rank_score(rank: Decimal, benchmark: Decimal) -> tuple[Decimal, RankBand]:
    """Score (unrounded) and band of a positive sales rank."""
    if rank <= benchmark:
        return 100 - 30 * rank / benchmark, "fast"
    if rank <= MEDIUM_LIMIT * benchmark:
        return 70 - 40 * (rank - benchmark) / ((MEDIUM_LIMIT - 1) * benchmark), "medium"
    excess = 30 * (rank - MEDIUM_LIMIT * benchmark) / (SLOW_SPAN * benchmark)
    return 30 - min(Decimal(30), excess), "slow"


def modelled_daily_sales(rank: Decimal, benchmark: Decimal) -> Decimal:
    """Daily sales the scale assumes at a positive sales rank."""
    if rank <= benchmark:
        return 10 - 9 * rank / benchmark
    if rank <= MEDIUM_LIMIT * benchmark:
        return 1 - _MEDIUM_SALES_SPAN * (rank - benchmark) / ((MEDIUM_LIMIT - 1) * benchmark)
    return _MEDIUM_END_SALES * MEDIUM_LIMIT * benchmark / rank


def sales_score(daily_sales: Decimal) -> Decimal:
    """Score of an observed daily sales rate: the inverse of ``modelled_daily_sales`` composed with ``rank_score``."""
    if daily_sales >= 10:
        return HUNDRED
    if daily_sales >= 1:
        return 100 - 30 * (10 - daily_sales) / 9
    if daily_sales >= _MEDIUM_END_SALES:
        return 70 - 40 * (1 - daily_sales) / _MEDIUM_SALES_SPAN
    if daily_sales <= 0:
        return ZERO
    return max(ZERO, 45 - _SLOW_SCORE_FACTOR / daily_sales)


def observed_daily_sales(drops30: int | None, drops90: int | None, drops180: int | None) -> Decimal | None:
    """Daily sales from the shortest window whose rank-drop count is known (the most recent evidence)."""
    for days, drops in zip(DROP_WINDOWS, (drops30, drops90, drops180), strict=True):
        if drops is not None and drops >= 0:
            return Decimal(drops) / days
    return None


def velocity_score(bsr: int | None, *, benchmark: Decimal, drops30: int | None = None, drops90: int | None = None,
                   drops180: int | None = None) -> Velocity:
    """Place a product on the velocity scale from its sales rank and rank drops (see the module docstring)."""
    rank = Decimal(bsr) if bsr is not None and bsr > 0 else None
    observed = observed_daily_sales(drops30, drops90, drops180)
    r_score: Decimal | None = None
    band: RankBand = "unknown"
    if rank is not None:
        r_score, band = rank_score(rank, benchmark)
    d_score = sales_score(observed) if observed is not None else None
    if r_score is not None and d_score is not None:
        score = (1 - DROPS_WEIGHT) * r_score + DROPS_WEIGHT * d_score
    else:
        score = r_score if r_score is not None else d_score if d_score is not None else ZERO
    source: SalesSource
    if observed is not None:
        daily, source = observed, "rank_drops"
    elif rank is not None:
        daily, source = modelled_daily_sales(rank, benchmark), "sales_rank"
    else:
        daily, source = ZERO, "none"
    return Velocity(  # fields in order (see analyze.Analysis on positional construction)
        round_half_up(clamp(score), 1),
        round_half_up(r_score, 1) if r_score is not None else None,
        round_half_up(d_score, 1) if d_score is not None else None,
        band,
        benchmark,
        round_half_up(daily, 2),
        round_half_up(daily * DAYS_PER_MONTH, 1),
        source,
    )


def velocity_tier(velocity: Velocity | Decimal, rules: VelocityRules) -> VelocityTier:
    """Tier of a velocity score against the rules' fast / medium / slow thresholds."""
    if isinstance(velocity, Velocity):
        if velocity.sales_source == "none":
            return "unknown"
        score = velocity.score
    else:
        score = velocity
    if score >= rules.fast:
        return "fast"
    if score >= rules.medium:
        return "medium"
    return "slow" if score >= rules.slow else "very_slow"
