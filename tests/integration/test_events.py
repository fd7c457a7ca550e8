"""The sample events in events/: each one, given to its function's real handler, gets the answer it documents.

The same files serve `arbvault invoke` and `sam local invoke`, so a drifting route, a stale body or a changed
response shape shows up here first. HTTP events (payload 2.0) are checked by status and body; those of the
functions that call Keepa meet a fresh offline Keepa and the template's queues in moto. The authorizer's
REQUEST events, and the SQS records and schedule of the job functions, are checked by what their handlers return.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from arbvault.db import session_scope
from arbvault.jobs.creation import create_job
from db_testing import execute, rows
from infra.keepa_offline import OfflineKeepa
from infra.lambda_context import LocalLambdaContext
from infra.paths import EVENTS_DIR
from infra.template import project_template
from jobs_testing import JobQueues
from keepa_testing import MakeKeepa, book_isbns
from support import ADMIN, MakeKey, load_function

Check = Callable[[dict[str, Any]], bool]

UNKNOWN_ANALYSIS = "6b1f0c2e-9a47-4d3b-8e15-2c7a9f0d4b68"
"""The analysis the get and delete events name: no database holds it."""
SAMPLE_JOB = "3f8a2c1e-7b4d-4e9a-9c6f-1d2e3b4a5c6d"
"""The batch the batches events name: no database holds it (point them at a real one to read it)."""
UNKNOWN_JOB = "3b9f1c2e-7d4a-4e8b-9f21-6a0c5d7e8f90"
"""The job of the batch_worker and dlq_handler records: no database holds it."""
UNKNOWN_SAVED_NICHE = "9d4e2b7a-1c3f-4a8e-b6d0-5f2a7c9e1b34"
"""The saved niche the bookmarks get event names: no database holds it."""


def _names_the_sample_job(body: dict[str, Any]) -> bool:
    return SAMPLE_JOB in body["error"]["message"]


# Every HTTP event: (function, scenario) -> expected status and what its JSON body must satisfy.
HTTP_EVENTS: dict[tuple[str, str], tuple[int, Check]] = {
    ("health", "live"): (200, lambda b: b["status"] == "alive" and bool(b["version"])),
    ("health", "ready"): (200, lambda b: b["status"] == "ready" and b["checks"]["database"]["status"] == "ok"),
    ("config", "get"): (200, lambda b: b["scope"] == "effective:domain:1:category:books"
                        and b["config"]["roi"]["target_pct_default"] > 0),
    ("config", "put"): (200, lambda b: b["scope"] == "category:event_sample"
                        and b["config"]["roi"]["target_pct_default"] == 35.0 and b["version"] >= 1),
    ("config", "preview"): (200, lambda b: b["config_summary"]["demo_asins_tested"] == 3
                            and b["config_summary"]["changes_detected"] == 3 and b["validation_warnings"] == []),
    ("config", "changes"): (200, lambda b: isinstance(b["items"], list) and "next_cursor" in b),
    ("config", "stats"): (200, lambda b: b["total_configs"] >= 1 and "config_changes" in b["tables"]),
    ("api_keys", "create"): (201, lambda b: b["name"] == "sample event key" and b["role"] == "sourcer"
                             and b["key"].startswith(b["prefix"])),
    ("api_keys", "list"): (200, lambda b: isinstance(b["items"], list) and "next_cursor" in b),
    ("api_keys", "revoke"): (404, lambda b: b["error"]["code"] == "not_found"
                             and "8d1c7e52-4a0f-4b6e-9d3a-5f2e1c0b7a94" in b["error"]["message"]),
    ("api_keys", "me"): (404, lambda b: b["error"]["code"] == "not_found"
                         and "5e2b9c1d-4f3a-4c8e-a7d2-9b0c1e6f3a58" in b["error"]["message"]),
    ("analyses", "list"): (200, lambda b: isinstance(b["items"], list) and "next_cursor" in b
                           and all(item["roi_pct"] >= 15 for item in b["items"])),
    ("analyses", "top"): (200, lambda b: b["metric"] == "combined_score" and len(b["items"]) <= 5),
    ("analyses", "get"): (404, lambda b: UNKNOWN_ANALYSIS in b["error"]["message"]),
    ("analyses", "delete"): (404, lambda b: UNKNOWN_ANALYSIS in b["error"]["message"]),
    ("analyses", "create"): (201, lambda b: b["asin"] == "0134685997" and b["isbn13"] == "9780134685991"
                             and b["roi_pct"] == 26.88 and b["recommendation"] == "BUY"
                             and b["source"] == "manual"),
    # The analytics events are the worked example A of test_analytics_calculators.
    ("analytics", "analytics"): (200, lambda b: b["profit"]["roi_pct"] == 27.5 and b["velocity"]["score"] == 85.0),
    ("analytics", "risk_score"): (200, lambda b: b["risk_score"] == 12.25 and b["risk_level"] == "LOW"),
    ("analytics", "recommendation"): (200, lambda b: b["recommendation"] == "BUY"
                                      and b["confidence_pct"] == 70.0),
    ("analytics", "product_decision"): (200, lambda b: b["decision"]["recommendation"] == "BUY"
                                        and b["risk"]["risk_score"] == 12.25),
    ("keepa", "ingest"): (200, lambda b: [i["asin"] for i in b["items"]] == ["1739104269", "1639584722", "0972351868"]
                          and all(i["buy_price"] == 4.5 for i in b["items"]) and b["tokens_used"] == 6 + 1 + 1),
    ("keepa", "metrics"): (200, lambda b: b["asin"] == "1739104269" and b["analysis"]["buy_price"] == 4.5),
    ("keepa", "raw"): (200, lambda b: b["product"]["asin"] == "1639584722" and b["options"]["stats_days"] == 90),
    ("keepa", "tokens"): (200, lambda b: b["tokens_left"] == 1200 and b["source"] == "token_endpoint"),
    ("products", "discover"): (200, lambda b: 1 <= b["count"] == len(b["asins"]) <= 10
                               and b["query"]["category_id"] == 3839),
    ("products", "discover_with_scoring"): (200, lambda b: 1 <= b["count"] == len(b["products"]) <= 5
                                            and all(p["velocity_score"] >= 30 and p["buy_price"] == 4.5
                                                    for p in b["products"])),
    ("products", "categories"): (200, lambda b: b["source"] == "table"
                                 and any(c["category_id"] == 283155 for c in b["categories"])),
    ("products", "stock_estimate"): (200, lambda b: b["asin"] == "1739104269" and b["source"] == "fresh"
                                     and b["offers_fba"] >= 1),
    ("asin_history", "watch"): (201, lambda b: b["asin"] == "1739104269" and b["tokens_used"] == 1),
    ("asin_history", "list_watches"): (200, lambda b: isinstance(b["items"], list) and "next_cursor" in b),
    ("asin_history", "unwatch"): (404, lambda b: "5c0e7a21-3f4b-4d8e-9a6c-2b1d0e9f8a73" in b["error"]["message"]),
    ("asin_history", "trends"): (200, lambda b: b["source"] == "KEEPA_CSV" and b["data_points"] == 30),
    ("asin_history", "records"): (200, lambda b: isinstance(b["items"], list) and "next_cursor" in b),
    ("asin_history", "latest"): (404, lambda b: b["error"]["code"] == "not_found"),
    ("views", "list"): (200, lambda b: len(b["views"]) == 6 and b["views"][0]["view_type"] == "dashboard"),
    ("views", "score"): (200, lambda b: b["metadata"]["successful_scores"] == 3 and b["tokens_used"] == 3
                         and [p["rank"] for p in b["products"]] == [1, 2, 3]),
    ("strategic_views", "list"): (200, lambda b: len(b["views"]) == 5),
    ("strategic_views", "rank"): (200, lambda b: b["view_type"] == "velocity" and b["total_analyzed"] == 3
                                  and b["tokens_used"] == 9),
    ("strategic_views", "target_prices"): (200, lambda b: b["roi_target_pct"] == 50.0
                                           and b["products_count"] + b["summary"]["amazon_exclusions"]["excluded_count"]
                                           == 3),
    ("niches", "templates"): (200, lambda b: b["count"] == len(b["items"]) == 15
                              and b["items"][0]["id"] == "tech-books-python"),
    ("batches", "create"): (202, lambda b: b["items_total"] == 3),
    ("batches", "list"): (200, lambda b: b == {"items": [], "next_cursor": None}),
    ("batches", "estimate"): (200, lambda b: b["tokens_required"] == 150 * 6 and b["sufficient"] is True),
    ("autosourcing", "profiles"): (200, lambda b: {"Textbooks Conservateur", "Electronics Opportunity",
                                                    "Niche Explorer"} <= {p["name"] for p in b}),
    ("autosourcing", "estimate"): (200, lambda b: b["tokens_estimated"] == 12 + 50 * 6  # finder, 50 lookups with offers
                                                       and b["safe_to_proceed"] is True),
    ("autoscheduler", "status"): (200, lambda b: b["scheduled_hours"] and "next_run_at" in b
                                  and b["effective_enabled"] == (b["enabled"] and b["today"] not in b["skip_dates"]
                                                                 and b["pause_until"] is None)),
    ("autoscheduler", "metrics"): (200, lambda b: b["day"] == "2026-11-26"
                                   and set(b["tier_distribution"]) == {"HOT", "TOP", "WATCH", "OTHER"}),
    ("bookmarks", "save"): (201, lambda b: b["niche_name"] == "Programming books" and b["last_score"] == 7.5
                            and b["filters"]["analyze"]["criteria"]["sample_size"] == 10),
    ("bookmarks", "list"): (200, lambda b: isinstance(b["items"], list) and "next_cursor" in b),
    ("bookmarks", "get"): (404, lambda b: b["error"]["code"] == "saved_niche_not_found"
                           and UNKNOWN_SAVED_NICHE in b["error"]["message"]),
    ("batches", "get"): (404, _names_the_sample_job),
    ("batches", "results"): (404, _names_the_sample_job),
    ("batches", "cancel"): (404, _names_the_sample_job),
    ("batches", "status"): (404, _names_the_sample_job),
}
KEEPA_FUNCTIONS = {"keepa", "products", "batches", "asin_history", "views", "strategic_views", "autosourcing"}
"""Functions whose events meet the offline Keepa (and the queues, for the jobs they create)."""
AUTHORIZER_EVENTS = {("authorizer", "allowed"), ("authorizer", "denied")}
RECORD_EVENTS = {("batch_worker", "chunk_message"), ("batch_worker", "malformed_message"),
                 ("dlq_handler", "dead_letter"), ("outbox_relay", "schedule"), ("history_tracker", "schedule"),
                 ("autoscheduler_tick", "schedule")}
"""The SQS records and the schedule of the job functions."""


def _event(function: str, scenario: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / function / f"{scenario}.json").read_text())
    return event


def _invoke(function: str, event: dict[str, Any]) -> Any:
    return load_function(function).handler(event, LocalLambdaContext(function_name=function))


def _http(function: str, event: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
    response = _invoke(function, event)
    return response["statusCode"], response.get("headers") or {}, json.loads(response["body"])


def _identities() -> list[str]:
    """The API key ids the HTTP events carry as their authorizer's identity."""
    contexts = [_event(*name)["requestContext"] for name in HTTP_EVENTS]
    return sorted({c["authorizer"]["lambda"]["key_id"] for c in contexts if "authorizer" in c})


@pytest.fixture
def events_stored_nothing(database_url: str) -> Iterator[None]:
    """Analyses the events store outside jobs (manual ones, synchronous ingests), watches and saved niches are
    deleted after the test."""
    yield
    execute("DELETE FROM analyses WHERE job_id IS NULL AND created_by = ANY(:ids)", ids=_identities())
    execute("DELETE FROM asin_watches WHERE owner_key_id = ANY(:ids)", ids=_identities())
    execute("DELETE FROM saved_niches WHERE owner_key_id = ANY(:ids)", ids=_identities())


@pytest.fixture
def fresh_keepa(clean_catalog: None, clean_jobs: None, queues: JobQueues, make_keepa: MakeKeepa) -> OfflineKeepa:
    """What the Keepa events meet: no Keepa or job state, the template's queues, and a fresh offline Keepa with
    the server's default balance (1,200 tokens, 20 per minute), as `arbvault keepa-offline` starts it."""
    return make_keepa()


# ---------------------------------------------------------------------------------------------- the files
def test_every_event_file_is_covered() -> None:
    files = {(p.parent.name, p.stem) for p in EVENTS_DIR.glob("*/*.json")}
    assert files == set(HTTP_EVENTS) | AUTHORIZER_EVENTS | RECORD_EVENTS


@pytest.mark.parametrize(("function", "scenario"), sorted(HTTP_EVENTS))
def test_http_event_route_is_in_template_and_served_by_its_function(function: str, scenario: str) -> None:
    event = _event(function, scenario)
    routes = {route.key: route.function for route in project_template().routes}
    assert routes.get(event["routeKey"]) == function
    assert event["requestContext"]["routeKey"] == event["routeKey"]
    method, path = event["routeKey"].split(" ", 1)
    assert event["requestContext"]["http"]["method"] == method
    if event.get("pathParameters"):
        assert all(f"{{{name}}}" in path for name in event["pathParameters"])


@pytest.mark.parametrize(("function", "scenario"), sorted({*HTTP_EVENTS, *AUTHORIZER_EVENTS}))
def test_http_and_authorizer_events_are_payload_2_0(function: str, scenario: str) -> None:
    event = _event(function, scenario)
    assert event["version"] == "2.0"
    assert event["requestContext"]["stage"] == "$default"


# ---------------------------------------------------------------------------------------------- HTTP events
@pytest.mark.parametrize(("function", "scenario"), sorted(k for k in HTTP_EVENTS if k[0] not in KEEPA_FUNCTIONS))
def test_http_event_gets_documented_answer(events_stored_nothing: None, function: str, scenario: str) -> None:
    expected_status, check = HTTP_EVENTS[(function, scenario)]
    status, _, body = _http(function, _event(function, scenario))
    assert status == expected_status, body
    assert check(body), body


@pytest.mark.parametrize(("function", "scenario"), sorted(k for k in HTTP_EVENTS if k[0] in KEEPA_FUNCTIONS))
def test_keepa_http_event_gets_documented_answer(fresh_keepa: OfflineKeepa, events_stored_nothing: None,
                                                 function: str, scenario: str) -> None:
    expected_status, check = HTTP_EVENTS[(function, scenario)]
    status, _, body = _http(function, _event(function, scenario))
    assert status == expected_status, body
    assert check(body), body


def test_config_changes_event_lists_the_put_events_change(database_url: str) -> None:
    # GIVEN the put event applied
    status, _, written = _http("config", _event("config", "put"))
    assert status == 200
    # WHEN the changes event asks for that scope's history
    status, _, body = _http("config", _event("config", "changes"))
    # THEN the newest change is the put's, with its reason and the identity of the event
    assert status == 200
    newest = body["items"][0]
    assert newest["scope"] == "category:event_sample"
    assert newest["new_version"] == written["version"]
    assert newest["change_reason"] == "sample event: a category target"
    assert newest["changed_by"] == "event-admin"


def test_revoke_event_revokes_the_key_it_names(database_url: str) -> None:
    # GIVEN a key created with the create event, and the revoke event pointed at it
    status, _, created = _http("api_keys", _event("api_keys", "create"))
    assert status == 201
    event = copy.deepcopy(_event("api_keys", "revoke"))
    event["pathParameters"]["key_id"] = created["id"]
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/api/v1/api-keys/{created['id']}"
    # WHEN it is invoked
    status, _, body = _http("api_keys", event)
    # THEN that key is revoked
    assert status == 200
    assert body["id"] == created["id"] and body["revoked_at"] is not None


def test_create_batch_event_queues_a_job_of_its_identity_and_is_idempotent(fresh_keepa: OfflineKeepa) -> None:
    status, headers, body = _http("batches", _event("batches", "create"))
    again = _http("batches", _event("batches", "create"))

    assert status == 202, body
    assert body["items_total"] == 3 and headers["location"] == body["status_url"]
    assert again[0] == 202 and again[2]["id"] == body["id"]  # the file carries an Idempotency-Key
    (job,) = rows("SELECT owner_key_id, params FROM jobs")
    assert job["owner_key_id"] == "6b2e9d41-0c7a-4f3e-8a15-2d9c4e7b1f60"
    assert job["params"]["strategy"] == "balanced" and job["params"]["buy_price"] == "4.5"


def _pointed_at(event: dict[str, Any], job_id: str) -> dict[str, Any]:
    event["pathParameters"]["batch_id"] = job_id
    event["rawPath"] = event["requestContext"]["http"]["path"] = event["rawPath"].replace(SAMPLE_JOB, job_id)
    return event


@pytest.mark.parametrize("scenario", ["get", "results", "cancel", "status"])
def test_batch_job_events_work_once_pointed_at_a_real_job(fresh_keepa: OfflineKeepa, scenario: str) -> None:
    _, _, created = _http("batches", _event("batches", "create"))
    status, _, body = _http("batches", _pointed_at(_event("batches", scenario), created["id"]))

    assert status == 200, body
    if scenario in ("cancel", "status"):
        assert body["status"] == "CANCELLED"
    elif scenario == "get":
        assert body["id"] == created["id"] and body["progress"]["total"] == 3
    else:
        assert body == {"items": [], "next_cursor": None}


# ---------------------------------------------------------------------------------------------- authorizer
def test_authorizer_allowed_event_with_a_real_key_allows_with_identity(make_key: MakeKey) -> None:
    event = _event("authorizer", "allowed")
    assert event["type"] == "REQUEST" and event["headers"]["x-api-key"] == "REPLACE_WITH_AN_API_KEY"
    _, event["headers"]["x-api-key"] = make_key(name=f"events-{uuid.uuid4().hex[:8]}", role="admin")
    result = _invoke("authorizer", event)
    assert result["isAuthorized"] is True
    assert result["context"]["role"] == "admin" and uuid.UUID(result["context"]["key_id"])


def test_authorizer_allowed_event_as_shipped_is_denied(database_url: str) -> None:
    # The file holds a placeholder, never a key: invoked unchanged it must not open the door.
    assert _invoke("authorizer", _event("authorizer", "allowed")) == {"isAuthorized": False}


def test_authorizer_denied_event_is_denied(database_url: str) -> None:
    event = _event("authorizer", "denied")
    assert event["type"] == "REQUEST"
    assert _invoke("authorizer", event) == {"isAuthorized": False}


# ---------------------------------------------------------------------------------------------- job functions
@pytest.mark.parametrize("scenario", ["chunk_message", "malformed_message"])
def test_worker_records_for_no_job_are_reported_failed(database_url: str, scenario: str) -> None:
    event = _event("batch_worker", scenario)
    response = _invoke("batch_worker", event)
    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}


def test_dlq_record_of_an_unknown_job_is_recorded_once(clean_jobs: None) -> None:
    event = _event("dlq_handler", "dead_letter")
    assert _invoke("dlq_handler", event) == {"batchItemFailures": []}
    assert _invoke("dlq_handler", event) == {"batchItemFailures": []}  # the DLQ redelivers too: recorded once
    [letter] = rows("SELECT * FROM job_dead_letters")
    assert letter["message_id"] == event["Records"][0]["messageId"] and letter["receive_count"] == 6
    assert letter["reason"].startswith(f"unknown job {UNKNOWN_JOB}")


def test_relay_schedule_publishes_the_unsent_outbox(clean_jobs: None, queues: JobQueues) -> None:
    # GIVEN a job of two chunks whose messages wait in the outbox
    with session_scope() as session:
        job, _ = create_job(session, kind="batch", identifiers=book_isbns(150), owner_key_id=ADMIN["key_id"])

    # WHEN the schedule event runs the relay
    report = _invoke("outbox_relay", _event("outbox_relay", "schedule"))

    # THEN both messages reached the jobs queue
    assert report == {"redriven": 0, "reannounced": 0, "sent": 2, "unsent": 0, "pruned": 0}
    assert {json.loads(m["Body"])["job_id"] for m in queues.messages()} == {str(job.id)}
    assert len(queues.messages()) == 2


def test_autoscheduler_tick_schedule_queues_nothing_while_the_seeded_scheduler_is_off(
        clean_jobs: None, queues: JobQueues) -> None:
    # GIVEN the scheduler as the migration seeds it: off, hours 8, 15 and 20
    execute("TRUNCATE autoscheduler_slots")

    # WHEN the 08:00 schedule event runs the tick
    report = _invoke("autoscheduler_tick", _event("autoscheduler_tick", "schedule"))

    # THEN its slot is named, and nothing ran because the scheduler is off
    assert report["slot_date"] == "2026-11-26" and report["slot_hour"] == 8
    assert (report["action"], report["reason"], report["run_id"]) == ("OFF", "disabled", None)
    assert rows("SELECT id FROM jobs") == [] and queues.messages() == []


def test_history_tracker_schedule_records_the_watch_events_product(fresh_keepa: OfflineKeepa,
                                                                   events_stored_nothing: None) -> None:
    # GIVEN the watch event's product watched, and no point recorded yet
    execute("TRUNCATE asin_history, asin_tracker_days")
    assert _http("asin_history", _event("asin_history", "watch"))[0] == 201

    # WHEN the schedule event runs the tracker, twice, with the template's timeout
    handler = load_function("history_tracker").handler
    first, second = (handler(_event("history_tracker", "schedule"),
                             LocalLambdaContext(function_name="history_tracker", timeout_seconds=300))
                     for _ in range(2))

    # THEN one point was recorded, from the snapshot the watch stored (no token), and the second run added none
    assert first["stop_reason"] == "DONE" and first["points_recorded"] == 1 and first["tokens_used"] == 0
    assert second["points_recorded"] == 0
    status, _, latest = _http("asin_history", _event("asin_history", "latest"))
    assert status == 200 and latest["asin"] == "1739104269"
    execute("TRUNCATE asin_history, asin_tracker_days")
