"""Rating, the keep rule and tiers of AutoSourcing picks, on exact boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.autosourcing.rating import Minima, Scores, meets_criteria, rate, summary, tier

D = Decimal
MINIMA = Minima(roi_min=D(20), velocity_min=D(50), stability_min=D(70), confidence_min=D(70), rating_required="GOOD")


def scores(roi: str = "40", profit: str = "20", velocity: str = "90", stability: str = "90",
           confidence: str = "90") -> Scores:
    return Scores(roi_pct=D(roi), net_profit=D(profit), velocity=D(velocity), stability=D(stability),
                  confidence=D(confidence))


@pytest.mark.parametrize(("product", "expected"), [
    (scores(roi="20", velocity="50", stability="70", confidence="70"), "EXCELLENT"),  # every minimum, exactly
    (scores(roi="16", velocity="42.5", stability="59.5", confidence="59.5"), "GOOD"),  # 80 % and 85 %
    (scores(roi="15.99"), "FAIR"),  # just under 80 % of the ROI minimum
    (scores(roi="16", stability="59.4"), "FAIR"),  # one score under 85 %
    (scores(roi="14"), "FAIR"),  # 70 %
    (scores(roi="13.99"), "PASS"),
])
def test_rating_against_the_run_minima(product: Scores, expected: str) -> None:
    assert rate(product, MINIMA) == expected


def test_keep_rule_reference_cases() -> None:
    """Velocity 49 vs 50 rejected, 50 vs 50 kept, a 0 minimum accepts velocity 10, ROI 15 vs 20 rejected,
    a PASS rating against GOOD rejected."""
    assert not meets_criteria(scores(velocity="49"), "EXCELLENT", MINIMA)
    assert meets_criteria(scores(velocity="50"), "EXCELLENT", MINIMA)
    no_velocity_floor = Minima(roi_min=D(20), velocity_min=D(0), stability_min=D(0), confidence_min=D(0),
                               rating_required="FAIR")
    assert meets_criteria(scores(velocity="10"), "FAIR", no_velocity_floor)
    assert not meets_criteria(scores(roi="15"), "EXCELLENT", MINIMA)
    assert not meets_criteria(scores(), "PASS", MINIMA)
    assert not meets_criteria(scores(), "FAIR", MINIMA)  # FAIR is below the required GOOD


@pytest.mark.parametrize(("product", "rating", "expected"), [
    (scores(roi="50", profit="15", velocity="80", confidence="85"), "EXCELLENT", "HOT"),
    (scores(roi="50", profit="15", velocity="80", confidence="85"), "GOOD", "TOP"),  # HOT needs EXCELLENT
    (scores(roi="50", profit="14.99", velocity="80", confidence="85"), "EXCELLENT", "TOP"),
    (scores(roi="35", profit="10", velocity="70", confidence="75"), "GOOD", "TOP"),
    (scores(roi="35", profit="10", velocity="70", confidence="75"), "FAIR", "WATCH"),
    (scores(roi="25", profit="5", velocity="60", confidence="65"), "FAIR", "WATCH"),
    (scores(roi="25", profit="5", velocity="60", confidence="65"), "PASS", "OTHER"),
    (scores(roi="24.99", profit="50", velocity="100", confidence="100"), "EXCELLENT", "OTHER"),
])
def test_tiers(product: Scores, rating: str, expected: str) -> None:
    assert tier(product, rating) == expected  # type: ignore[arg-type]


def test_summary_names_rating_roi_rank_and_velocity() -> None:
    line = summary("GOOD", scores(roi="33.456", velocity="81.6"), 123456)
    assert line == "GOOD: ROI 33.5%, BSR 123,456, velocity 82/100"
    assert "no sales rank" in summary("FAIR", scores(), None)
