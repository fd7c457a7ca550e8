"""How often a generated book sells, and the sales-rank history (csv 3) those sales leave behind.

Weekly sales at Amazon.com sales rank ``r`` follow the power law fitted by Brynjolfsson, Hu & Smith (2003),
"Consumer Surplus in the Digital Economy", Management Science 49(11), equation (9):
``ln(weekly sales) = 10.526 - 0.871 ln(r)`` (rank 4,000: about 27 a week; rank 100,000: about 1.6).

Keepa sees a sale as a drop in the rank it samples, and it samples a book's rank at most every
``MIN_SAMPLE_GAP`` minutes, so a best seller's observed drops saturate at ``MAX_DROPS_PER_DAY``. In the last
365 days (every ``salesRankDrops*`` window) each sale is one drop point followed by one climb point, so the
drops Keepa's stats count are the sales the curve gives; older history is a sparse trend.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from itertools import accumulate, pairwise
from math import exp, log

DAY = 1440
YEAR = 365 * DAY
INTERCEPT = 10.526
SLOPE = 0.871
MIN_SAMPLE_GAP = 120
"""Minutes between two of Keepa's rank samples of one book (at most one observed sale per sample)."""
MAX_DROPS_PER_DAY = DAY / MIN_SAMPLE_GAP
_SPARSE_POINTS = 10
_SEGMENTS = 4


def weekly_sales(rank: float) -> float:
    """Expected copies sold per week at sales rank ``rank`` (the curve above)."""
    return exp(INTERCEPT - SLOPE * log(rank))


def expected_drops(rank: float, days: float) -> float:
    """Rank drops Keepa would count in ``days`` at a steady rank: sales, capped by its sampling rate."""
    return min(weekly_sales(rank) / 7, MAX_DROPS_PER_DAY) * days


def monthly_sold_badge(rank: float) -> int | None:
    """Amazon's "N+ bought in past month" floor for a book at ``rank`` (``None`` under 50 a month)."""
    sold = weekly_sales(rank) * 30 / 7
    if sold < 50:
        return None
    step = 50 if sold < 100 else 100 if sold < 1_000 else 1_000 if sold < 10_000 else 10_000
    return int(sold // step * step)


def level_at(t: int, *, t0: int, t1: int, rank0: float, rank1: float) -> float:
    """The book's typical rank at ``t``: geometric from ``rank0`` at ``t0`` to ``rank1`` at ``t1``."""
    if t <= t0 or t1 <= t0:
        return rank0
    return rank0 * (rank1 / rank0) ** ((min(t, t1) - t0) / (t1 - t0))


def rank_history(rng: random.Random, *, t_track: int, t_end: int, now: int, start_rank: float, year_rank: float,
                 end_rank: int) -> list[int]:
    """csv 3 from ``t_track`` to ``t_end``: ``start_rank`` drifting to ``year_rank`` a year before ``now``, then to
    ``end_rank`` with one drop per sale; the last point is the current rank (at least ``end_rank``)."""
    rnd = rng.random
    out: list[int] = []
    t0 = now - YEAR
    if t0 - t_track < _SPARSE_POINTS * DAY:
        t0 = t_track  # tracked for about a year or less: every point is a sale or a climb
    else:
        step = (t0 - t_track) // _SPARSE_POINTS
        for k in range(_SPARSE_POINTS):
            base = start_rank * (year_rank / start_rank) ** (k / _SPARSE_POINTS)
            value = max(1, int(base * (0.7 + rnd() * 0.6)))
            out += (t_track + k * step, value + 1 if out and out[-1] == value else value)
        t0 -= 1  # the anchor below sits just before the 365-day window: a fall onto it is no sale
    previous = max(1, int(year_rank * (1.0 + rnd() * 0.3)))
    if out and out[-1] == previous:
        previous += 1
    out += (t0, previous)
    # Sales arrive at random (Poisson) at the rate the curve gives for the rank of the moment, which moves from
    # year_rank to end_rank in _SEGMENTS steps; gaps are at least one rank sample apart, the mean kept exact.
    ratio = end_rank / year_rank
    sales: list[int] = []
    levels: list[float] = []
    t = t0
    for k in range(_SEGMENTS):
        bound = t0 + (t_end - MIN_SAMPLE_GAP - t0) * (k + 1) // _SEGMENTS
        level = year_rank * ratio ** ((k + 0.5) / _SEGMENTS)
        extra = max(DAY * 7 / weekly_sales(level) - MIN_SAMPLE_GAP, 0.0)
        found: list[int] = []
        while not found or found[-1] < bound:  # draw gaps in batches of about the expected count
            batch = int((bound - t) / (MIN_SAMPLE_GAP + extra) * 1.2) + 4
            found += accumulate((MIN_SAMPLE_GAP + int(-extra * log(1.0 - rnd())) for _ in range(batch)),
                                initial=found[-1] if found else t)
            del found[-batch - 1]  # the running start, not a sale
        cut = bisect_left(found, bound)
        sales += found[:cut]
        levels += [level] * cut
        t = bound  # the wait for a sale starts afresh in the next segment
    # Each sale is a drop point; halfway to the next sale the rank has climbed back (a climb point).
    low, span = (0.2, 0.3) if end_rank > 100_000 else (0.55, 0.2)
    n = len(sales)
    dense = [0] * max(4 * n - 2, 0)
    dense[0::4] = sales
    dense[1::4] = [int(level * (low + rnd() * span)) for level in levels]
    dense[2::4] = [(a + b) // 2 for a, b in pairwise(sales)]
    dense[3::4] = [int(level * (1.0 + rnd() * 0.3)) for level in levels[:-1]]
    out += dense
    out += (t_end, max(end_rank, out[-1] + 1))
    return out
