"""The verdict table: one row decides the recommendation, the rating, the summary and the risk factors; and the
combined ranking score."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.engine.config_view import EngineConfig
from arbvault.engine.exceptions import RulesConfigError
from arbvault.engine.verdict import RatingInputs, ScoreLevels, Verdict, combined_score, decide, primary_issue

D = Decimal
LEVELS = ScoreLevels("fair", "good", "good")


def _decide(rules: EngineConfig, roi: str | None, velocity: int = 90, stability: int = 90, conf: int = 90, *,
            profitable: bool = True, amazon: bool = False, missing: str = "no buy price") -> Verdict:
    measures = RatingInputs(D(roi) if roi is not None else None, D(velocity), D(stability), D(conf))
    return decide(measures, profitable=profitable, levels=LEVELS, amazon_on_listing=amazon, config=rules,
                  missing_price=missing)


@pytest.mark.parametrize(
    ("roi", "velocity", "stability", "conf", "label", "rating"),
    [
        ("35", 70, 70, 80, "STRONG_BUY", "EXCELLENT"),
        ("34.99", 70, 70, 80, "BUY", "GOOD"),
        ("100", 100, 100, 79, "BUY", "GOOD"),
        ("25", 50, 50, 60, "BUY", "GOOD"),
        ("15", 30, 30, 40, "CONSIDER", "FAIR"),
        ("14.9", 100, 100, 100, "PASS", "PASS"),
        ("90", 29, 100, 100, "PASS", "PASS"),
    ],
)
def test_the_first_row_met_gives_label_and_rating_together(rules: EngineConfig, roi: str, velocity: int,
                                                           stability: int, conf: int, label: str, rating: str) -> None:
    verdict = _decide(rules, roi, velocity, stability, conf)
    assert (verdict.recommendation.label, verdict.rating) == (label, rating)
    assert (verdict.primary_issue is None) == (rating != "PASS")


def test_an_unknown_roi_passes_for_want_of_price_data(rules: EngineConfig) -> None:
    verdict = _decide(rules, None, missing="no sell price")
    assert (verdict.recommendation.label, verdict.rating, verdict.primary_issue) == ("PASS", "PASS", "no price data")
    assert verdict.recommendation.description == "no sell price"
    assert verdict.summary == "Pass: no price data; ROI unknown."
    assert "low_roi" not in verdict.risk_factors and "no_price_data" in verdict.risk_factors


def test_unprofitable_passes_whatever_the_roi(rules: EngineConfig) -> None:
    verdict = _decide(rules, "80", profitable=False)
    assert (verdict.recommendation.label, verdict.primary_issue) == ("PASS", "not profitable")
    assert verdict.summary == "Pass: not profitable; ROI 80.0%."


def test_summaries_come_from_the_row(rules: EngineConfig) -> None:
    assert _decide(rules, "27.456", 55, 65, 70).summary == "Buy: ROI 27.5%, fair velocity, good price stability."
    failing = _decide(rules, "5", 55, 65, 70)
    assert failing.summary == "Pass: low roi; ROI 5.0%."
    assert failing.recommendation.description == "low profit, slow or uncertain"


@pytest.mark.parametrize(
    ("measures", "issue"),
    [
        (RatingInputs(D(-40), D(20), D(25), D(35)), "low roi"),
        (RatingInputs(D(10), D(0), D(25), D(35)), "slow velocity"),
        (RatingInputs(D(14), D(29), D(0), D(35)), "volatile pricing"),
        (RatingInputs(D(14), D(29), D(29), D(1)), "low confidence"),
        (RatingInputs(D(90), D(90), D(90), D(90)), "multiple factors"),
        (RatingInputs(None, D(0), D(0), D(0)), "no price data"),
    ],
)
def test_primary_issue_is_the_largest_shortfall_against_fair(rules: EngineConfig, measures: RatingInputs,
                                                             issue: str) -> None:
    assert primary_issue(measures, rules) == issue


def test_risk_factors_name_what_keeps_a_product_below_good(rules: EngineConfig) -> None:
    assert _decide(rules, "30", 60, 60, 70).risk_factors == ()
    everything = _decide(rules, "24", 49, 49, 59, amazon=True).risk_factors
    assert everything == ("low_sales_velocity", "price_volatility", "limited_history", "amazon_competing", "low_roi")


def test_rows_and_templates_are_read_from_the_config(rules_with) -> None:  # type: ignore[no-untyped-def]
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["verdicts"][2].update(label="WATCH", summary="{label} ({rating}) at {roi}")

    verdict = _decide(rules_with(edit), "15", 30, 30, 40)
    assert (verdict.recommendation.label, verdict.rating, verdict.summary) == ("WATCH", "FAIR", "WATCH (FAIR) at 15.0%")


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (lambda rows: rows[0].update(label="STRONG BUY"), "verdicts.0.label", "must be UPPER_SNAKE_CASE"),
        (lambda rows: rows[1].update(label="STRONG_BUY"), "verdicts.1.label", "must differ"),
        (lambda rows: rows[1].update(rating="EXCELLENT"), "verdicts.1.rating", "must be GOOD"),
        (lambda rows: rows[2].update(min_roi=40), "verdicts.2.min_roi", "must not exceed the row above"),
        (lambda rows: rows[0].update(min_velocity=101), "verdicts.0.min_velocity",
         "must be between 0 and 100 (got 101)"),
        (lambda rows: rows[3].update(summary="{roi_pct}"), "verdicts.3.summary", "unknown placeholders"),
        (lambda rows: rows.pop(), "verdicts", "must be a list of 4 rows"),
    ],
)
def test_unusable_tables_are_refused(rules_with, edit, field: str,  # type: ignore[no-untyped-def]
                                     message: str) -> None:
    with pytest.raises(RulesConfigError) as caught:
        rules_with(lambda doc: edit(doc["verdicts"]))
    assert any(d["field"] == field and message in d["message"] for d in caught.value.details), caught.value.details


@pytest.mark.parametrize(
    ("roi", "velocity", "score"),
    [("50", "80", "62.00"), ("-20", "50", "20.00"), ("250", "100", "100.00"), ("33.333", "0", "20.00"),
     (None, "50", "20.00")],
)
def test_combined_score_clamps_roi_and_weights_from_config(rules: EngineConfig, roi: str | None, velocity: str,
                                                           score: str) -> None:
    value = combined_score(roi_pct=D(roi) if roi is not None else None, velocity=D(velocity), config=rules)
    assert value == D(score)


def test_combined_score_weights_follow_the_config(rules_with) -> None:  # type: ignore[no-untyped-def]
    edited = rules_with(lambda doc: doc.update(combined_score={"roi_weight": 0.2, "velocity_weight": 0.8}))
    assert combined_score(roi_pct=D(50), velocity=D(80), config=edited) == D("74.00")
