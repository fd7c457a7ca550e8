"""Bad analytics bodies: 422 naming the field (or 400 for broken JSON, 401 without a key), never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.http_events import http_api_event
from infra.lambda_context import LocalLambdaContext
from support import SOURCER, call, load_function

ROUTES = ("calculate-analytics", "calculate-risk-score", "generate-recommendation", "product-decision")
VALID: dict[str, Any] = {"asin": "B00FLIJJSA", "buy_price": 8, "sell_price": 20}


def _post(route: str, body: Any, identity: dict[str, str] | None = SOURCER) -> tuple[int, Any]:
    status, _, answer = call("analytics", "POST", f"/api/v1/analytics/{route}", json_body=body, identity=identity)
    return status, answer


@pytest.mark.parametrize(("change", "field"), [
    ({"buy_price": None}, "body.buy_price"),
    ({"sell_price": 0}, "body.sell_price"),
    ({"sell_price": "19.999"}, "body.sell_price"),
    ({"asin": "XYZ"}, "body.asin"),
    ({"asin": "0134685998"}, "body.asin"),
    ({"category": "non-fiction"}, "body.category"),
    ({"domain_id": 0}, "body.domain_id"),
    ({"bsr": 0}, "body.bsr"),
    ({"bsr_history": [{"timestamp": "2026-01-01T00:00:00", "bsr": 5}]}, "body.bsr_history.0.timestamp"),
    ({"bsr_history": [{"timestamp": "2026-01-01T00:00:00Z", "bsr": -5}]}, "body.bsr_history.0.bsr"),
    ({"bsr_history": [{"timestamp": "2026-01-01T00:00:00Z", "bsr": 5}] * 1001}, "body.bsr_history"),
    ({"price_history": [{"price": 20}, {"price": -1}]}, "body.price_history.1.price"),
    ({"price_history": [{"cost": 20}]}, "body.price_history.0.price"),
    ({"seller_count": 5, "fba_seller_count": 6}, "body.fba_seller_count"),
    ({"amazon_has_buy_box": True}, "body.amazon_has_buy_box"),
    ({"return_rate_pct": 101}, "body.return_rate_pct"),
    ({"storage_cost_monthly": -0.01}, "body.storage_cost_monthly"),
    ({"estimated_sale_cycle_days": 0}, "body.estimated_sale_cycle_days"),
    ({"weight_lb": 0}, "body.weight_lb"),
    ({"referral_fee_percent": 100}, "body.referral_fee_percent"),
    ({"referral_fee_percent": "15.001"}, "body.referral_fee_percent"),
    ({"fba_fee": -0.01}, "body.fba_fee"),
    ({"prep_fee": 1001}, "body.prep_fee"),
    ({"sales_rank_drops_30": -1}, "body.sales_rank_drops_30"),
    ({"sales_rank_drops_90": 1.5}, "body.sales_rank_drops_90"),
])
def test_bad_field_is_422_naming_it(change: dict[str, Any], field: str) -> None:
    body = {k: v for k, v in {**VALID, **change}.items() if v is not None}
    status, answer = _post("product-decision", body)
    assert status == 422, answer
    assert field in [detail["field"] for detail in answer["error"]["details"]]
    assert set(answer) == {"error", "request_id"}


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_checks_the_body_and_the_key(route: str) -> None:
    status, answer = _post(route, {"asin": "B00FLIJJSA"})
    assert status == 422
    assert {"body.buy_price", "body.sell_price"} <= {d["field"] for d in answer["error"]["details"]}
    status, _ = _post(route, VALID, identity=None)
    assert status == 401
    status, answer = _post(route, VALID)
    assert status == 200 and answer["asin"] == "B00FLIJJSA"


def test_broken_json_is_400() -> None:
    event = http_api_event("POST", "/api/v1/analytics/product-decision", headers={"content-type": "application/json"},
                           body='{"asin": ', authorizer=SOURCER)
    response = load_function("analytics").handler(event, LocalLambdaContext(function_name="analytics"))
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "malformed_json"


def test_isbn13_is_accepted_and_normalised() -> None:
    status, answer = _post("calculate-risk-score", {**VALID, "asin": "978-0-13-468599-1"})
    assert status == 200 and answer["asin"] == "9780134685991"
