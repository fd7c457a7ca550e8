"""The one velocity scale, 0-100: how fast a product sells, from its sales rank and, when known, rank drops.

Sales model: weekly sales fall as a power of the sales rank r, in the log-linear form Chevalier & Goolsbee
introduced for Amazon books, with Brynjolfsson, Hu & Smith's (2003) fit ln(weekly sales) = 10.526 - 0.871 ln r.
The curve is anchored at the category's rank benchmark B (books 100 000, from the rules), where that fit sells
0.2351 copies a day, so for books it is the published curve itself and other categories shift it by their
benchmark:

    daily sales = 0.2351 x (r / B) ^ -0.871

For books that is about 5 300 a day at rank 1, 3.9 at rank 4 000, 0.43 at 50 000, 0.24 at 100 000 and 0.032
(one a month) at 1 000 000. The offline Keepa generates rank drops (Keepa's count of sales) from the same fit,
so a book's drops and its rank agree.

Scale: the rank r against the benchmark B, piecewise linear:

    r <= B        100 - 30 r / B                     (100 .. 70)
    B < r <= 5B    70 - 40 (r - B) / 4B               ( 70 .. 30)
    r > 5B         30 - min(30, 30 (r - 5B) / 10B)    ( 30 ..  0)

With B = 100 000: 50 000 -> 85, 100 000 -> 70, 300 000 -> 50, 1 000 000 -> 15. The same rank means different
sales in different categories, so the scale follows the category benchmark rather than fixed ranks.

Rank drops are sales Keepa saw over 30/90/180 days. Their daily rate goes through the inverse of the sales
model to the rank that sells that much, and that rank onto the scale; the score is the mean of the rank score
and the drops score. Why both, equally: a rank is a snapshot (one sale can spike it) while drops miss sales
that land between Keepa's samples, so each errs in its own direction. Without drops the score is the rank
score alone; without a rank it is the drops score alone; with neither it is 0. Every label comes from the
rules' one velocity table (``VelocityRules.tier``): the tier is that of the score, the rank band that of the
rank score alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from arbvault.engine.categories import cached_first_rules_key
from arbvault.engine.config_view import TierName, VelocityRules
from arbvault.engine.money import ZERO, clamp, round_half_up

VelocityTier = TierName | Literal["unknown"]  # a tier, or "unknown" without the data to place the product
SalesSource = Literal["rank_drops", "sales_rank", "none"]

MEDIUM_LIMIT: Final = Decimal(5)  # the scale's middle segment ends at 5 benchmarks
SLOW_SPAN: Final = Decimal(10)  # the last segment reaches 0 ten benchmarks further on
DROPS_WEIGHT: Final = Decimal("0.5")
DROP_WINDOWS: Final = (30, 90, 180)
DAYS_PER_MONTH: Final = Decimal(30)
SALES_EXPONENT: Final = 0.871  # b of ln Q = a - b ln r for books
# The fit's daily sales at rank 100 000 (the books benchmark): exp(10.526 - 0.871 ln 100 000) / 7.
DAILY_SALES_AT_BENCHMARK: Final = math.exp(10.526 - SALES_EXPONENT * math.log(100_000)) / 7
# The power law runs in binary floating point: Decimal's ** costs 60 us a call, and the results leave rounded
# to 2 places (sales) or 1 place (scores), far above a float's error.


@dataclass
class Velocity:
    """A product's place on the velocity scale and the sales rate behind it (scores 1 dp, sales 2 dp).

    Read-only (not frozen: see ``analyze.Analysis``).
    """

    score: Decimal
    rank_score: Decimal | None
    drops_score: Decimal | None
    rank_band: VelocityTier
    benchmark: Decimal
    est_daily_sales: Decimal
    est_monthly_sales: Decimal
    sales_source: SalesSource


def benchmark_for(rules: VelocityRules, category_names: Iterable[str | None]) -> Decimal:
    """The BSR benchmark of a product's category (root first, then leaf), else the default one."""
    return rules.benchmarks[cached_first_rules_key(tuple(category_names), rules.benchmark_keys)]


def rank_score(rank: Decimal, benchmark: Decimal) -> Decimal:
    """Score (unrounded) of a positive sales rank on the scale."""
    if rank <= benchmark:
        return 100 - 30 * rank / benchmark
    if rank <= MEDIUM_LIMIT * benchmark:
        return 70 - 40 * (rank - benchmark) / ((MEDIUM_LIMIT - 1) * benchmark)
    excess = 30 * (rank - MEDIUM_LIMIT * benchmark) / (SLOW_SPAN * benchmark)
    return 30 - min(Decimal(30), excess)


def rank_at_score(score: Decimal, benchmark: Decimal) -> Decimal:
    """The sales rank that ``rank_score`` places at ``score`` (0 to 100): its inverse (15 benchmarks at 0)."""
    if score >= 70:
        return (100 - score) * benchmark / 30
    if score >= 30:
        return benchmark + (70 - score) * (MEDIUM_LIMIT - 1) * benchmark / 40
    return MEDIUM_LIMIT * benchmark + (30 - score) * SLOW_SPAN * benchmark / 30


def modelled_daily_sales(rank: Decimal, benchmark: Decimal) -> Decimal:
    """Daily sales the sales model gives a positive sales rank."""
    return Decimal(DAILY_SALES_AT_BENCHMARK * math.pow(float(rank / benchmark), -SALES_EXPONENT))


def rank_selling(daily_sales: Decimal, benchmark: Decimal) -> Decimal:
    """The sales rank at which the sales model sells ``daily_sales`` (> 0) a day: its inverse."""
    return benchmark * Decimal(math.pow(float(daily_sales) / DAILY_SALES_AT_BENCHMARK, -1 / SALES_EXPONENT))


def sales_score(daily_sales: Decimal, benchmark: Decimal) -> Decimal:
    """Score of an observed daily sales rate: the score of the rank that sells that much; 0 for no sales."""
    return rank_score(rank_selling(daily_sales, benchmark), benchmark) if daily_sales > 0 else ZERO


def observed_daily_sales(drops30: int | None, drops90: int | None, drops180: int | None) -> Decimal | None:
    """Daily sales from the shortest window whose rank-drop count is known (the most recent evidence)."""
    for days, drops in zip(DROP_WINDOWS, (drops30, drops90, drops180), strict=True):
        if drops is not None and drops >= 0:
            return Decimal(drops) / days
    return None


def velocity_score(bsr: int | None, *, rules: VelocityRules, benchmark: Decimal, drops30: int | None = None,
                   drops90: int | None = None, drops180: int | None = None) -> Velocity:
    """Place a product on the velocity scale from its sales rank and rank drops (see the module docstring)."""
    rank = Decimal(bsr) if bsr is not None and bsr > 0 else None
    observed = observed_daily_sales(drops30, drops90, drops180)
    r_score = rank_score(rank, benchmark) if rank is not None else None
    d_score = sales_score(observed, benchmark) if observed is not None else None
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
    rounded_rank_score = round_half_up(r_score, 1) if r_score is not None else None
    return Velocity(
        score=round_half_up(clamp(score), 1),
        rank_score=rounded_rank_score,
        drops_score=round_half_up(d_score, 1) if d_score is not None else None,
        rank_band=rules.tier(rounded_rank_score) if rounded_rank_score is not None else "unknown",
        benchmark=benchmark,
        est_daily_sales=round_half_up(daily, 2),
        est_monthly_sales=round_half_up(daily * DAYS_PER_MONTH, 1),
        sales_source=source,
    )


def velocity_tier(velocity: Velocity | Decimal, rules: VelocityRules) -> VelocityTier:
    """Tier of a velocity (or a bare score) in the rules' velocity table; "unknown" with neither rank nor drops."""
    if isinstance(velocity, Velocity):
        if velocity.sales_source == "none":
            return "unknown"
        return rules.tier(velocity.score)
    return rules.tier(velocity)


def very_slow_rank(rules: VelocityRules, benchmark: Decimal) -> Decimal:
    """The sales rank past which the rank alone puts a product in the table's lowest tier (very slow)."""
    return rank_at_score(rules.slow, benchmark)
