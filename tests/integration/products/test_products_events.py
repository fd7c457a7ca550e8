"""The products function's sample events (events/products/), given to its real handler with an offline Keepa."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from infra.lambda_context import LocalLambdaContext
from infra.paths import EVENTS_DIR
from products_support import RecordingKeepa
from support import load_function

Check = Callable[[dict[str, Any]], bool]

EVENTS: dict[str, Check] = {
    "discover": lambda b: 1 <= b["count"] == len(b["asins"]) <= 10 and b["query"]["category"] == 3839,
    "discover_with_scoring": lambda b: 1 <= b["total_count"] == len(b["products"]) <= 5
    and all(p["velocity_score"] >= 30 and p["buy_price"] == 4.5 for p in b["products"]),
    "categories": lambda b: b["source"] == "table" and any(c["id"] == 283155 for c in b["categories"]),
    "stock_estimate": lambda b: b["asin"] == "1739104269" and b["source"] == "fresh" and b["offers_fba"] >= 1,
}


def test_every_products_event_is_checked() -> None:
    assert {path.stem for path in (EVENTS_DIR / "products").glob("*.json")} == set(EVENTS)


@pytest.mark.parametrize("scenario", sorted(EVENTS))
def test_products_event_gets_the_answer_it_documents(keepa: RecordingKeepa, scenario: str) -> None:
    event = json.loads((EVENTS_DIR / "products" / f"{scenario}.json").read_text())

    response = load_function("products").handler(event, LocalLambdaContext(function_name="products"))

    body = json.loads(response["body"])
    assert response["statusCode"] == 200, body
    assert EVENTS[scenario](body), body
