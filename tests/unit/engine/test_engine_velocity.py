"""The one velocity scale: the rank scale, the power-law sales model behind it, drops, and the one tier table."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from arbvault.engine.config_view import EngineConfig
from arbvault.engine.velocity import (
    benchmark_for,
    modelled_daily_sales,
    rank_at_score,
    rank_score,
    rank_selling,
    sales_score,
    velocity_score,
    velocity_tier,
    very_slow_rank,
)

D = Decimal
BOOKS = D(100_000)


def _power_law_daily_sales(rank: float) -> float:
    """The published fit written out independently: ln(weekly sales) = 10.526 - 0.871 ln r, over 7 days."""
    return math.exp(10.526 - 0.871 * math.log(rank)) / 7


@pytest.mark.parametrize(
    ("bsr", "score", "band"),
    [(50_000, "85.0", "fast"), (100_000, "70.0", "medium"), (300_000, "50.0", "slow"),
     (1_000_000, "15.0", "very_slow")],
)
def test_reference_check_30_bsr_linear_without_drops(rules: EngineConfig, bsr: int, score: str, band: str) -> None:
    v = velocity_score(bsr, rules=rules.velocity, benchmark=BOOKS)
    assert (v.score, v.rank_band, v.sales_source) == (D(score), band, "sales_rank")
    assert v.drops_score is None


@pytest.mark.parametrize(("bsr", "daily"), [(1, "5324.58"), (3_991, "3.89"), (50_000, "0.43"), (100_000, "0.24"),
                                            (1_000_000, "0.03"), (9_000_000, "0.00")])
def test_modelled_sales_follow_the_power_law(rules: EngineConfig, bsr: int, daily: str) -> None:
    v = velocity_score(bsr, rules=rules.velocity, benchmark=BOOKS)
    assert v.est_daily_sales == D(daily)
    assert math.isclose(float(modelled_daily_sales(D(bsr), BOOKS)), _power_law_daily_sales(bsr), rel_tol=1e-12)


def test_a_rank_4000_book_sells_several_copies_a_day() -> None:
    assert D(3) < modelled_daily_sales(D(4_000), BOOKS) < D(6)
    # Each tenfold rise in rank divides sales by 10 ** 0.871 (7.4).
    ratio = modelled_daily_sales(D(4_000), BOOKS) / modelled_daily_sales(D(40_000), BOOKS)
    assert abs(ratio - D(10 ** 0.871)) < D("1e-9")


@pytest.mark.parametrize("bsr", [None, 0, -1])
def test_no_rank_and_no_drops_is_unknown(rules: EngineConfig, bsr: int | None) -> None:
    v = velocity_score(bsr, rules=rules.velocity, benchmark=BOOKS)
    assert (v.score, v.rank_band, v.sales_source, v.est_daily_sales) == (D(0), "unknown", "none", D(0))
    assert velocity_tier(v, rules.velocity) == "unknown"


def test_benchmark_scales_the_scale_and_the_sales(rules: EngineConfig) -> None:
    media = velocity_score(50_000, rules=rules.velocity, benchmark=D(50_000))
    assert (media.score, media.rank_band, media.est_daily_sales) == (D("70.0"), "medium", D("0.24"))


def test_benchmark_for_resolves_categories(rules: EngineConfig) -> None:
    assert benchmark_for(rules.velocity, ("Books", "Science Fiction")) == D(100_000)
    assert benchmark_for(rules.velocity, ("CDs & Vinyl",)) == D(50_000)
    assert benchmark_for(rules.velocity, ("Toys & Games",)) == D(150_000)


def test_drops_that_match_the_rank_agree_with_it(rules: EngineConfig) -> None:
    # Rank 3 991 sells 3.89 a day: 117 drops in 30 days say the same, so the two halves agree.
    v = velocity_score(3_991, rules=rules.velocity, benchmark=BOOKS, drops30=117)
    assert (v.rank_score, v.drops_score, v.score, v.rank_band) == (D("98.8"), D("98.8"), D("98.8"), "fast")
    assert (v.sales_source, v.est_daily_sales, v.est_monthly_sales) == ("rank_drops", D("3.90"), D("117.0"))


def test_drops_refine_the_rank_score_half_and_half(rules: EngineConfig) -> None:
    # 30 drops in 30 days = 1 sale a day, what rank 18 974 sells: 94.3 on the scale; rank 50 000 = 85.
    v = velocity_score(50_000, rules=rules.velocity, benchmark=BOOKS, drops30=30)
    assert (v.rank_score, v.drops_score, v.score) == (D("85.0"), D("94.3"), D("89.7"))
    assert round(rank_selling(D(1), BOOKS)) == 18_974


def test_zero_drops_is_evidence_of_no_sales(rules: EngineConfig) -> None:
    v = velocity_score(50_000, rules=rules.velocity, benchmark=BOOKS, drops30=0)
    assert (v.drops_score, v.score) == (D("0.0"), D("42.5"))


def test_shortest_known_drop_window_wins(rules: EngineConfig) -> None:
    velocity = rules.velocity
    assert velocity_score(50_000, rules=velocity, benchmark=BOOKS, drops90=90).drops_score == D("94.3")
    assert velocity_score(50_000, rules=velocity, benchmark=BOOKS, drops30=300, drops90=90).drops_score == D("99.6")
    assert velocity_score(50_000, rules=velocity, benchmark=BOOKS, drops180=45).drops_score == D("72.0")


def test_drops_alone_score_a_product_without_rank(rules: EngineConfig) -> None:
    v = velocity_score(None, rules=rules.velocity, benchmark=BOOKS, drops30=3)  # 0.1 a day: rank 266 855
    assert (v.score, v.rank_band, v.sales_source) == (D("53.3"), "unknown", "rank_drops")


@pytest.mark.parametrize("bsr", [1, 999, 20_000, 100_000, 100_001, 250_000, 500_000, 500_001, 1_234_567, 1_499_999])
def test_sales_score_inverts_the_sales_model(bsr: int) -> None:
    rank = D(bsr)
    assert abs(sales_score(modelled_daily_sales(rank, BOOKS), BOOKS) - rank_score(rank, BOOKS)) < D("1e-9")


@pytest.mark.parametrize("score", ["100", "85", "70", "50", "30", "15", "0"])
def test_rank_at_score_inverts_the_rank_scale(score: str) -> None:
    assert rank_score(rank_at_score(D(score), BOOKS), BOOKS) == D(score)


@pytest.mark.parametrize(("score", "tier"), [("80", "fast"), ("79.9", "medium"), ("60", "medium"), ("40", "slow"),
                                             ("39.9", "very_slow")])
def test_velocity_tier_uses_config_thresholds(rules: EngineConfig, score: str, tier: str) -> None:
    assert velocity_tier(D(score), rules.velocity) == tier


def test_tier_and_rank_band_come_from_the_one_table(rules_with) -> None:  # type: ignore[no-untyped-def]
    edited = rules_with(lambda doc: doc["velocity"].update(fast_threshold=85)).velocity
    assert velocity_tier(D(82), edited) == "medium"
    v = velocity_score(50_000, rules=edited, benchmark=BOOKS)  # rank score 85: fast under the edited table
    assert (v.rank_band, velocity_tier(v, edited)) == ("fast", "fast")
    v = velocity_score(60_000, rules=edited, benchmark=BOOKS)  # 82
    assert (v.rank_band, velocity_tier(v, edited)) == ("medium", "medium")


def test_very_slow_rank_is_where_the_rank_scale_meets_the_slow_tier(rules_with) -> None:  # type: ignore[no-untyped-def]
    assert very_slow_rank(rules_with(lambda doc: None).velocity, BOOKS) == D(400_000)  # rank score 40
    edited = rules_with(lambda doc: doc["velocity"].update(slow_threshold=30)).velocity
    assert very_slow_rank(edited, BOOKS) == D(500_000)
