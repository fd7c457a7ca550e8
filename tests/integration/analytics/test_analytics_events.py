"""events/analytics/*.json, given to the analytics handler, get the decision card's answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.lambda_context import LocalLambdaContext
from infra.paths import EVENTS_DIR
from infra.template import project_template
from support import load_function

# scenario -> what its answer must show (the worked example A of test_analytics_calculators)
EXPECTED = {
    "analytics": lambda b: b["roi"]["roi_pct"] == 17.88 and b["velocity"]["score"] == 85.0,
    "risk_score": lambda b: b["risk_score"] == 12.25 and b["risk_level"] == "LOW",
    "recommendation": lambda b: b["recommendation"] == "BUY" and b["confidence_percent"] == 70.0,
    "product_decision": lambda b: b["recommendation"]["recommendation"] == "BUY" and b["risk"]["risk_score"] == 12.25,
}


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_event_gets_the_worked_answer(database_url: str, scenario: str) -> None:
    event: dict[str, Any] = json.loads((EVENTS_DIR / "analytics" / f"{scenario}.json").read_text())
    assert {route.key: route.function for route in project_template().routes}[event["routeKey"]] == "analytics"
    response = load_function("analytics").handler(event, LocalLambdaContext(function_name="analytics"))
    body = json.loads(response["body"])
    assert response["statusCode"] == 200, body
    assert EXPECTED[scenario](body), body


def test_every_analytics_event_is_checked() -> None:
    assert {path.stem for path in (EVENTS_DIR / "analytics").glob("*.json")} == set(EXPECTED)
