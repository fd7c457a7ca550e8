"""Admin routes refuse a sourcer key (403 envelope) before they look at its input, however malformed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from arbvault.web.identity import requires_admin
from infra.http_events import http_api_event
from infra.lambda_context import LocalLambdaContext
from infra.routes_check import flat_routes
from infra.template import project_template
from support import ADMIN, SOURCER, load_function

pytestmark = pytest.mark.usefixtures("database_url")

MALFORMED_JSON = '{"name": "half an object", '


@dataclass(frozen=True)
class MalformedRequest:
    """A request an admin would be told is malformed: bad JSON, bad path or query values."""

    function: str
    method: str
    route: str
    path_parameters: dict[str, str]
    query: str = ""

    @property
    def path(self) -> str:
        path = self.route
        for name, value in self.path_parameters.items():
            path = path.replace(f"{{{name}}}", value)
        return path


MALFORMED = {
    ("PUT", "/api/v1/config"): MalformedRequest("config", "PUT", "/api/v1/config", {}, "scope=" + "x" * 300),
    ("POST", "/api/v1/api-keys"): MalformedRequest("api_keys", "POST", "/api/v1/api-keys", {}),
    ("GET", "/api/v1/api-keys"): MalformedRequest("api_keys", "GET", "/api/v1/api-keys", {},
                                                  "limit=many&include_revoked=perhaps"),
    ("DELETE", "/api/v1/api-keys/{key_id}"): MalformedRequest("api_keys", "DELETE", "/api/v1/api-keys/{key_id}",
                                                              {"key_id": "not-a-uuid"}),
    ("GET", "/api/v1/keepa/{asin}/raw"): MalformedRequest("keepa", "GET", "/api/v1/keepa/{asin}/raw",
                                                          {"asin": "!!"}, "domain_id=zero&offers=lots"),
    ("GET", "/api/v1/niches/stats"): MalformedRequest("niches", "GET", "/api/v1/niches/stats", {}, "domain_id=zero"),
    ("POST", "/api/v1/autoscheduler/pause"): MalformedRequest("autoscheduler", "POST",
                                                              "/api/v1/autoscheduler/pause", {}),
    ("PUT", "/api/v1/autoscheduler/schedule"): MalformedRequest("autoscheduler", "PUT",
                                                                "/api/v1/autoscheduler/schedule", {}),
    ("PUT", "/api/v1/autoscheduler/settings"): MalformedRequest("autoscheduler", "PUT",
                                                                "/api/v1/autoscheduler/settings", {}),
    ("GET", "/api/v1/autoscheduler/changes"): MalformedRequest("autoscheduler", "GET",
                                                               "/api/v1/autoscheduler/changes", {},
                                                               "action=delete&limit=many"),
}


def send(request: MalformedRequest, identity: dict[str, str]) -> tuple[int, dict[str, Any]]:
    event = http_api_event(
        request.method, request.path, route_key=f"{request.method} {request.route}",
        path_parameters=request.path_parameters or None, raw_query=request.query,
        headers={"host": "localhost", "content-type": "application/json"}, body=MALFORMED_JSON,
        authorizer=identity,
    )
    response = load_function(request.function).handler(event, LocalLambdaContext(function_name=request.function))
    return response["statusCode"], json.loads(response["body"])


def _takes_input(dependant: Any) -> bool:
    own = dependant.body_params or dependant.query_params or dependant.path_params or dependant.header_params
    return bool(own) or any(_takes_input(sub) for sub in dependant.dependencies)


def admin_routes() -> set[tuple[str, str]]:
    """Every template route whose function's code asks for the admin role and that reads some input (a route
    taking none, such as ``POST /autoscheduler/enable``, has nothing to be malformed)."""
    template = project_template()
    found = set()
    for function in sorted({route.function for route in template.routes}):
        for route in flat_routes(load_function(function).app):
            original = getattr(route, "original_route", route)
            if requires_admin(original.dependant) and _takes_input(original.dependant):
                found.update((method, route.path) for method in route.methods if method != "HEAD")
    return found


def test_every_admin_route_has_a_malformed_request() -> None:
    assert admin_routes() == set(MALFORMED)


@pytest.mark.parametrize("request_", MALFORMED.values(), ids=[f"{m} {p}" for m, p in MALFORMED])
def test_sourcer_is_refused_before_the_input_is_read(request_: MalformedRequest) -> None:
    status, body = send(request_, SOURCER)
    assert status == 403, body
    assert body["error"]["code"] == "forbidden"
    assert body["error"]["message"] == "this action needs the admin role"
    assert body["request_id"]


@pytest.mark.parametrize("request_", MALFORMED.values(), ids=[f"{m} {p}" for m, p in MALFORMED])
def test_admin_is_told_the_input_is_malformed(request_: MalformedRequest) -> None:
    status, body = send(request_, ADMIN)
    assert status in (400, 422), body
    assert body["error"]["code"] in ("malformed_json", "validation_error")
