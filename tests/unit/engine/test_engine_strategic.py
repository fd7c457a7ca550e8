"""Strategic views' rules: sales from rank drops, opportunity, competition, volatility, consistency, risk, and the
strategic score, against figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.config.merge import apply_merge_patch
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.rules_document import read_config
from arbvault.engine.strategic import (
    STRATEGIC_VIEWS,
    StrategicInputs,
    competition_level,
    demand_consistency,
    opportunity_grade,
    opportunity_score,
    price_volatility,
    risk,
    sales_estimate,
    sales_tier,
    strategic_score,
)

D = Decimal
WEIGHTS = read_config(DEFAULT_RULES).analytics.strategic_risk_weights
BOOKS_BENCHMARK = D(100_000)


@pytest.mark.parametrize(("drops30", "drops90", "bsr", "category", "monthly", "quarterly"), [
    (40, 100, 5_000, "Books", 60, 126),  # 40 x 1.5; 100 x 0.9 x 1.4
    (20, 70, 30_000, "Books", 24, 69),  # 20 x 1.2; 70 x 0.9 x 1.1 = 69.3
    (8, 30, 200_000, "Books", 8, 27),  # no rank factor
    (3, 6, 800_000, "Books", 2, 4),  # 3 x 0.7 = 2.1; 6 x 0.9 x 0.8 = 4.32
    (10, 10, 200_000, "Electronics", 12, 10),  # 10 x 1.2; 10 x 1.2 x 0.9 = 10.8
    (10, 10, 200_000, "Home & Kitchen", 8, 7),  # 10 x 0.8; 10 x 0.8 x 0.9 = 7.2
    (900, 5000, 1_000, "Books", 1000, 3000),  # capped
])
def test_sales_from_rank_drops(drops30: int, drops90: int, bsr: int, category: str, monthly: int,
                               quarterly: int) -> None:
    estimate = sales_estimate(drops30, drops90, bsr=bsr, root_category=category)
    assert (estimate.monthly, estimate.quarterly) == (monthly, quarterly)


def test_sales_without_drops_are_missing_not_zero() -> None:
    estimate = sales_estimate(None, None, bsr=5_000, root_category="Books")
    assert (estimate.monthly, estimate.quarterly, estimate.tier) == (None, None, None)
    assert sales_estimate(0, 0, bsr=5_000, root_category="Books").tier == "DEAD"


@pytest.mark.parametrize(("monthly", "tier"), [(100, "PREMIUM"), (99, "HIGH"), (50, "HIGH"), (20, "MEDIUM"),
                                               (19, "LOW"), (5, "LOW"), (4, "DEAD"), (0, "DEAD")])
def test_sales_tiers(monthly: int, tier: str) -> None:
    assert sales_tier(monthly) == tier


def test_opportunity_score_and_grade() -> None:
    assert opportunity_score(D(50), 16, D(10)) == D("20.0")  # 0.5 x 4 x 10
    assert opportunity_grade(D("20.0")) == "C+"
    assert opportunity_score(D(100), None, D(25)) == D("25.0")  # one sale at least
    assert opportunity_score(D(-5), 100, D(10)) == D(0) and opportunity_score(D(50), 100, D(0)) == D(0)
    assert [opportunity_grade(D(v)) for v in (80, 60, 45, 30, 10, 9)] == ["A+", "A", "B+", "B", "C", "D"]


@pytest.mark.parametrize(("sellers", "amazon", "level"), [(3, True, "HIGH"), (11, False, "HIGH"), (10, False, "MEDIUM"),
                                                          (6, False, "MEDIUM"), (5, False, "LOW"), (0, False, "LOW"),
                                                          (None, False, None), (None, True, "HIGH")])
def test_competition(sellers: int | None, amazon: bool, level: str | None) -> None:
    assert competition_level(sellers, amazon_owns_buy_box=amazon) == level


def test_volatility_is_the_newest_price_against_the_average() -> None:
    # Average 11.333...; 2 x |14 - 11.333| / 11.333 = 0.4706.
    assert price_volatility([D(10), D(10), D(14)]) == D("0.47")
    assert price_volatility([D(10), D(40)]) == D(1)  # capped
    assert price_volatility([D(12), D(12)]) == D(0)


def test_reference_check_27_no_prices_or_one_price_gives_no_volatility_and_no_crash() -> None:
    assert price_volatility([D(0), D(0), D(0)]) is None
    assert price_volatility([D("9.99")]) is None
    assert price_volatility([]) is None


@pytest.mark.parametrize(("bsr", "consistency"), [(5_000, "0.95"), (30_000, "0.80"), (90_000, "0.65"),
                                                  (150_000, "0.45"), (300_000, "0.25")])
def test_demand_consistency_by_rank_against_the_benchmark(bsr: int, consistency: str) -> None:
    assert demand_consistency(bsr, BOOKS_BENCHMARK) == D(consistency)


def test_demand_consistency_without_a_rank_is_missing() -> None:
    assert demand_consistency(None, BOOKS_BENCHMARK) is None and demand_consistency(0, BOOKS_BENCHMARK) is None


def test_risk_over_the_known_parts(rules: EngineConfig) -> None:
    weights = rules.analytics.strategic_risk_weights
    # 0.4 x 0.2 + 0.3 x 0.2 + 0.3 x 0.15 = 0.185
    assert risk(D("0.2"), D("0.8"), D("0.85"), weights=weights) == D("0.19")
    # Without volatility: (0.06 + 0.045) / 0.6 = 0.175
    assert risk(None, D("0.8"), D("0.85"), weights=weights) == D("0.18")


def test_strategic_risk_weights_come_from_the_rules() -> None:
    document = apply_merge_patch(DEFAULT_RULES, {"analytics": {"strategic_risk_weights": {
        "volatility": 0.8, "inconsistency": 0.1, "uncertainty": 0.1}}})
    weights = read_config(document).analytics.strategic_risk_weights
    # 0.8 x 0.2 + 0.1 x 0.2 + 0.1 x 0.15 = 0.195
    assert risk(D("0.2"), D("0.8"), D("0.85"), weights=weights) == D("0.20")
    score = strategic_score(STRATEGIC_VIEWS["profit_hunter"], _inputs(volatility=D("0.9")), risk_weights=weights)
    default = strategic_score(STRATEGIC_VIEWS["profit_hunter"], _inputs(volatility=D("0.9")),
                              risk_weights=read_config(DEFAULT_RULES).analytics.strategic_risk_weights)
    assert score.risk > default.risk and score.score is not None and default.score is not None
    assert score.score < default.score


def _inputs(**changes: object) -> StrategicInputs:
    values: dict[str, object] = {"roi_pct": D(40), "net_profit": D(20), "velocity": D(60), "monthly_sales": 30,
                                 "seller_count": 3, "amazon_owns_buy_box": False, "volatility": D("0.2"),
                                 "demand_consistency": D("0.8"), "engine_confidence": D(85)}
    values.update(changes)
    return StrategicInputs(**values)  # type: ignore[arg-type]


def test_profit_hunter_score_by_hand() -> None:
    result = strategic_score(STRATEGIC_VIEWS["profit_hunter"], _inputs(), risk_weights=WEIGHTS)
    # ROI 0.4 x 2.0 + profit 0.4 x 2.0 + velocity 0.6 x 0.5 + LOW 0.8 x 0.3 + (1 - 0.19) x 0.4 = 2.464; / 5.2
    assert result.score == D("47.38")
    assert (result.competition, result.risk, result.data_confidence) == ("LOW", D("0.19"), D("0.85"))
    assert result.missing_inputs == ()


def test_missing_inputs_leave_the_score_and_lower_confidence() -> None:
    result = strategic_score(STRATEGIC_VIEWS["balanced_score"],
                             _inputs(seller_count=None, volatility=None, monthly_sales=None), risk_weights=WEIGHTS)
    assert result.missing_inputs == ("monthly_sales", "seller_count", "volatility")
    assert result.data_confidence == D("0.34")  # 0.85 x 2/5
    assert result.competition is None and "competition" not in result.normalised
    # Risk (0.3 x 0.2 + 0.3 x 0.66) / 0.6 = 0.43; ROI 0.4 + velocity 0.6 + profit 0.4 + (1 - 0.43), all weight 1.
    assert result.risk == D("0.43")
    assert result.score == D("49.25")


def test_unknown_roi_means_no_score() -> None:
    # No buy or no sell price: the engine reports no ROI and no profit.
    result = strategic_score(STRATEGIC_VIEWS["velocity"], _inputs(roi_pct=None, net_profit=None),
                             risk_weights=WEIGHTS)
    assert result.score is None and "roi" in result.missing_inputs


def test_amazon_on_the_buy_box_is_high_competition_in_the_score() -> None:
    alone = strategic_score(STRATEGIC_VIEWS["balanced_score"], _inputs(), risk_weights=WEIGHTS)
    amazon = strategic_score(STRATEGIC_VIEWS["balanced_score"], _inputs(amazon_owns_buy_box=True),
                             risk_weights=WEIGHTS)
    assert amazon.competition == "HIGH" and amazon.score is not None and alone.score is not None
    assert amazon.score < alone.score
