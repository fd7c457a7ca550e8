"""The one velocity scale (spec §4.6 #1 as the base, refined by rank drops)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.analysis import EngineConfig, benchmark_for, velocity_score, velocity_tier
from arbvault.analysis.velocity import modelled_daily_sales, rank_score, sales_score

D = Decimal
BOOKS = D(100_000)


@pytest.mark.parametrize(
    ("bsr", "score", "band"),
    [(50_000, "85.0", "fast"), (100_000, "70.0", "fast"), (300_000, "50.0", "medium"), (1_000_000, "15.0", "slow")],
)
def test_reference_check_30_bsr_linear_without_drops(bsr: int, score: str, band: str) -> None:
    v = velocity_score(bsr, benchmark=BOOKS)
    assert (v.score, v.rank_band, v.sales_source) == (D(score), band, "sales_rank")
    assert v.drops_score is None


@pytest.mark.parametrize(
    ("bsr", "score", "daily"),
    [(1, "100.0", "10.00"), (500_000, "30.0", "0.10"), (1_500_000, "0.0", "0.03"), (9_000_000, "0.0", "0.01")],
)
def test_band_edges_and_modelled_sales(bsr: int, score: str, daily: str) -> None:
    v = velocity_score(bsr, benchmark=BOOKS)
    assert (v.score, v.est_daily_sales) == (D(score), D(daily))


@pytest.mark.parametrize("bsr", [None, 0, -1])
def test_no_rank_and_no_drops_is_unknown(rules: EngineConfig, bsr: int | None) -> None:
    v = velocity_score(bsr, benchmark=BOOKS)
    assert (v.score, v.rank_band, v.sales_source, v.est_daily_sales) == (D(0), "unknown", "none", D(0))
    assert velocity_tier(v, rules.velocity) == "unknown"


def test_benchmark_scales_the_bands() -> None:
    media = velocity_score(50_000, benchmark=D(50_000))
    assert (media.score, media.rank_band) == (D("70.0"), "fast")


def test_benchmark_for_resolves_categories(rules: EngineConfig) -> None:
    assert benchmark_for(rules.velocity, ("Books", "Science Fiction")) == D(100_000)
    assert benchmark_for(rules.velocity, ("CDs & Vinyl",)) == D(50_000)
    assert benchmark_for(rules.velocity, ("Toys & Games",)) == D(150_000)


def test_drops_refine_the_rank_score_half_and_half() -> None:
    # 30 drops in 30 days = 1 sale a day = 70 on the scale; rank 50 000 = 85.
    v = velocity_score(50_000, benchmark=BOOKS, drops30=30)
    assert (v.rank_score, v.drops_score, v.score) == (D("85.0"), D("70.0"), D("77.5"))
    assert (v.sales_source, v.est_daily_sales, v.est_monthly_sales) == ("rank_drops", D("1.00"), D("30.0"))


def test_zero_drops_is_evidence_of_no_sales() -> None:
    v = velocity_score(50_000, benchmark=BOOKS, drops30=0)
    assert (v.drops_score, v.score) == (D("0.0"), D("42.5"))


def test_shortest_known_drop_window_wins() -> None:
    assert velocity_score(50_000, benchmark=BOOKS, drops90=90).drops_score == D("70.0")
    assert velocity_score(50_000, benchmark=BOOKS, drops30=300, drops90=90).drops_score == D("100.0")
    assert velocity_score(50_000, benchmark=BOOKS, drops180=18).drops_score == D("30.0")


def test_drops_alone_score_a_product_without_rank() -> None:
    v = velocity_score(None, benchmark=BOOKS, drops30=3)
    assert (v.score, v.rank_band, v.sales_source) == (D("30.0"), "unknown", "rank_drops")


@pytest.mark.parametrize("bsr", [1, 999, 20_000, 100_000, 100_001, 250_000, 500_000, 500_001, 1_234_567, 1_499_999])
def test_sales_score_inverts_the_sales_model(bsr: int) -> None:
    rank = D(bsr)
    score, _ = rank_score(rank, BOOKS)
    assert abs(sales_score(modelled_daily_sales(rank, BOOKS)) - score) < D("1e-20")


@pytest.mark.parametrize(("score", "tier"), [("80", "fast"), ("79.9", "medium"), ("60", "medium"), ("40", "slow"),
                                             ("39.9", "very_slow")])
def test_velocity_tier_uses_config_thresholds(rules: EngineConfig, score: str, tier: str) -> None:
    assert velocity_tier(D(score), rules.velocity) == tier


def test_velocity_tier_follows_edited_thresholds(rules_with) -> None:  # type: ignore[no-untyped-def]
    edited = rules_with(lambda doc: doc["velocity"].update(fast_threshold=85))
    assert velocity_tier(D(82), edited.velocity) == "medium"
