"""`arbvault local` on a copy of the project with probe functions: events, warm workers, failures, hot reload."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from local_process import LocalStackProcess

pytestmark = pytest.mark.e2e

RELOAD_TIMEOUT_SECONDS = 20.0


def _probe(stack: LocalStackProcess, path: str = "/probe/x", **kwargs: Any) -> dict[str, Any]:
    response = stack.request("GET", path, **kwargs)
    assert response.status_code == 200, response.text
    seen: dict[str, Any] = response.json()
    return seen


def _eventually(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + RELOAD_TIMEOUT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.mark.parametrize(("path", "route_key", "parameters"), [
    ("/probe/special", "GET /probe/special", None),  # a literal segment beats {item}
    ("/probe/other", "GET /probe/{item}", {"item": "other"}),
    ("/probe/a%20b", "GET /probe/{item}", {"item": "a b"}),
    ("/probe/files/a/b/c.txt", "GET /probe/files/{path+}", {"path": "a/b/c.txt"}),
    ("/probe/files", "GET /probe/{item}", {"item": "files"}),  # a greedy variable needs one segment or more
])
def test_most_specific_route_wins(fixture_stack: LocalStackProcess, path: str, route_key: str,
                                  parameters: dict[str, str] | None) -> None:
    seen = _probe(fixture_stack, path)
    assert seen["routeKey"] == route_key
    assert seen["pathParameters"] == parameters
    assert seen["rawPath"] == path


def test_route_only_the_function_would_answer_is_not_found(fixture_stack: LocalStackProcess) -> None:
    # The probe answers any event, but API Gateway only forwards the routes the template declares.
    for path in ("/probe", "/probe/a/b", "/probe-hidden"):
        response = fixture_stack.request("GET", path)
        assert response.status_code == 404 and response.json() == {"message": "Not Found"}, path


def test_event_carries_query_headers_cookies_and_request_id(fixture_stack: LocalStackProcess) -> None:
    response = fixture_stack.request("GET", "/probe/x?tag=a&tag=b&empty=", headers={
        "X-Custom": "one", "Cookie": "session=abc; theme=dark"})
    seen = response.json()
    assert seen["rawQueryString"] == "tag=a&tag=b&empty="
    assert seen["queryStringParameters"] == {"tag": "a,b", "empty": ""}
    assert seen["headers"]["x-custom"] == "one"
    assert seen["cookies"] == ["session=abc", "theme=dark"]
    assert seen["requestId"] == response.headers["apigw-requestid"]
    # Response cookies become one set-cookie header each, as with payload format 2.0.
    assert response.headers.get_list("set-cookie") == ["first=1; Path=/", "second=2; Path=/"]


def test_json_and_binary_bodies_reach_the_function(fixture_stack: LocalStackProcess) -> None:
    as_json = fixture_stack.request("POST", "/probe/echo", json={"hello": "wörld"}).json()
    assert as_json["body"] == '{"hello":"wörld"}' and as_json["isBase64Encoded"] is False
    raw = bytes(range(256))
    binary = fixture_stack.request("POST", "/probe/echo", content=raw,
                                   headers={"Content-Type": "application/octet-stream"}).json()
    assert binary["isBase64Encoded"] is True and binary["body"] == raw.hex()


def test_base64_and_inferred_responses_are_decoded(fixture_stack: LocalStackProcess) -> None:
    binary = fixture_stack.request("GET", "/probe/x", params={"mode": "binary"})
    assert binary.status_code == 200 and binary.content == bytes(range(256))
    inferred = fixture_stack.request("GET", "/probe/x", params={"mode": "raw"})
    assert inferred.status_code == 200 and inferred.headers["content-type"] == "application/json"
    assert inferred.json()["inferred"] is True


def test_body_over_ten_megabytes_is_refused(fixture_stack: LocalStackProcess) -> None:
    response = fixture_stack.request("POST", "/probe/echo", content=b"x" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json() == {"message": "Request Entity Too Large"}


def test_worker_stays_warm_between_requests(fixture_stack: LocalStackProcess) -> None:
    first, second = _probe(fixture_stack), _probe(fixture_stack)
    assert second["pid"] == first["pid"]
    assert second["count"] == first["count"] + 1


def test_function_sees_lambda_environment_and_not_the_shell(fixture_stack: LocalStackProcess,
                                                           fixture_project: Path) -> None:
    seen = _probe(fixture_stack)
    assert seen["env"] == {"STAGE": "dev", "AWS_LAMBDA_FUNCTION_NAME": "ProbeFunction", "PROBE_SETTING": "on",
                           "ARBVAULT_E2E_LEAK": None, "TZ": "UTC"}
    assert seen["function_name"] == "ProbeFunction"
    assert 0 < seen["remaining_ms"] <= 15_000  # the template's global timeout
    assert Path(seen["cwd"]) == (fixture_project / "functions" / "probe").resolve()
    assert seen["infra_importable"] is False  # not deployed, so not importable locally either


def test_handler_output_goes_to_the_log_not_the_protocol(fixture_stack: LocalStackProcess) -> None:
    _probe(fixture_stack)
    # A worker's output is forwarded by a thread of its own, so it may reach the log just after the response.
    _eventually(lambda: "probe | probe: stderr noise" in fixture_stack.stderr, "the handler's stderr in the log")
    _eventually(lambda: "probe: stdout noise" in fixture_stack.stderr, "the handler's stdout in the log")


def test_authorizer_guards_fixture_route_and_passes_its_context(fixture_stack: LocalStackProcess) -> None:
    assert fixture_stack.request("GET", "/probe/secure/whoami").status_code == 403
    bearer = {"Authorization": f"Bearer {fixture_stack.dev_key}"}
    seen = _probe(fixture_stack, "/probe/secure/whoami", headers=bearer)
    context = seen["authorizer"]["lambda"]
    assert context["role"] == "admin" and context["key_name"] == "local-dev"


def test_missing_identity_source_is_unauthorized_without_calling_the_authorizer(
        fixture_stack: LocalStackProcess) -> None:
    response = fixture_stack.request("GET", "/probe/secure/header", headers={"Authorization": "Bearer x"})
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    fixture_stack.wait_for_line("GET /probe/secure/header -> authorizer 401 ")
    assert "identity source missing" in fixture_stack.stdout
    allowed = fixture_stack.request("GET", "/probe/secure/header", headers={"X-API-Key": fixture_stack.dev_key})
    assert allowed.status_code == 200 and allowed.json()["authorizer"]["lambda"]["role"] == "admin"


@pytest.mark.parametrize(("path", "reason"), [
    ("/boom/raise", "RuntimeError: boom on purpose"),
    ("/boom/exit", "Runtime.ExitError: runtime exited with status 3"),
    ("/boom/malformed", "malformed response: statusCode must be an integer"),
])
def test_failing_function_is_internal_server_error_and_the_stack_lives_on(
        fixture_stack: LocalStackProcess, path: str, reason: str) -> None:
    response = fixture_stack.request("GET", path)
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}
    fixture_stack.wait_for_line(f"GET {path} -> boom 500 ")
    assert reason in fixture_stack.stdout
    # The same function (a fresh worker after the exit) and the others still answer.
    assert fixture_stack.request("GET", "/boom/fine").status_code == 200
    assert _probe(fixture_stack)["version"]


def test_exception_keeps_the_worker_but_exit_replaces_it(fixture_stack: LocalStackProcess) -> None:
    def boom_pid() -> str:
        return fixture_stack.request("GET", "/boom/fine").text

    before = boom_pid()
    fixture_stack.request("GET", "/boom/raise")
    assert boom_pid() == before  # Lambda reuses an environment after a handler exception
    fixture_stack.request("GET", "/boom/exit")
    assert boom_pid() != before


def test_timeout_kills_the_worker_and_answers_like_api_gateway(fixture_stack: LocalStackProcess) -> None:
    response = fixture_stack.request("GET", "/sleepy")
    assert response.status_code == 500 and response.json() == {"message": "Internal Server Error"}
    # the one-second timeout killed it, not the end of the handler's five-second sleep
    fixture_stack.wait_for_line("Sandbox.Timedout: Task timed out after 1.00 seconds")
    # The killed environment is replaced: the next request pays a cold start again.
    fixture_stack.request("GET", "/sleepy")
    lines = [line for line in fixture_stack.stdout.splitlines() if line.startswith("GET /sleepy -> ")]
    assert len(lines) >= 2 and "cold start" in lines[-1]


def test_editing_a_function_restarts_only_that_function(fixture_stack: LocalStackProcess,
                                                        fixture_project: Path) -> None:
    boom_before = fixture_stack.request("GET", "/boom/fine").text
    probe_before = _probe(fixture_stack)
    source = fixture_project / "functions" / "probe" / "app.py"
    source.write_text(source.read_text().replace(f'VERSION = "{probe_before["version"]}"', 'VERSION = "edited"'))
    _eventually(lambda: _probe(fixture_stack)["version"] == "edited", "the edited probe")
    fixture_stack.wait_for_line("reload: functions/probe changed; restarted probe")
    assert _probe(fixture_stack)["pid"] != probe_before["pid"]
    assert fixture_stack.request("GET", "/boom/fine").text == boom_before


def test_editing_the_layer_restarts_every_function(fixture_stack: LocalStackProcess,
                                                    fixture_project: Path) -> None:
    probe_before = _probe(fixture_stack)["pid"]
    boom_before = fixture_stack.request("GET", "/boom/fine").text
    layer_file = fixture_project / "shared" / "arbvault" / "__init__.py"
    layer_file.write_text(layer_file.read_text() + "\n# touched by the reload test\n")
    _eventually(lambda: _probe(fixture_stack)["pid"] != probe_before, "a new probe worker")
    fixture_stack.wait_for_line("reload: a layer changed; restarted ")
    assert fixture_stack.request("GET", "/boom/fine").text != boom_before


def test_editing_the_template_reloads_routes(fixture_stack: LocalStackProcess, fixture_project: Path) -> None:
    assert fixture_stack.request("GET", "/probe-added").status_code == 404
    template = fixture_project / "template.yaml"
    text = template.read_text()
    anchor = "        Echo:\n"
    added = ("        Added:\n          Type: HttpApi\n          Properties:\n            ApiId:\n"
             "              Ref: HttpApi\n            Method: GET\n            Path: /probe-added\n"
             "            Auth:\n              Authorizer: NONE\n")
    assert anchor in text
    template.write_text(text.replace(anchor, added + anchor, 1))
    _eventually(lambda: fixture_stack.request("GET", "/probe-added").status_code == 200, "the added route")
    assert re.search(r"reload: template\.yaml changed; \d+ routes", fixture_stack.stdout)
    assert _probe(fixture_stack, "/probe-added")["routeKey"] == "GET /probe-added"


def test_broken_template_keeps_the_previous_routes(fixture_stack: LocalStackProcess,
                                                   fixture_project: Path) -> None:
    template = fixture_project / "template.yaml"
    good = template.read_text()
    try:
        template.write_text(good + "\n  : [unbalanced\n")
        fixture_stack.wait_for_line("not loaded")
        assert _probe(fixture_stack)["routeKey"] == "GET /probe/{item}"
    finally:
        template.write_text(good)


def test_function_that_no_longer_imports_fails_until_fixed(fixture_stack: LocalStackProcess,
                                                           fixture_project: Path) -> None:
    source = fixture_project / "functions" / "boom" / "app.py"
    good = source.read_text()
    try:
        source.write_text(good + "\ndef broken(:\n")
        _eventually(lambda: fixture_stack.request("GET", "/boom/fine").status_code == 500, "the INIT failure")
        # The runtime's traceback, in the function's log by the time the 500 is answered.
        assert "SyntaxError" in fixture_stack.stderr
        assert _probe(fixture_stack)["version"]  # other functions are unaffected
    finally:
        source.write_text(good)
    _eventually(lambda: fixture_stack.request("GET", "/boom/fine").status_code == 200, "the fixed function")


def test_template_and_function_saved_together_both_reload(fixture_stack: LocalStackProcess,
                                                          fixture_project: Path) -> None:
    # "Save all" in an editor: neither change may be lost while the other is applied.
    template = fixture_project / "template.yaml"
    source = fixture_project / "functions" / "probe" / "app.py"
    version = _probe(fixture_stack)["version"]
    reloads = fixture_stack.stdout.count("reload: template.yaml changed")
    template.write_text(template.read_text() + "\n# saved together\n")
    source.write_text(source.read_text().replace(f'VERSION = "{version}"', 'VERSION = "together"'))
    _eventually(lambda: _probe(fixture_stack)["version"] == "together", "the probe edited with the template")
    _eventually(lambda: fixture_stack.stdout.count("reload: template.yaml changed") > reloads,
                "the template reload")
