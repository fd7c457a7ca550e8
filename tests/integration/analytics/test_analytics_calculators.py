"""The four analytics routes against numbers worked by hand from docs/rules.md and the default rules.

Worked example A (a fast, profitable book with a crowded-enough listing): sell 20.00, buy 8.00, books fees at
1 lb 8.30, buffer 5 % = 1.00, storage 0.10 (the config's rate a month) x 30 / 30 = 0.10, returns 2 % x 20 =
0.40 -> costs 9.80, net 2.20, ROI 27.5 %. Rank 50 000 against the books benchmark 100 000 -> velocity 85.0,
0.2351 x 0.5 ^ -0.871 = 0.43 sales a day (one every 2.3 days). Five sellers,
two FBA -> competition 100. Ten equal prices -> stability 100. Risk = 0.25 x 25 (five sellers) + 0.20 x 5
(no Amazon) + 0.10 x 50 (books) = 12.25. Criteria: all but ROI >= 30 -> BUY, confidence 50 + 10 (velocity
>= 80) + 10 (risk < 30) = 70.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from sqlalchemy import text

from arbvault.config.updates import update_scope
from arbvault.db import session_scope
from support import SOURCER, call

ROUTES = ("calculate-analytics", "calculate-risk-score", "generate-recommendation", "product-decision")

EXAMPLE_A: dict[str, Any] = {
    "asin": "0134685997", "title": "Refactoring", "bsr": 50_000, "buy_price": 8,
    "sell_price": "20.00", "seller_count": 5, "fba_seller_count": 2,
    "price_history": [{"price": 20}] * 10,
}
# A slow book on a listing Amazon sells on (without the Buy Box): rank 1 000 000, two sellers, no price history.
EXAMPLE_C: dict[str, Any] = {
    "asin": "B00FLIJJSA", "bsr": 1_000_000, "buy_price": 5, "sell_price": 30,
    "seller_count": 2, "amazon_on_listing": True,
}


def _post(route: str, body: Any, *, identity: dict[str, str] | None = SOURCER) -> tuple[int, Any]:
    status, _, answer = call("analytics", "POST", f"/api/v1/analytics/{route}", json_body=body, identity=identity)
    return status, answer


def test_calculate_analytics_example_a() -> None:
    status, body = _post("calculate-analytics", EXAMPLE_A)
    assert status == 200, body
    assert body["asin"] == "0134685997" and body["title"] == "Refactoring"
    assert body["velocity"] == {
        "score": 85.0, "rank_score": 85.0, "drops_score": None, "velocity_tier": "fast", "rank_band": "fast",
        "benchmark_bsr": 100_000, "est_daily_sales": 0.43,
        "est_monthly_sales": 12.9, "sales_source": "sales_rank",
        "trend": {"score": 50, "level": "unknown", "sufficient_data": False},
        "risk_level": "LOW", "days_to_sell": 2.3,
    }
    assert body["price_stability"] == {"score": 100, "level": "excellent", "sufficient_data": True,
                                       "volatility_pct": 0.0}
    assert body["profit"] == {
        "sell_price": 20.0, "buy_price": 8.0,
        "costs": {"referral": 3.0, "closing": 1.8, "fulfilment": 2.9, "inbound": 0.4, "prep": 0.2, "buffer": 1.0,
                  "storage": 0.1, "returns": 0.4, "total": 9.8},
        "net_profit": 2.2, "roi_pct": 27.5, "margin_pct": 11.0, "profitable": True, "meets_target": False,
        "tier": "fair",
    }
    assert body["fee_schedule"] == {"source": "rules", "category": "books", "weight_lb": 1.0}
    assert body["competition"] == {"score": 100.0, "level": "LOW", "amazon_risk": "NONE"}
    assert body["dead_inventory_risk"] == {"at_risk": False, "risk_score": 0.0, "threshold_bsr": 400_000}


def test_calculate_risk_score_example_a() -> None:
    status, body = _post("calculate-risk-score", EXAMPLE_A)
    assert status == 200, body
    assert body["asin"] == "0134685997"
    assert body["risk_score"] == 12.25 and body["risk_level"] == "LOW"
    assert body["components"] == {
        "dead_inventory": {"score": 0.0, "weight": 0.35, "weighted": 0.0},
        "competition": {"score": 25.0, "weight": 0.25, "weighted": 6.25},
        "amazon_presence": {"score": 5.0, "weight": 0.2, "weighted": 1.0},
        "price_stability": {"score": 0.0, "weight": 0.1, "weighted": 0.0},
        "category": {"score": 50.0, "weight": 0.1, "weighted": 5.0},
    }
    assert body["recommendations"] == []


def test_generate_recommendation_example_a() -> None:
    status, body = _post("generate-recommendation", EXAMPLE_A)
    assert status == 200, body
    assert body == {
        "asin": "0134685997", "title": "Refactoring", "recommendation": "BUY", "confidence_pct": 70.0,
        "criteria_passed": 5, "criteria_total": 6, "failed_criteria": ["roi"],
        "reason": "5 of 6 criteria met; failed: roi", "suggested_action": "Buy, watching the criterion that failed.",
        "roi_pct": 27.5, "velocity_score": 85.0, "risk_score": 12.25, "net_profit": 2.2,
        "days_to_sell": 2.3,
    }


def test_product_decision_is_every_calculator_in_one_card() -> None:
    status, card = _post("product-decision", EXAMPLE_A)
    assert status == 200, card
    _, analytics = _post("calculate-analytics", EXAMPLE_A)
    _, risk = _post("calculate-risk-score", EXAMPLE_A)
    _, recommendation = _post("generate-recommendation", EXAMPLE_A)
    for part in ("velocity", "price_stability", "profit", "fee_schedule", "competition", "dead_inventory_risk"):
        assert card[part] == analytics[part], part
    assert card["risk"] == {k: v for k, v in risk.items() if k != "asin"}
    assert card["decision"] == {k: v for k, v in recommendation.items() if k not in ("asin", "title")}


def test_amazon_holding_the_buy_box_is_avoid() -> None:
    status, body = _post("product-decision", {**EXAMPLE_A, "amazon_on_listing": True, "amazon_has_buy_box": True})
    assert status == 200, body
    assert body["competition"] == {"score": 75.0, "level": "LOW", "amazon_risk": "CRITICAL"}  # 100 - 25
    assert body["risk"]["risk_score"] == 30.25  # 6.25 + 0.20 x 95 + 5
    assert body["risk"]["recommendations"] == ["Amazon sells this product: it usually wins the Buy Box."]
    decision = body["decision"]
    assert decision["recommendation"] == "AVOID" and decision["criteria_passed"] == 4
    assert decision["reason"] == "Amazon is on the listing and holds the Buy Box"
    assert decision["confidence_pct"] == 55.0  # 4/6 x 60 + 10 (velocity) + 5 (risk < 50)


def test_slow_book_with_amazon_on_listing_is_watch() -> None:
    # rank 1 000 000: velocity 30 - 30 x 500 000 / 1 000 000 = 15, past 400 000 where the rank scale falls
    # below the slow tier's 40: dead-inventory risk (1 000 000 - 400 000) / 400 000 x 50 = 75, +20 with three
    # sellers or fewer; 0.2351 x 10 ^ -0.871 = 0.032 sales a day
    status, body = _post("product-decision", EXAMPLE_C)
    assert status == 200, body
    velocity = body["velocity"]
    assert (velocity["score"], velocity["velocity_tier"], velocity["risk_level"]) == (15.0, "very_slow", "HIGH")
    assert velocity["est_daily_sales"] == 0.03 and velocity["days_to_sell"] == 33.3
    assert body["dead_inventory_risk"] == {"at_risk": True, "risk_score": 95.0, "threshold_bsr": 400_000}
    assert body["competition"] == {"score": 95.0, "level": "LOW", "amazon_risk": "CRITICAL"}  # 100 + 20 - 25
    assert body["price_stability"]["score"] == 50 and body["price_stability"]["sufficient_data"] is False
    # fees 0.15 x 30 + 5.30 = 9.80, buffer 1.50, storage 0.10, returns 0.60: net 30 - 12.00 - 5 = 13.00
    assert (body["profit"]["net_profit"], body["profit"]["roi_pct"], body["profit"]["margin_pct"]) == (
        13.0, 260.0, 43.33)
    risk = body["risk"]
    assert risk["risk_score"] == 66.5 and risk["risk_level"] == "HIGH"  # 35 + 2.5 + 19 + 5 + 5
    assert risk["components"]["dead_inventory"] == {"score": 100.0, "weight": 0.35, "weighted": 35.0}
    assert risk["components"]["competition"]["score"] == 10.0
    assert len(risk["recommendations"]) == 2
    decision = body["decision"]
    assert decision["recommendation"] == "WATCH"
    assert decision["failed_criteria"] == ["velocity", "risk", "no_amazon"]
    assert decision["confidence_pct"] == 45.0  # 3/6 x 60 + 15 (ROI >= 50)
    assert decision["net_profit"] == 13.0


def test_roi_below_the_minimum_is_skip() -> None:
    # net 20 - 8.30 - 1.00 - 15 - 0.10 - 0.40 = -4.80: ROI -32 %
    status, body = _post("generate-recommendation", {**EXAMPLE_A, "buy_price": 15})
    assert status == 200, body
    assert body["recommendation"] == "SKIP" and body["roi_pct"] == -32.0 and body["net_profit"] == -4.8
    assert body["reason"].startswith("ROI -32.0 % is below the 15")


def test_rank_trend_and_price_volatility_from_histories() -> None:
    # GIVEN 14 daily ranks, the first 7 at 200 000 and the last 7 at 100 000, and prices alternating 10 / 12
    now = datetime.now(UTC)
    ranks = [{"timestamp": (now - timedelta(days=14 - i)).isoformat(), "bsr": 200_000 if i < 7 else 100_000}
             for i in range(14)]
    prices = [{"price": 10 if i % 2 else 12} for i in range(10)]
    status, body = _post("calculate-analytics", {**EXAMPLE_A, "bsr_history": ranks, "price_history": prices})
    assert status == 200, body
    # THEN the trend is 0.5 + 0.5 x (200 000 - 100 000) / 200 000 = 0.75
    assert body["velocity"]["trend"] == {"score": 75, "level": "good", "sufficient_data": True}
    # AND the coefficient of variation is stdev 1.0541 / mean 11 = 9.58 %, stability floor(100 x 0.9042) = 90
    assert body["price_stability"] == {"score": 90, "level": "excellent", "sufficient_data": True,
                                       "volatility_pct": 9.58}


def test_rules_come_from_the_effective_config_of_the_domain(domain_id: int) -> None:
    # GIVEN a domain whose target ROI is 15 %
    with session_scope() as session:
        update_scope(session, scope=f"domain:{domain_id}", patch={"roi": {"target_pct_default": 15.0}},
                     changed_by="test")
    # WHEN example A is judged in that domain
    status, body = _post("generate-recommendation", {**EXAMPLE_A, "domain_id": domain_id})
    # THEN its 27.5 % ROI passes the ROI criterion too: six of six
    assert status == 200, body
    assert body["recommendation"] == "STRONG_BUY" and body["criteria_passed"] == 6
    assert body["confidence_pct"] == 80.0
    status, body = _post("calculate-analytics", {**EXAMPLE_A, "domain_id": domain_id})
    assert body["profit"]["meets_target"] is True


def test_category_picks_fees_benchmark_and_category_risk() -> None:
    # media: inbound 0.35 and prep 0.15 (fees 8.20), benchmark 50 000 (rank 50 000 -> 70.0), category risk 50
    status, body = _post("product-decision", {**EXAMPLE_A, "category": "Music"})
    assert status == 200, body
    costs = body["profit"]["costs"]
    assert (costs["inbound"], costs["prep"], costs["total"]) == (0.35, 0.15, 9.7)  # 8.20 + 1.00 + 0.10 + 0.40
    assert body["fee_schedule"]["category"] == "media"
    assert body["velocity"]["score"] == 70.0 and body["velocity"]["benchmark_bsr"] == 50_000
    # textbooks: category risk 45 instead of 50, and the seeded category:textbooks rules (buffer 7 %)
    status, body = _post("calculate-risk-score", {**EXAMPLE_A, "category": "Textbooks"})
    assert body["components"]["category"] == {"score": 45.0, "weight": 0.1, "weighted": 4.5}
    status, body = _post("calculate-analytics", {**EXAMPLE_A, "category": "Textbooks"})
    assert body["profit"]["costs"]["buffer"] == 1.4


def _row_counts() -> dict[str, int]:
    with session_scope() as session:
        return {table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("analyses", "business_config", "config_changes", "keepa_snapshots")}


@pytest.mark.parametrize("route", ROUTES)
def test_calculators_write_nothing(route: str) -> None:
    before = _row_counts()
    status, _ = _post(route, EXAMPLE_C)
    assert status == 200
    assert _row_counts() == before


def test_stated_fees_give_the_hand_computed_roi_net_to_the_cent() -> None:
    # GIVEN stated fees (under the alias referral_fee_percent), storage and returns rates and a 45-day sale cycle
    inputs = {"referral_fee_percent": "15", "fba_fee": "3.22", "prep_fee": "0.55", "storage_cost_monthly": "0.87",
              "return_rate_pct": "2.5", "estimated_sale_cycle_days": 45}
    sell, buy = Decimal("24.99"), Decimal("9.50")
    status, body = _post("calculate-analytics", {**EXAMPLE_A, **inputs, "sell_price": str(sell),
                                                 "buy_price": str(buy)})
    assert status == 200, body
    # WHEN the ROI net is worked by hand: fees = referral % x sell + FBA + prep + storage x days / 30 + returns % x sell
    referral = Decimal("0.15") * sell
    storage = Decimal("0.87") * 45 / 30
    returns = Decimal("0.025") * sell
    fees = referral + Decimal("3.22") + Decimal("0.55") + storage + returns
    net = (sell - buy) - fees
    roi = net / buy * 100

    def cents(value: Decimal) -> float:
        return float(value.quantize(Decimal("0.01"), ROUND_HALF_UP))

    # THEN every line, the total, the net and the ROI agree to the cent; closing, inbound and buffer are 0
    assert body["profit"]["costs"] == {
        "referral": cents(referral), "closing": 0.0, "fulfilment": 3.22, "inbound": 0.0, "prep": 0.55,
        "buffer": 0.0, "storage": cents(storage), "returns": cents(returns), "total": cents(fees)}
    assert (body["profit"]["net_profit"], body["profit"]["roi_pct"]) == (cents(net), cents(roi)) == (6.04, 63.6)
    assert body["fee_schedule"]["source"] == "request"


def test_without_stated_fees_the_config_storage_and_returns_rates_apply() -> None:
    # GIVEN a category whose rules charge storage 0.50 a month and 4 % returns
    category = f"shelf{random.randint(1_000, 999_999)}"
    with session_scope() as session:
        update_scope(session, scope=f"category:{category}",
                     patch={"fees": {"storage_per_unit_month": 0.5, "returns_pct": 4.0}}, changed_by="test")
    # WHEN example A is judged in that category over a 60-day cycle
    status, body = _post("calculate-analytics", {**EXAMPLE_A, "category": category, "estimated_sale_cycle_days": 60})
    # THEN storage is 0.50 x 60 / 30 and returns 4 % of 20, beside the default schedule's fees and buffer
    assert status == 200, body
    costs = body["profit"]["costs"]
    assert (costs["storage"], costs["returns"], costs["buffer"], costs["fulfilment"]) == (1.0, 0.8, 1.0, 3.5)
    assert body["fee_schedule"] == {"source": "rules", "category": "default", "weight_lb": 1.0}
