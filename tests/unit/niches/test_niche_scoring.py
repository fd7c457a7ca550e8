"""The category analyzer's points, niche score and levels (docs/rules.md#niches)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from arbvault.niches.scoring import (
    CategoryMetrics,
    analysis_quality,
    competition_points,
    confidence,
    market_size_points,
    niche_score,
    profitability_points,
    sample_quality,
    stability_points,
    viability_points,
)


@pytest.mark.parametrize(("sellers", "points"), [(1.0, 10), (2.5, 8), (5.0, 4), (10, 1), (2.0, 9), (7.0, 2)])
def test_competition_points(sellers: float, points: float) -> None:
    assert competition_points(sellers) == points


@pytest.mark.parametrize(("margin", "points"), [(50, 10), (35, 8), (25, 5), (10, 1), (49.99, 9), (15, 2)])
def test_profitability_points(margin: float, points: float) -> None:
    assert profitability_points(margin) == points


@pytest.mark.parametrize(("stability", "points"), [(0.95, 10), (0.85, 8), (0.75, 6), (0.50, 1), (0.60, 2)])
def test_stability_points(stability: float, points: float) -> None:
    assert stability_points(stability) == points


@pytest.mark.parametrize(("bsr", "points"), [(30_000, 10.0), (10_000, 6.0), (50_000, 6.0), (5_000, 2.0),
                                             (100_000, 1.0), (6_000, 4.0), (99_999, 3.0), (20_000, 8.0)])
def test_market_size_points(bsr: float, points: float) -> None:
    assert market_size_points(bsr, 10_000, 50_000) == points


@pytest.mark.parametrize(("viable", "total", "points"), [(80, 100, 10), (50, 100, 7), (20, 100, 2), (0, 100, 1),
                                                         (0, 0, 0)])
def test_viability_points(viable: int, total: int, points: float) -> None:
    assert viability_points(viable, total) == points


def test_a_strong_category_scores_9_1_with_high_confidence() -> None:
    metrics = CategoryMetrics(avg_sellers=1.5, avg_bsr=25_000, avg_price=30, price_stability=0.90,
                              profit_margin=45, total_products=100, viable_products=80)

    score = niche_score(metrics, 10_000, 50_000)

    assert score == 9.1
    assert confidence(metrics.total_products) == "HIGH"
    assert sample_quality(score, 100) == "EXCELLENT"
    assert metrics.competition_level == "LOW"


def test_a_weak_category_scores_2_8_with_low_confidence() -> None:
    metrics = CategoryMetrics(avg_sellers=8, avg_bsr=25_000, avg_price=20, price_stability=0.6,
                              profit_margin=15, total_products=10, viable_products=2)

    score = niche_score(metrics, 10_000, 50_000)

    assert score == 2.8  # 2.75 exactly: rounded half up, not to the float below it
    assert confidence(metrics.total_products) == "LOW"
    assert sample_quality(score, 10) == "VERY_POOR"
    assert metrics.competition_level == "HIGH"


@pytest.mark.parametrize(("size", "level"), [(50, "HIGH"), (49, "MEDIUM"), (20, "MEDIUM"), (19, "LOW")])
def test_confidence_by_sample_size(size: int, level: str) -> None:
    assert confidence(size) == level


@pytest.mark.parametrize(("size", "missing", "level"), [(50, 1, "MEDIUM"), (50, 2, "LOW"), (20, 1, "LOW"),
                                                        (19, 1, "LOW"), (5, 2, "LOW")])
def test_each_missing_input_lowers_the_confidence_one_level(size: int, missing: int, level: str) -> None:
    assert confidence(size, missing_inputs=missing) == level


def test_a_category_without_seller_data_is_scored_on_the_other_factors() -> None:
    # GIVEN a middling category with no seller count for any product
    metrics = CategoryMetrics(avg_sellers=None, avg_bsr=25_000, avg_price=30, price_stability=0.75,
                              profit_margin=25, total_products=100, viable_products=50)

    score = niche_score(metrics, 10_000, 50_000)

    # THEN (0.25 x 5 + 0.20 x 6 + 0.15 x 9 + 0.10 x 7) / 0.70 = 6.43, not the 7.5 of no sellers at all (10 points)
    assert score == 6.4
    assert niche_score(replace(metrics, avg_sellers=0.0), 10_000, 50_000) == 7.5
    assert metrics.missing_inputs == ("seller_count",) and metrics.competition_level is None


@pytest.mark.parametrize(("score", "size", "quality"), [(8.0, 30, "EXCELLENT"), (8.0, 29, "GOOD"),
                                                        (7.0, 19, "FAIR"), (6.0, 5, "FAIR"), (4.0, 5, "POOR"),
                                                        (3.9, 100, "VERY_POOR")])
def test_sample_quality(score: float, size: int, quality: str) -> None:
    assert sample_quality(score, size) == quality


@pytest.mark.parametrize(("scores", "analysed", "quality"), [
    ([7.0] * 5, 5, "EXCELLENT"), ([7.0] * 4, 5, "GOOD"), ([6.0] * 3, 3, "GOOD"), ([5.0], 1, "FAIR"),
    ([4.5], 3, "POOR"), ([], 3, "POOR"), ([], 0, "NO_DATA")])
def test_engine_quality(scores: list[float], analysed: int, quality: str) -> None:
    assert analysis_quality(scores, analysed) == quality
