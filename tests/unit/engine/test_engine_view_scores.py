"""View-specific scores (docs/rules.md#view-scores), normalised by the weight sum."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.engine.view_scores import VIEW_WEIGHTS, view_score

D = Decimal


def test_reference_check_26_empty_metrics_use_the_defaults() -> None:
    result = view_score("dashboard", {})
    assert dict(result.raw_metrics) == {"roi": D(0), "velocity": D(0), "stability": D(50)}
    assert result.score == D("11.54")  # 50 x 0.30 / 1.30


def test_reference_check_26_negative_metrics_clamp_to_zero() -> None:
    result = view_score("dashboard", {"roi": D(-50), "velocity": D(-10), "stability": D(-5)})
    assert dict(result.raw_metrics) == {"roi": D(0), "velocity": D(0), "stability": D(0)}
    assert result.score == 0


def test_reference_check_26_unknown_view_uses_dashboard_weights() -> None:
    result = view_score("no_such_view", {"roi": D(40), "velocity": D(60)})
    assert result.view == "dashboard" and result.weights is VIEW_WEIGHTS["dashboard"]
    assert result.score == view_score("dashboard", {"roi": D(40), "velocity": D(60)}).score


@pytest.mark.parametrize(("view", "score"), [("dashboard", "100.00"), ("auto_sourcing", "100.00")])
def test_full_marks_stay_at_100(view: str, score: str) -> None:
    assert view_score(view, {"roi": D(100), "velocity": D(100), "stability": D(100)}).score == D(score)


def test_strategy_boost_applies_per_metric_and_components_do_not() -> None:
    metrics = {"roi": D(50), "velocity": D(50), "stability": D(50)}
    plain = view_score("mes_niches", metrics)
    boosted = view_score("mes_niches", metrics, strategy="textbook")
    assert plain.score == D("50.00")
    assert boosted.score == D("55.67")  # (50x0.6x1.2 + 50x0.4 + 50x0.5x1.1) / 1.5
    assert boosted.components == plain.components == {"roi": D("20.00"), "velocity": D("13.33"),
                                                     "stability": D("16.67")}


def test_roi_above_100_counts_as_100() -> None:
    assert view_score("analyse_strategique", {"roi": D(400), "velocity": D(0), "stability": D(0)}).score == D("33.33")
