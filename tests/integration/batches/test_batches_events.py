"""The sample events in events/batches/, given to the real handler, get the answers they document; the ones
naming a job (a fixed id no database holds: 404) work once pointed at a real job, as with `arbvault invoke`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from batches_support import JobQueues, rows
from infra.keepa_offline import OfflineKeepa
from infra.lambda_context import LocalLambdaContext
from infra.paths import EVENTS_DIR
from infra.template import project_template
from support import load_function

SAMPLE_JOB = "3f8a2c1e-7b4d-4e9a-9c6f-1d2e3b4a5c6d"
SCENARIOS = ("create", "list", "get", "results", "cancel", "status", "estimate")


def _event(scenario: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / "batches" / f"{scenario}.json").read_text())
    return event


def _invoke(event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    response = load_function("batches").handler(event, LocalLambdaContext(function_name="batches"))
    return response["statusCode"], response.get("headers") or {}, json.loads(response["body"])


def _pointed_at(event: dict[str, Any], job_id: str) -> dict[str, Any]:
    event["pathParameters"]["batch_id"] = job_id
    event["rawPath"] = event["requestContext"]["http"]["path"] = event["rawPath"].replace(SAMPLE_JOB, job_id)
    return event


def test_every_scenario_has_a_file_and_a_template_route() -> None:
    assert {p.stem for p in (EVENTS_DIR / "batches").glob("*.json")} == set(SCENARIOS)
    routes = {route.key: route.function for route in project_template().routes}
    for scenario in SCENARIOS:
        event = _event(scenario)
        assert routes.get(event["routeKey"]) == "batches", scenario
        assert event["requestContext"]["routeKey"] == event["routeKey"]
        assert event["version"] == "2.0" and event["requestContext"]["stage"] == "$default"


def test_create_event_queues_a_job_and_is_idempotent(queues: JobQueues, keepa: OfflineKeepa) -> None:
    status, headers, body = _invoke(_event("create"))
    again = _invoke(_event("create"))

    assert status == 202, body
    assert body["items_total"] == 3 and headers["location"] == body["status_url"]
    assert again[0] == 202 and again[2]["batch_id"] == body["batch_id"]  # the file carries an Idempotency-Key
    (job,) = rows("SELECT owner_key_id, params FROM jobs")
    assert job["owner_key_id"] == "6b2e9d41-0c7a-4f3e-8a15-2d9c4e7b1f60"
    assert job["params"]["strategy"] == "balanced" and job["params"]["buy_price"] == "4.5"


def test_list_and_estimate_events_answer_200(queues: JobQueues, keepa: OfflineKeepa) -> None:
    status, _, listing = _invoke(_event("list"))
    assert status == 200, listing
    assert listing == {"items": [], "next_cursor": None}

    status, _, estimate = _invoke(_event("estimate"))
    assert status == 200, estimate
    assert estimate["tokens_required"] == 250 and estimate["sufficient"] is True


@pytest.mark.parametrize("scenario", ["get", "results", "cancel", "status"])
def test_job_events_as_shipped_are_404_and_work_on_a_real_job(queues: JobQueues, keepa: OfflineKeepa,
                                                               scenario: str) -> None:
    status, _, body = _invoke(_event(scenario))
    assert status == 404, body
    assert SAMPLE_JOB in body["error"]["message"]

    _, _, created = _invoke(_event("create"))
    status, _, body = _invoke(_pointed_at(_event(scenario), created["batch_id"]))

    assert status == 200, body
    if scenario in ("cancel", "status"):
        assert body["status"] == "CANCELLED"
    elif scenario == "get":
        assert body["id"] == created["batch_id"] and body["progress"]["total"] == 3
    else:
        assert body == {"items": [], "next_cursor": None}
