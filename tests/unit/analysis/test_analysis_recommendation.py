"""Recommendation rules from the config (spec §4.1, first match wins) and the combined score (§4.4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.analysis import EngineConfig, combined_score, recommend

D = Decimal


@pytest.mark.parametrize(
    ("roi", "velocity", "label"),
    [
        (30, 70, "STRONG BUY"),
        (29.99, 100, "BUY"),
        (100, 69.9, "BUY"),
        (20, 50, "BUY"),
        (19.9, 99, "CONSIDER"),
        (15, 0, "CONSIDER"),
        (14.9, 100, "PASS"),
        (0, 0, "PASS"),
    ],
)
def test_first_rule_met_wins(rules: EngineConfig, roi: float, velocity: float, label: str) -> None:
    assert recommend(roi_pct=D(str(roi)), velocity=D(str(velocity)), profitable=True, config=rules).label == label


def test_unprofitable_is_pass_whatever_the_rules(rules: EngineConfig) -> None:
    result = recommend(roi_pct=D(80), velocity=D(90), profitable=False, config=rules)
    assert (result.label, result.rule_index) == ("PASS", None)


def test_matching_rule_reports_its_description_and_position(rules: EngineConfig) -> None:
    result = recommend(roi_pct=D(25), velocity=D(55), profitable=True, config=rules)
    assert (result.label, result.description, result.rule_index) == ("BUY", "good opportunity", 1)


def test_rules_come_from_the_config_in_document_order(rules_with) -> None:  # type: ignore[no-untyped-def]
    edited = rules_with(lambda doc: doc.update(recommendation_rules=[
        {"label": "GRAB", "min_roi": 10, "min_velocity": 10, "description": "custom"},
        {"label": "STRONG BUY", "min_roi": 30, "min_velocity": 70},
    ]))
    assert recommend(roi_pct=D(80), velocity=D(90), profitable=True, config=edited).label == "GRAB"
    no_match = recommend(roi_pct=D(5), velocity=D(5), profitable=True, config=edited)
    assert (no_match.label, no_match.rule_index) == ("PASS", None)


@pytest.mark.parametrize(
    ("roi", "velocity", "score"),
    [("50", "80", "62.00"), ("-20", "50", "20.00"), ("250", "100", "100.00"), ("33.333", "0", "20.00")],
)
def test_combined_score_clamps_roi_and_weights_from_config(rules: EngineConfig, roi: str, velocity: str,
                                                           score: str) -> None:
    assert combined_score(roi_pct=D(roi), velocity=D(velocity), config=rules) == D(score)


def test_combined_score_weights_follow_the_config(rules_with) -> None:  # type: ignore[no-untyped-def]
    edited = rules_with(lambda doc: doc.update(combined_score={"roi_weight": 0.2, "velocity_weight": 0.8}))
    assert combined_score(roi_pct=D(50), velocity=D(80), config=edited) == D("74.00")
