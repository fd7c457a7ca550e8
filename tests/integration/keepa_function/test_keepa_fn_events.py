"""The sample events in events/keepa/, given to the keepa handler against an offline Keepa, get their answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from infra.keepa_offline import OfflineKeepa
from infra.lambda_context import LocalLambdaContext
from infra.paths import EVENTS_DIR
from infra.template import project_template
from support import load_function

CHECKS: dict[str, tuple[int, Callable[[dict[str, Any]], bool]]] = {
    "ingest": (200, lambda b: [i["asin"] for i in b["items"]] == ["1739104269", "1639584722", "0972351868"]
               and all(i["buy_price"] == 4.5 for i in b["items"]) and b["tokens_consumed"] == 3),
    "metrics": (200, lambda b: b["asin"] == "1739104269" and b["analysis"]["buy_price"] == 4.5),
    "raw": (200, lambda b: b["product"]["asin"] == "1639584722" and b["options"]["stats_days"] == 90),
    "tokens": (200, lambda b: b["tokens_left"] == 1200 and b["source"] == "token_endpoint"),
}


def test_every_keepa_event_file_is_checked() -> None:
    assert {p.stem for p in (EVENTS_DIR / "keepa").glob("*.json")} == set(CHECKS)


@pytest.mark.parametrize("scenario", sorted(CHECKS))
def test_keepa_event_gets_its_answer(keepa: OfflineKeepa, scenario: str) -> None:
    event = json.loads((EVENTS_DIR / "keepa" / f"{scenario}.json").read_text())
    routes = {route.key: route.function for route in project_template().routes}
    assert routes.get(event["routeKey"]) == "keepa"

    response = load_function("keepa").handler(event, LocalLambdaContext(function_name="keepa"))

    status, check = CHECKS[scenario]
    body = json.loads(response["body"])
    assert response["statusCode"] == status, body
    assert check(body), body
