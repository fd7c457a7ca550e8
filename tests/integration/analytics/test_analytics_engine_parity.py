"""One velocity model and one profit definition across the functions: the same inputs give the same numbers from
the keepa function's metrics, the analyses function's manual analysis and the analytics calculators."""

from __future__ import annotations

from typing import Any

import pytest

from keepa_testing import MakeKeepa
from support import ADMIN, SOURCER, call

REFACTORING = "0134685997"
VELOCITY_FIELDS = ("score", "rank_score", "drops_score", "rank_band", "est_daily_sales", "est_monthly_sales",
                   "sales_source")


@pytest.fixture(autouse=True)
def _offline_keepa(clean_catalog: None, make_keepa: MakeKeepa) -> None:
    make_keepa()


def _keepa(identifier: str, view: str) -> dict[str, Any]:
    status, _, body = call("keepa", "GET", f"/api/v1/keepa/{identifier}/{view}", route=f"/api/v1/keepa/{{asin}}/{view}",
                           path_parameters={"asin": identifier}, identity=ADMIN if view == "raw" else SOURCER)
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def _analytics(body: dict[str, Any]) -> dict[str, Any]:
    status, _, answer = call("analytics", "POST", "/api/v1/analytics/calculate-analytics", json_body=body,
                             identity=SOURCER)
    assert status == 200, answer
    return answer  # type: ignore[no-any-return]


def test_metrics_and_analytics_give_the_same_velocity_for_the_same_rank_and_drops() -> None:
    # GIVEN the metrics of a book from the offline Keepa, and the rank drops in its Keepa stats
    analysis = _keepa(REFACTORING, "metrics")["analysis"]
    stats = _keepa(REFACTORING, "raw")["product"]["stats"]
    drops30, drops90 = stats["salesRankDrops30"], stats["salesRankDrops90"]
    assert analysis["bsr"] > 0 and drops30 >= 0
    # WHEN the calculators are given the same rank, drops and category
    answer = _analytics({"asin": REFACTORING, "category": analysis["root_category"], "bsr": analysis["bsr"],
                         "sales_rank_drops_30": drops30, "sales_rank_drops_90": drops90,
                         "buy_price": 5, "sell_price": 20})
    # THEN score, rank band, tier and sales per day agree
    velocity = answer["velocity"]
    assert {field: velocity[field] for field in VELOCITY_FIELDS} == {
        field: analysis["velocity"][field] for field in VELOCITY_FIELDS}
    assert velocity["benchmark_bsr"] == analysis["velocity"]["benchmark"]
    assert velocity["velocity_tier"] == analysis["velocity_tier"]
    assert analysis["velocity"]["sales_source"] == "rank_drops"


def test_manual_analysis_and_analytics_give_the_same_profit_lines() -> None:
    # GIVEN a manual analysis under the balanced strategy (holding 30-60 days: storage over 45)
    status, _, item = call("analyses", "POST", "/api/v1/analyses", identity=SOURCER, json_body={
        "identifier": REFACTORING, "buy_price": "7.25", "sell_price": "31.49", "weight_lb": "1.8",
        "strategy": "balanced", "bsr": 12_000})
    assert status == 201, item
    # WHEN the calculators are given the same prices, weight, category and a 45-day sale cycle
    answer = _analytics({"asin": REFACTORING, "buy_price": "7.25", "sell_price": "31.49",
                         "weight_lb": "1.8", "bsr": 12_000, "estimated_sale_cycle_days": 45})
    # THEN every cost line, the net, the ROI and the tier are the same, under the same field names
    assert answer["profit"] == item["metrics"]["profit"]
    assert answer["profit"]["costs"]["storage"] == 0.15 and answer["profit"]["costs"]["returns"] == 0.63
    assert answer["velocity"]["score"] == item["metrics"]["velocity"]["score"]
