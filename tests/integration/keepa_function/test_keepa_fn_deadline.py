"""A function whose Keepa is slow answers 503 before its own timeout, instead of being killed mid-request."""

from __future__ import annotations

import json
import time

import pytest

from arbvault.deadline import reserve_for, seconds_left
from infra.http_events import http_api_event
from infra.lambda_context import LocalLambdaContext
from keepa_testing import MakeKeepa
from support import SOURCER, load_function

TIMEOUT_SECONDS = 4.0


@pytest.mark.perf
def test_a_slow_keepa_is_a_503_within_the_functions_timeout(make_keepa: MakeKeepa) -> None:
    make_keepa(latency_ms=30_000)
    event = http_api_event("GET", "/api/v1/keepa/1739104269/metrics", route_key="GET /api/v1/keepa/{asin}/metrics",
                           path_parameters={"asin": "1739104269"}, headers={"host": "localhost"},
                           authorizer=SOURCER)
    started = time.monotonic()
    response = load_function("keepa").handler(event, LocalLambdaContext("keepa", timeout_seconds=TIMEOUT_SECONDS))
    elapsed = time.monotonic() - started
    assert response["statusCode"] == 503, response["body"]
    assert json.loads(response["body"])["error"]["code"] == "keepa_unavailable"
    assert elapsed < TIMEOUT_SECONDS - reserve_for(TIMEOUT_SECONDS) + 0.3, elapsed  # the reserve is left to answer
    assert seconds_left() is None  # the deadline ended with the invocation
