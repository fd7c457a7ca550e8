"""`arbvault local` over real HTTP: the project's routes, its authorizer, API Gateway's answers, shutdown."""

from __future__ import annotations

import signal
import statistics
import time
import uuid
from pathlib import Path

import psutil
import pytest
import yaml
from local_process import LocalStackProcess, taken_port
from sqlalchemy.engine import make_url

from infra.template import load_document, project_template

pytestmark = pytest.mark.e2e


def test_banner_shows_url_key_database_routes_and_time(project_stack: LocalStackProcess,
                                                       database_url: str) -> None:
    out = project_stack.stdout
    assert project_stack.url in out
    assert project_stack.dev_key in out
    assert "database  DATABASE_URL postgresql+pg8000://" in out
    password = make_url(database_url).password
    assert not password or str(password) not in out
    assert f"({len(project_template().routes)} routes from template.yaml" in out
    assert "ready in " in out


def test_health_needs_no_key(project_stack: LocalStackProcess) -> None:
    response = project_stack.request("GET", "/api/v1/health/live")
    assert response.status_code == 200
    assert response.json()["status"] == "alive"
    assert response.json()["stage"] == "dev"  # the template's STAGE parameter reached the function
    assert response.headers["apigw-requestid"]


@pytest.mark.perf
def test_keep_alive_requests_are_not_held_back(project_stack: LocalStackProcess) -> None:
    # With Nagle left on by the listening socket, every response after the first on a connection waited
    # ~40 ms for the client's delayed ACK; a warm health request takes a few milliseconds.
    project_stack.request("GET", "/api/v1/health/live")
    timings = []
    for _ in range(10):
        started = time.perf_counter()
        assert project_stack.request("GET", "/api/v1/health/live").status_code == 200
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.030, timings


def test_readiness_sees_the_migrated_database(project_stack: LocalStackProcess) -> None:
    response = project_stack.request("GET", "/api/v1/health/ready")
    assert response.status_code == 200, response.text
    assert response.json()["checks"]["migrations"]["status"] == "ok"


@pytest.mark.parametrize("header", ["X-API-Key", "Authorization"])
def test_config_with_dev_key_is_served(project_stack: LocalStackProcess, header: str) -> None:
    value = project_stack.dev_key if header == "X-API-Key" else f"Bearer {project_stack.dev_key}"
    response = project_stack.request("GET", "/api/v1/config", headers={header: value})
    assert response.status_code == 200, response.text
    assert response.json()["scope"].startswith("effective:")


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "avk_" + "0" * 43}, {"X-API-Key": "not-a-key"}],
                         ids=["no-key", "unknown-key", "malformed-key"])
def test_config_without_valid_key_is_forbidden_by_the_authorizer(project_stack: LocalStackProcess,
                                                                 headers: dict[str, str]) -> None:
    response = project_stack.request("GET", "/api/v1/config", headers=headers)
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}


def test_unknown_route_is_not_found_as_api_gateway_says_it(project_stack: LocalStackProcess) -> None:
    response = project_stack.request("GET", "/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.content == b'{"message":"Not Found"}'


@pytest.mark.parametrize(("method", "path"), [
    ("HEAD", "/api/v1/health/live"),  # the function's app answers HEAD beside GET; the template has GET only
    ("POST", "/api/v1/health/live"),
    ("GET", "/api/v1/health/live/"),  # a trailing slash is another path
    ("DELETE", "/api/v1/config"),
])
def test_route_missing_from_template_is_not_found(project_stack: LocalStackProcess, method: str,
                                                  path: str) -> None:
    response = project_stack.request(method, path, headers={"X-API-Key": project_stack.dev_key})
    assert response.status_code == 404
    if method != "HEAD":
        assert response.json() == {"message": "Not Found"}


def test_post_json_creates_key_and_path_parameter_revokes_it(project_stack: LocalStackProcess) -> None:
    admin = {"X-API-Key": project_stack.dev_key}
    name = f"e2e {uuid.uuid4().hex[:8]}"
    created = project_stack.request("POST", "/api/v1/api-keys", json={"name": name, "role": "sourcer"},
                                    headers=admin)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"/api/v1/api-keys/{created.json()['id']}"
    # The new key works through the authorizer...
    sourcer = {"X-API-Key": created.json()["key"]}
    assert project_stack.request("GET", "/api/v1/config", headers=sourcer).status_code == 200
    # ...until it is revoked through the {key_id} route.
    revoked = project_stack.request("DELETE", f"/api/v1/api-keys/{created.json()['id']}", headers=admin)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    assert project_stack.request("GET", "/api/v1/config", headers=sourcer).status_code == 403


def test_put_config_with_json_body_and_if_match(project_stack: LocalStackProcess) -> None:
    admin = {"X-API-Key": project_stack.dev_key}
    scope = f"category:e2e_{uuid.uuid4().hex[:8]}"
    response = project_stack.request("PUT", "/api/v1/config", params={"scope": scope},
                                     json={"config_patch": {"roi": {"target_pct_default": 33.0}}},
                                     headers={**admin, "If-Match": "0"})
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"1"'
    assert response.json()["config"]["roi"]["target_pct_default"] == 33.0


@pytest.mark.parametrize(("body", "status", "code"), [
    (b'{"name": ', 400, "malformed_json"),
    (b'{"name": "x", "role": "emperor"}', 422, "validation_error"),
])
def test_bad_body_gets_the_functions_error_envelope(project_stack: LocalStackProcess, body: bytes, status: int,
                                                     code: str) -> None:
    response = project_stack.request("POST", "/api/v1/api-keys", content=body,
                                     headers={"X-API-Key": project_stack.dev_key,
                                              "Content-Type": "application/json"})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["request_id"] == response.headers["apigw-requestid"]


def test_query_string_reaches_the_function(project_stack: LocalStackProcess) -> None:
    response = project_stack.request("GET", "/api/v1/api-keys", params={"limit": "0"},
                                     headers={"X-API-Key": project_stack.dev_key})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["query.limit"]


def test_each_request_logs_one_line(project_stack: LocalStackProcess) -> None:
    project_stack.request("GET", "/api/v1/config/stats", headers={"X-API-Key": project_stack.dev_key})
    project_stack.wait_for_line("GET /api/v1/config/stats -> config 200 ")
    line = next(x for x in project_stack.stdout.splitlines() if x.startswith("GET /api/v1/config/stats -> "))
    assert line.split(" -> config 200 ")[1].split(" ms")[0].replace(".", "").isdigit()


def test_docs_and_openapi_document_the_template_routes(project_stack: LocalStackProcess) -> None:
    document = project_stack.request("GET", "/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    template_keys = {(r.method.lower(), r.path) for r in project_template().routes}
    assert {(m, p) for p, ops in paths.items() for m in ops} == template_keys
    page = project_stack.request("GET", "/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/api/v1/api-keys/{key_id}" in page.text and "<script" not in page.text


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_stops_the_stack_and_every_worker(database_url: str, tmp_path: Path, signum: int) -> None:
    stack = LocalStackProcess(tmp_path, database_url)
    try:
        stack.wait_ready()
        assert stack.request("GET", "/api/v1/config", headers={"X-API-Key": stack.dev_key}).status_code == 200
        workers = stack.descendants()
        assert len(workers) >= 2  # at least the authorizer and config environments are warm
    finally:
        code = stack.stop(signum)
    assert code == 0, stack.tails()
    assert not [w for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
    assert "stopped" in stack.stdout
    assert "Traceback" not in stack.stderr


def test_port_in_use_is_one_clear_line_and_exit_2(database_url: str, tmp_path: Path) -> None:
    with taken_port() as port:
        stack = LocalStackProcess(tmp_path, database_url, extra_args=("--port", str(port)))
        code = stack.exit_code(30)
    assert code == 2
    assert stack.stderr.strip() == f"arbvault local: port {port} on 127.0.0.1 is already in use (try --port)"


def test_template_that_names_an_unknown_authorizer_is_refused_at_start(database_url: str, tmp_path: Path) -> None:
    document = load_document(project_template().path)
    document["Resources"]["HealthFunction"]["Properties"]["Events"]["Health"]["Properties"]["Auth"] = {
        "Authorizer": "Missing"}
    template = tmp_path / "template.yaml"
    template.write_text(yaml.safe_dump(document))
    stack = LocalStackProcess(tmp_path, database_url, template=template)
    code = stack.exit_code(30)
    assert code == 1
    assert "could not start" in stack.stderr and "'Missing'" in stack.stderr
    assert "Traceback" not in stack.stderr
