"""Advanced scores (docs/rules.md#scores)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from arbvault.engine.config_view import EngineConfig
from arbvault.engine.money import round_half_up
from arbvault.engine.scores import confidence, data_age_days, price_stability, price_volatility, velocity_trend

D = Decimal
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def _ranks(*values: int, step_hours: int = 12) -> list[tuple[datetime, int]]:
    """Points ending at NOW, oldest first."""
    start = NOW - timedelta(hours=step_hours * (len(values) - 1))
    return [(start + timedelta(hours=step_hours * i), value) for i, value in enumerate(values)]


@pytest.mark.parametrize(
    ("ranks", "score", "level"),
    [
        ([20_000] * 14, 50, "fair"),  # flat
        ([20_000] * 7 + [10_000] * 7, 75, "good"),  # halved
        ([10_000] * 7 + [20_000] * 7, 0, "poor"),  # doubled
        ([10_000] * 7 + [40_000] * 7, 0, "poor"),  # clamped at 0
        ([20_000] * 7 + [1] * 7, 99, "excellent"),
        ([30_000] * 5 + [10_000] * 7, 72, "good"),  # 12 points: older = mean of all (18 333 -> 45 % better)
    ],
)
def test_velocity_trend_compares_recent_with_older_ranks(rules: EngineConfig, ranks: list[int], score: int,
                                                         level: str) -> None:
    trend = velocity_trend(_ranks(*ranks), now=NOW, rules=rules.advanced)
    assert (trend.score, trend.level, trend.sufficient_data) == (score, level, True)


def test_velocity_trend_sorts_the_series_first(rules: EngineConfig) -> None:
    points = _ranks(*([20_000] * 7 + [10_000] * 7))
    assert velocity_trend(list(reversed(points)), now=NOW, rules=rules.advanced).score == 75


def test_velocity_trend_falls_back_below_min_points(rules: EngineConfig) -> None:
    trend = velocity_trend(_ranks(*([10_000] * 9)), now=NOW, rules=rules.advanced)
    assert (trend.score, trend.level, trend.sufficient_data) == (50, "unknown", False)


def test_velocity_trend_ignores_points_outside_the_window_and_non_positive(rules: EngineConfig) -> None:
    old = [(NOW - timedelta(days=40 + i), 10_000) for i in range(20)]
    recent = _ranks(*([0] * 5 + [20_000] * 9))
    assert velocity_trend(old + recent, now=NOW, rules=rules.advanced).sufficient_data is False


def test_velocity_trend_fallback_comes_from_config(rules_with) -> None:  # type: ignore[no-untyped-def]
    edited = rules_with(lambda doc: doc["advanced_scoring"]["velocity"].update(fallback_score=42, min_data_points=3))
    assert velocity_trend([], now=NOW, rules=edited.advanced).score == 42
    assert velocity_trend(_ranks(5, 5, 5), now=NOW, rules=edited.advanced).score == 50


@pytest.mark.parametrize(
    ("prices", "score", "level", "sufficient"),
    [
        (["12.50"] * 10, 100, "excellent", True),
        (["10", "20"] * 5, 64, "good", True),  # CV 0.351
        (["1", "100"] * 5, 0, "poor", True),  # CV above 1 counts as 1
        (["10"] * 9, 50, "unknown", False),
        (["0"] * 5 + ["-1"] * 5 + ["10"] * 3, 50, "unknown", False),  # only positive prices count
    ],
)
def test_price_stability(rules: EngineConfig, prices: list[str], score: int, level: str, sufficient: bool) -> None:
    result = price_stability([D(p) for p in prices], rules=rules.advanced)
    assert (result.score, result.level, result.sufficient_data) == (score, level, sufficient)


def test_price_stability_reads_dated_history(rules: EngineConfig) -> None:
    history = [(NOW - timedelta(days=i), D("12.50")) for i in range(10)]
    assert price_stability(history, rules=rules.advanced).score == 100


@pytest.mark.parametrize(("prices", "cv"), [(["0.0", "0.0", "0.0"], "0"), (["9.99"], "0"), ([], "0"),
                                            (["10", "20"], "0.471405")])
def test_reference_check_27_volatility_without_division_by_zero(prices: list[str], cv: str) -> None:
    assert round_half_up(price_volatility([D(p) for p in prices]), 6) == D(cv)


@pytest.mark.parametrize(
    ("age", "points", "has_bsr", "score", "level"),
    [
        ("1", 0, False, 39, "low"),  # no history at all, one day old
        ("7", 90, True, 100, "high"),
        ("22", 0, False, 24, "low"),  # 15 days past the 7-day limit: freshness 0.5
        ("37", 45, True, 50, "fair"),  # freshness 0, completeness 0.5
        (None, 0, False, 9, "low"),  # unknown age counts as stale
    ],
)
def test_confidence_uses_the_real_data_age(rules: EngineConfig, age: str | None, points: int, has_bsr: bool,
                                           score: int, level: str) -> None:
    result = confidence(age_days=D(age) if age is not None else None, price_points=points, has_bsr=has_bsr,
                        rules=rules.advanced)
    assert (result.score, result.level) == (score, level)


def test_data_age_days_is_measured_and_never_negative() -> None:
    assert data_age_days(NOW - timedelta(days=3, hours=12), NOW) == D("3.5")
    assert data_age_days(NOW + timedelta(hours=1), NOW) == 0
    assert data_age_days(None, NOW) is None
