"""Decision-card calculators built on the engine's one velocity, stability and ROI (docs/rules.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.config.merge import apply_merge_patch
from arbvault.engine.analytics import (
    AnalyticsInput,
    competition,
    dead_inventory,
    product_decision,
    risk_score,
    roi_net,
    stability_insight,
    velocity_insight,
)
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.rules_document import read_config

D = Decimal
NOW = datetime(2026, 5, 1, tzinfo=UTC)
BASE = AnalyticsInput(
    asin="0972351868", title="A book", buy_price=D(8), sell_price=D(20), sale_cycle_days=30, category="books",
    bsr=50_000,
    price_history=[D("19.99")] * 10, seller_count=5, fba_seller_count=2,
)


def test_velocity_insight_uses_the_one_scale(rules: EngineConfig) -> None:
    insight = velocity_insight(BASE, rules, now=NOW)
    assert (insight.velocity.score, insight.tier, insight.risk_level, insight.days_to_sell) == (
        D("85.0"), "fast", "LOW", D("2.3"))  # rank 50 000 sells 0.43 a day
    assert insight.trend.sufficient_data is False  # no rank history given


def test_velocity_insight_takes_rank_drops_like_an_ingest(rules: EngineConfig) -> None:
    insight = velocity_insight(replace(BASE, bsr=3_991, sales_rank_drops_30=117, sales_rank_drops_90=350), rules,
                               now=NOW)
    v = insight.velocity
    assert (v.score, v.rank_score, v.drops_score, v.rank_band, v.est_daily_sales, v.sales_source) == (
        D("98.8"), D("98.8"), D("98.8"), "fast", D("3.90"), "rank_drops")
    assert velocity_insight(replace(BASE, bsr=None, sales_rank_drops_90=90), rules, now=NOW).velocity.score == D(
        "94.3")


@pytest.mark.parametrize(("bsr", "risk"), [(None, "NO_DATA"), (300_000, "MEDIUM"), (450_000, "HIGH"),
                                           (100_000, "LOW")])
def test_velocity_risk_levels_follow_config_tiers(rules: EngineConfig, bsr: int | None, risk: str) -> None:
    assert velocity_insight(replace(BASE, bsr=bsr), rules, now=NOW).risk_level == risk


def test_stability_insight_reports_score_and_volatility(rules: EngineConfig) -> None:
    stable = stability_insight(BASE, rules)
    assert (stable.stability.score, stable.volatility_pct) == (100, D("0.00"))
    swinging = stability_insight(replace(BASE, price_history=[D(10), D(20)] * 5), rules)
    assert (swinging.stability.score, swinging.volatility_pct) == (64, D("35.14"))


def test_roi_net_uses_the_rules_fees_buffer_and_holding_costs(rules: EngineConfig) -> None:
    result = roi_net(BASE, rules)
    c = result.metrics.costs
    assert (result.fee_source, result.fees.total, c.buffer, c.storage, c.returns, c.total) == (
        "rules", D("8.30"), D(1), D("0.10"), D("0.40"), D("9.80"))  # storage 0.10 a month over 30 days
    assert (result.metrics.net_profit, result.metrics.roi_pct) == (D("2.20"), D("27.5"))


def test_roi_net_takes_the_callers_storage_and_returns_rates(rules: EngineConfig) -> None:
    result = roi_net(replace(BASE, storage_cost_monthly=D("0.87"), return_rate_pct=D(5), sale_cycle_days=45), rules)
    assert (result.metrics.costs.storage, result.metrics.costs.returns) == (D("1.305"), D(1))


def test_stated_fees_replace_the_whole_fee_model(rules: EngineConfig) -> None:
    result = roi_net(replace(BASE, fba_fee=D("3.00")), rules)
    c = result.metrics.costs
    assert result.fee_source == "request"
    # Referral and prep keep the schedule's; closing, inbound and the buffer are 0.
    assert (c.referral, c.closing, c.fulfilment, c.inbound, c.prep, c.buffer) == (
        D("3.00"), D(0), D("3.00"), D(0), D("0.20"), D(0))


@pytest.mark.parametrize(
    ("changes", "score", "level", "amazon"),
    [
        ({}, "100", "LOW", "NONE"),
        ({"seller_count": None}, "50", "UNKNOWN", "NONE"),
        ({"seller_count": 2}, "100", "LOW", "NONE"),  # +20, clamped
        ({"seller_count": 60, "fba_seller_count": 50, "amazon_on_listing": True}, "54", "MEDIUM", "CRITICAL"),
        ({"seller_count": 500, "fba_seller_count": 400, "amazon_on_listing": True}, "20", "HIGH", "CRITICAL"),
    ],
)
def test_competition(rules: EngineConfig, changes: dict, score: str, level: str,  # type: ignore[type-arg]
                     amazon: str) -> None:
    result = competition(replace(BASE, **changes), rules.analytics)
    assert (result.score, result.level, result.amazon_risk) == (D(score), level, amazon)


@pytest.mark.parametrize(
    ("bsr", "sellers", "at_risk", "risk"),
    [(50_000, 5, False, "0"), (400_000, 5, False, "0"), (600_000, 5, True, "25.00"), (600_000, 3, True, "45.00"),
     (2_000_000, 2, True, "100.00")],
)
def test_dead_inventory_starts_where_the_rank_alone_is_very_slow(rules: EngineConfig, bsr: int, sellers: int,
                                                                at_risk: bool, risk: str) -> None:
    # The rank scale reaches the slow tier's 40 at 4 benchmarks: 400 000 for books.
    result = dead_inventory(replace(BASE, bsr=bsr, seller_count=sellers), rules)
    assert (result.at_risk, result.risk, result.threshold_bsr) == (at_risk, D(risk), D(400_000))


def test_risk_score_weights_components(rules: EngineConfig) -> None:
    result = risk_score(BASE, rules)
    assert {name: c.score for name, c in result.components.items()} == {
        "dead_inventory": D(0), "competition": D(25), "amazon_presence": D(5), "price_stability": D(0),
        "category": D(50)}
    assert (result.score, result.level, result.recommendations) == (D("12.25"), "LOW", ())


def test_risk_score_of_a_dead_amazon_listing(rules: EngineConfig) -> None:
    data = replace(BASE, bsr=2_000_000, seller_count=90, amazon_on_listing=True, category="Textbooks",
                   price_history=[D(10), D(20)] * 5)
    result = risk_score(data, rules)
    assert result.components["dead_inventory"].score == D(100)
    assert result.components["competition"].score == D(83)  # 80 + (90 - 30) // 20
    assert result.components["category"].score == D(45)
    assert result.score == D("35.00") + D("20.75") + D(19) + D("3.60") + D("4.50")
    assert result.level == "CRITICAL" and len(result.recommendations) == 3


def test_risk_weights_and_thresholds_come_from_the_rules() -> None:
    # GIVEN the rules with the category's weight moved onto Amazon's presence and a lower CRITICAL level
    document = apply_merge_patch(DEFAULT_RULES, {"analytics": {
        "risk_weights": {"amazon_presence": 0.30, "category": 0.0}, "risk_levels": {"critical": 30, "high": 20,
                                                                                      "medium": 10}}})
    data = replace(BASE, amazon_on_listing=True)
    before, after = risk_score(data, read_config(DEFAULT_RULES)), risk_score(data, read_config(document))
    # THEN the weighted total and its level follow the rules: 25 x 0.25 + 95 x 0.30 (no category share)
    assert before.score == D("6.25") + D(19) + D(5) and before.level == "LOW"
    assert after.score == D("6.25") + D("28.50") and after.level == "CRITICAL"
    assert after.components["category"].weight == D(0)


@pytest.mark.parametrize(("category", "risk"), [("Nonfiction", 40), ("Literature & Fiction", 35),
                                                ("Technical Books", 30), ("Cookbooks", 50)])
def test_category_risk(rules: EngineConfig, category: str, risk: int) -> None:
    assert risk_score(replace(BASE, category=category), rules).components["category"].score == risk


def test_product_decision_counts_six_criteria(rules: EngineConfig) -> None:
    card = product_decision(BASE, rules, now=NOW)
    d = card.decision
    assert (d.verdict, d.criteria_passed, d.criteria_total, d.failed_criteria) == ("BUY", 5, 6, ("roi",))
    assert (d.confidence_pct, d.profit_per_unit, d.roi_pct, d.velocity_score, d.risk_score) == (
        D("70.0"), D("2.20"), D("27.50"), D("85.0"), D("12.25"))
    assert d.reason == "5 of 6 criteria met; failed: roi"
    assert card.asin == "0972351868" and card.competition.level == "LOW"


def test_all_criteria_met_is_a_strong_buy(rules: EngineConfig) -> None:
    d = product_decision(replace(BASE, buy_price=D(5)), rules, now=NOW).decision
    assert (d.verdict, d.criteria_passed) == ("STRONG_BUY", 6)
    assert d.confidence_pct == D("95.0")  # 60 + 15 (ROI >= 50) + 10 + 10


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({"amazon_on_listing": True, "amazon_has_buy_box": True}, "AVOID"),
        ({"buy_price": D(9)}, "SKIP"),  # ROI below the 15 % minimum
        ({"bsr": 9_000_000, "seller_count": 200, "amazon_on_listing": True, "category": "Textbooks",
          "price_history": [D(1), D(100)] * 5, "buy_price": D(1)}, "SKIP"),  # risk above 85
    ],
)
def test_overrides(rules: EngineConfig, changes: dict, verdict: str) -> None:  # type: ignore[type-arg]
    assert product_decision(replace(BASE, **changes), rules, now=NOW).decision.verdict == verdict
