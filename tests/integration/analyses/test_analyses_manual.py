"""POST /api/v1/analyses (manual analysis) and GET /api/v1/analyses/{id}: numbers from the effective rules.

Expected numbers are worked by hand from the default rules (docs/rules.md): books fees at 1 lb are
0.15 P + 5.30, the buffer is 5 % of P, storage 0.10 a month over the strategy's holding days (balanced: 45,
so 0.15), returns 2 % of P, ROI = net / buy, max buy = (P - fees - storage - returns - buffer) / (1 + 30 %),
velocity from the rank against the books benchmark 100 000.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from arbvault.config.updates import update_scope
from arbvault.db import session_scope
from infra.http_events import http_api_event
from infra.lambda_context import LocalLambdaContext
from support import ADMIN, SOURCER, call, load_function


def _create(body: Any, *, identity: dict[str, str] | None = SOURCER,
            created: list[str] | None = None) -> tuple[int, dict[str, str], Any]:
    result = call("analyses", "POST", "/api/v1/analyses", json_body=body, identity=identity)
    if result[0] == 201 and created is not None:
        created.append(result[2]["id"])
    return result


def _get(analysis_id: str) -> tuple[int, Any]:
    status, _, body = call("analyses", "GET", f"/api/v1/analyses/{analysis_id}", route="/api/v1/analyses/{analysis_id}",
                           path_parameters={"analysis_id": analysis_id})
    return status, body


def test_manual_analysis_is_computed_stored_and_located(created: list[str]) -> None:
    # GIVEN a book bought at 8.00 and sold at 20.00 with sales rank 50 000
    body = {"identifier": "0-13-468599-7", "buy_price": 8, "sell_price": "20.00", "bsr": 50_000,
            "title": "Refactoring"}
    # WHEN it is analysed manually by a sourcer
    status, headers, item = _create(body, created=created)
    # THEN the rules' numbers are stored, with the caller as creator and a Location to read it back
    assert status == 201, item
    assert headers["location"] == f"/api/v1/analyses/{item['id']}"
    assert item["identifier"] == "0134685997" and item["asin"] == "0134685997"
    assert item["isbn13"] == "9780134685991" and item["title"] == "Refactoring"
    assert item["source"] == "manual" and item["created_by"] == SOURCER["key_id"] and item["job_id"] is None
    assert (item["buy_price"], item["sell_price"], item["fees"]) == (8.0, 20.0, 8.3)
    # 20 - 8.30 - 1.00 - 0.15 - 0.40 - 8
    assert (item["net_profit"], item["roi_pct"], item["margin_pct"]) == (2.15, 26.88, 10.75)
    assert item["max_buy_price"] == 7.81  # (20 - 8.30 - 0.15 - 0.40 - 1.00) / 1.30
    assert item["velocity_score"] == 85.0  # 100 - 30 x 50 000 / 100 000
    assert item["combined_score"] == 50.13  # 26.875 x 0.6 + 85 x 0.4
    # Stability (fallback 50) and confidence 60 meet GOOD's minima, not EXCELLENT's: the BUY row.
    assert item["recommendation"] == "BUY" and item["strategy"] == "balanced"
    assert item["stability_score"] == 50 and item["confidence_score"] == 60  # fallback; 0.3 fresh + 0.3 rank
    assert item["overall_rating"] == "GOOD" and item["bsr"] == 50_000 and item["domain_id"] == 1
    metrics = item["metrics"]  # the same field names as an ingest's engine analysis
    assert metrics["fees"] == {"category": "books", "weight_lb": 1, "referral": 3.0, "closing": 1.8,
                               "fulfilment": 2.9, "inbound": 0.4, "prep": 0.2, "total": 8.3}
    assert metrics["profit"]["costs"] == {"referral": 3.0, "closing": 1.8, "fulfilment": 2.9, "inbound": 0.4,
                                          "prep": 0.2, "buffer": 1.0, "storage": 0.15, "returns": 0.4,
                                          "total": 9.85}
    assert metrics["profit"]["tier"] == "fair"
    assert (metrics["target_roi_pct"], metrics["max_buy_price"], metrics["breakeven_buy_price"]) == (
        30, 7.81, 10.15)
    assert metrics["velocity"]["score"] == 85.0 and metrics["velocity"]["est_daily_sales"] == 0.43
    assert metrics["velocity_tier"] == "fast" and metrics["buy_price_source"] == "requested"
    assert (metrics["strategy"], metrics["strategy_auto_selected"]) == ("balanced", True)
    assert metrics["stability"] == {"score": 50, "level": "unknown", "sufficient_data": False}
    assert metrics["recommendation"]["label"] == "BUY" and metrics["risk_factors"] == []
    assert metrics["summary"] == "Buy: ROI 26.9%, excellent velocity, unknown price stability."
    assert (item["buy_price_source"], item["buy_condition"], item["sell_price_source"]) == (
        "requested", "used_good", "requested")
    # AND reading it back gives the same record
    status, read = _get(item["id"])
    assert status == 200 and read == item


def test_weight_and_missing_rank_change_fees_velocity_and_verdict(created: list[str]) -> None:
    status, _, item = _create({"identifier": "B00FLIJJSA", "buy_price": 8, "sell_price": 20, "weight_lb": 3},
                              created=created)
    assert status == 201, item
    assert item["isbn13"] is None and item["asin"] == "B00FLIJJSA"
    assert item["fees"] == 9.1  # FBA 2.50 + 0.40 x 3 lb
    assert (item["net_profit"], item["roi_pct"]) == (1.35, 16.88)
    assert item["velocity_score"] == 0.0 and item["metrics"]["velocity_tier"] == "unknown"
    assert item["recommendation"] == "PASS" and item["combined_score"] == 10.13  # no rank: velocity 0
    assert item["confidence_score"] == 39 and item["overall_rating"] == "PASS"
    assert item["metrics"]["primary_issue"] == "slow velocity"


def test_unprofitable_price_is_a_pass_with_negative_roi(created: list[str]) -> None:
    status, _, item = _create({"identifier": "B00FLIJJSA", "buy_price": 15, "sell_price": 20, "bsr": 10_000},
                              created=created)
    assert status == 201
    assert (item["net_profit"], item["roi_pct"]) == (-4.85, -32.33)
    assert item["recommendation"] == "PASS" and item["max_buy_price"] == 7.81
    assert item["combined_score"] == 38.8  # ROI clamped to 0; velocity 97 x 0.4


def test_named_strategy_is_kept(created: list[str]) -> None:
    for name in ("textbook", "aggressive"):
        status, _, item = _create({"identifier": "B00FLIJJSA", "buy_price": 8, "sell_price": 20, "strategy": name},
                                  created=created)
        assert status == 201
        assert item["strategy"] == name and item["metrics"]["strategy_auto_selected"] is False


def test_rules_come_from_the_effective_config_of_the_domain(created: list[str], domain_id: int) -> None:
    # GIVEN a domain whose rules aim at 20 % ROI with a 10 % buffer
    with session_scope() as session:
        update_scope(session, scope=f"domain:{domain_id}", changed_by="test",
                     patch={"roi": {"target_pct_default": 20.0}, "fees": {"buffer_pct_default": 10.0}})
    # WHEN the same prices are analysed in that domain
    status, _, item = _create({"identifier": "B00FLIJJSA", "buy_price": 8, "sell_price": 20, "bsr": 50_000,
                               "domain_id": domain_id}, created=created)
    # THEN the buffer and the target follow that domain
    assert status == 201, item
    assert item["domain_id"] == domain_id
    assert (item["net_profit"], item["roi_pct"]) == (1.15, 14.38)  # 20 - 8.30 - 2.00 - 0.15 - 0.40 - 8
    assert item["max_buy_price"] == 7.63  # (20 - 8.30 - 2.00 - 0.15 - 0.40) / 1.20
    assert item["recommendation"] == "PASS" and item["overall_rating"] == "PASS"  # ROI 14.38 < FAIR's 15


def test_category_picks_fee_schedule_and_category_rules(created: list[str]) -> None:
    # textbooks: the books fee schedule, and the seeded category:textbooks scope (buffer 7 %, target 40 %)
    status, _, item = _create({"identifier": "B00FLIJJSA", "buy_price": 8, "sell_price": 20,
                               "category": "Textbooks"}, created=created)
    assert status == 201, item
    assert item["fees"] == 8.3 and item["category"] == "Textbooks"
    assert (item["net_profit"], item["roi_pct"]) == (1.75, 21.88)
    assert item["max_buy_price"] == 6.96  # (20 - 8.30 - 1.40 - 0.15 - 0.40) / 1.40


@pytest.mark.parametrize(("change", "field"), [
    ({"identifier": "XYZ"}, "body.identifier"),
    ({"identifier": "9791234567896"}, "body.identifier"),
    ({"identifier": ""}, "body.identifier"),
    ({"buy_price": 0}, "body.buy_price"),
    ({"buy_price": -1}, "body.buy_price"),
    ({"sell_price": "20.005"}, "body.sell_price"),
    ({"sell_price": 100_000.01}, "body.sell_price"),
    ({"sell_price": None}, "body.sell_price"),
    ({"weight_lb": 0}, "body.weight_lb"),
    ({"bsr": 0}, "body.bsr"),
    ({"category": "non-fiction"}, "body.category"),
    ({"category": ""}, "body.category"),
    ({"strategy": "moonshot"}, "body.strategy"),
    ({"domain_id": 0}, "body.domain_id"),
    ({"domain_id": 40_000}, "body.domain_id"),
    ({"fees": 3}, "body.fees"),
])
def test_bad_body_is_422_naming_the_field(change: dict[str, Any], field: str) -> None:
    body = {"identifier": "B00FLIJJSA", "buy_price": 8, "sell_price": 20, **change}
    status, _, answer = _create({k: v for k, v in body.items() if v is not None})
    assert status == 422, answer
    assert field in [detail["field"] for detail in answer["error"]["details"]]
    assert "Traceback" not in str(answer)


def test_malformed_json_is_400() -> None:
    event = http_api_event("POST", "/api/v1/analyses", headers={"content-type": "application/json"},
                           body="{not json", authorizer=SOURCER)
    response = load_function("analyses").handler(event, LocalLambdaContext(function_name="analyses"))
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "malformed_json"


def test_create_without_identity_is_401() -> None:
    status, _, _answer = _create({"identifier": "B00FLIJJSA", "buy_price": 8, "sell_price": 20}, identity=None)
    assert status == 401


def test_get_unknown_is_404_and_malformed_id_is_422() -> None:
    unknown = str(uuid.uuid4())
    status, body = _get(unknown)
    assert status == 404 and unknown in body["error"]["message"]
    status, body = _get("not-a-uuid")
    assert status == 422 and body["error"]["details"][0]["field"] == "path.analysis_id"


def test_sourcer_does_not_read_analyses_of_other_keys(created: list[str]) -> None:
    status, _, item = _create({"identifier": "B00FLIJJSA", "buy_price": 8, "sell_price": 20}, identity=ADMIN,
                              created=created)
    assert status == 201
    status, _, read = call("analyses", "GET", f"/api/v1/analyses/{item['id']}", route="/api/v1/analyses/{analysis_id}",
                           path_parameters={"analysis_id": item["id"]}, identity=SOURCER)
    assert status == 404 and read["error"]["code"] == "not_found"
