"""The sample events in events/: each one, given to its function's real handler, gets the answer it documents.

The same files serve `arbvault invoke` and `sam local invoke`, so a drifting route, a stale body or a changed
response shape shows up here first.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from arbvault.auth import create_api_key
from arbvault.db import session_scope
from infra.lambda_context import LocalLambdaContext
from infra.paths import EVENTS_DIR
from infra.template import project_template
from support import load_function

Check = Callable[[dict[str, Any]], bool]

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
}


def _event(function: str, scenario: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / function / f"{scenario}.json").read_text())
    return event


def _invoke(function: str, event: dict[str, Any]) -> Any:
    return load_function(function).handler(event, LocalLambdaContext(function_name=function))


def _http(function: str, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = _invoke(function, event)
    return response["statusCode"], json.loads(response["body"])


def _admin_key() -> str:
    with session_scope() as session:
        _, key = create_api_key(session, name=f"events-{uuid.uuid4().hex[:8]}", role="admin")
    return key


def test_every_http_event_file_is_covered() -> None:
    files = {(p.parent.name, p.stem) for p in EVENTS_DIR.glob("*/*.json") if p.parent.name != "authorizer"}
    assert files == set(HTTP_EVENTS)


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


@pytest.mark.parametrize(("function", "scenario"), sorted(HTTP_EVENTS))
def test_http_event_gets_documented_answer(database_url: str, function: str, scenario: str) -> None:
    expected_status, check = HTTP_EVENTS[(function, scenario)]
    status, body = _http(function, _event(function, scenario))
    assert status == expected_status, body
    assert check(body), body


def test_config_changes_event_lists_the_put_events_change(database_url: str) -> None:
    # GIVEN the put event applied
    status, written = _http("config", _event("config", "put"))
    assert status == 200
    # WHEN the changes event asks for that scope's history
    status, body = _http("config", _event("config", "changes"))
    # THEN the newest change is the put's, with its reason and the identity of the event
    assert status == 200
    newest = body["items"][0]
    assert newest["config_scope"] == "category:event_sample"
    assert newest["new_version"] == written["version"]
    assert newest["change_reason"] == "sample event: a category target"
    assert newest["changed_by"] == "event-admin"


def test_revoke_event_revokes_the_key_it_names(database_url: str) -> None:
    # GIVEN a key created with the create event, and the revoke event pointed at it
    status, created = _http("api_keys", _event("api_keys", "create"))
    assert status == 201
    event = copy.deepcopy(_event("api_keys", "revoke"))
    event["pathParameters"]["key_id"] = created["id"]
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/api/v1/api-keys/{created['id']}"
    # WHEN it is invoked
    status, body = _http("api_keys", event)
    # THEN that key is revoked
    assert status == 200
    assert body["id"] == created["id"] and body["revoked_at"] is not None


def test_authorizer_allowed_event_with_a_real_key_allows_with_identity(database_url: str) -> None:
    event = _event("authorizer", "allowed")
    assert event["type"] == "REQUEST" and event["headers"]["x-api-key"] == "REPLACE_WITH_AN_API_KEY"
    event["headers"]["x-api-key"] = _admin_key()
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


def test_event_files_are_payload_2_0() -> None:
    for path in sorted(Path(EVENTS_DIR).glob("*/*.json")):
        event = json.loads(path.read_text())
        assert event["version"] == "2.0", path
        assert event["requestContext"]["stage"] == "$default", path
