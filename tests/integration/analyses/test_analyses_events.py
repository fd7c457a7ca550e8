"""events/analyses/*.json, given to the analyses handler, get the answers they are meant to show."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import delete

from arbvault.db import session_scope
from arbvault.models import Analysis
from infra.lambda_context import LocalLambdaContext
from infra.paths import EVENTS_DIR
from infra.template import project_template
from support import load_function

UNKNOWN_ID = "6b1f0c2e-9a47-4d3b-8e15-2c7a9f0d4b68"


def _invoke(scenario: str) -> tuple[int, Any]:
    event = json.loads((EVENTS_DIR / "analyses" / f"{scenario}.json").read_text())
    response = load_function("analyses").handler(event, LocalLambdaContext(function_name="analyses"))
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.parametrize("scenario", ["list", "top", "get", "create", "delete"])
def test_event_route_is_the_analyses_functions(scenario: str) -> None:
    event = json.loads((EVENTS_DIR / "analyses" / f"{scenario}.json").read_text())
    routes = {route.key: route.function for route in project_template().routes}
    assert routes[event["routeKey"]] == "analyses"


def test_list_and_top_events_answer_pages(database_url: str) -> None:
    status, body = _invoke("list")
    assert status == 200 and isinstance(body["items"], list) and "next_cursor" in body
    assert all(item["roi_pct"] >= 15 for item in body["items"])
    status, body = _invoke("top")
    assert status == 200 and body["metric"] == "combined_score" and len(body["items"]) <= 5


def test_get_and_delete_events_name_an_unknown_analysis(database_url: str) -> None:
    for scenario in ("get", "delete"):
        status, body = _invoke(scenario)
        assert status == 404 and UNKNOWN_ID in body["error"]["message"]


def test_create_event_stores_a_manual_analysis(database_url: str) -> None:
    status, body = _invoke("create")
    try:
        assert status == 201, body
        assert body["asin"] == "0134685997" and body["isbn13"] == "9780134685991"
        assert body["roi_pct"] == 33.75 and body["recommendation"] == "STRONG BUY" and body["source"] == "manual"
    finally:
        with session_scope() as session:
            session.execute(delete(Analysis).where(Analysis.id == uuid.UUID(body["id"])))
