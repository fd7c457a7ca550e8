"""CORS over real HTTP: `arbvault local` answers preflights as API Gateway's CorsConfiguration does and adds the
CORS headers to responses, with the origins of the template parameter (its default, or `--parameter`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from local_process import LocalStackProcess

pytestmark = pytest.mark.e2e

DEV_APP = "http://localhost:5173"
"""An origin of the template parameter's default."""


def _preflight(stack: LocalStackProcess, path: str, origin: str, method: str = "PUT") -> dict[str, str]:
    response = stack.request("OPTIONS", path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                                       "Access-Control-Request-Headers": "x-api-key,if-match"})
    assert response.status_code == 204, response.text
    assert response.content == b""
    return {name: value for name, value in response.headers.items() if name.startswith("access-control-")}


@pytest.mark.parametrize("path", ["/api/v1/config", "/api/v1/no-such-route"])
def test_a_preflight_is_answered_by_the_gateway_without_a_key(project_stack: LocalStackProcess, path: str) -> None:
    headers = _preflight(project_stack, path, DEV_APP)

    assert headers["access-control-allow-origin"] == DEV_APP
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} == set(headers["access-control-allow-methods"].split(","))
    assert {"x-api-key", "if-match", "authorization"} <= set(headers["access-control-allow-headers"].split(","))
    assert headers["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in headers
    assert f"OPTIONS {path} -> cors 204" in project_stack.stdout


def test_a_preflight_from_an_origin_not_allowed_gets_no_cors_headers(project_stack: LocalStackProcess) -> None:
    assert _preflight(project_stack, "/api/v1/config", "https://elsewhere.example") == {}


def test_an_allowed_origin_reads_the_answer_and_its_exposed_headers(project_stack: LocalStackProcess) -> None:
    response = project_stack.request("GET", "/api/v1/api-keys/me",
                                     headers={"Origin": DEV_APP, "X-API-Key": project_stack.dev_key})

    assert response.status_code == 200, response.text
    assert response.json()["role"] == "admin"
    assert response.headers["access-control-allow-origin"] == DEV_APP
    assert "location" in response.headers["access-control-expose-headers"].split(",")
    assert "access-control-allow-credentials" not in response.headers


def test_a_refusal_by_the_authorizer_is_readable_by_an_allowed_origin(project_stack: LocalStackProcess) -> None:
    response = project_stack.request("GET", "/api/v1/config", headers={"Origin": DEV_APP, "X-API-Key": "nope"})

    assert response.status_code in (401, 403)
    assert response.headers["access-control-allow-origin"] == DEV_APP


def test_another_origin_gets_the_answer_without_cors_headers(project_stack: LocalStackProcess) -> None:
    response = project_stack.request("GET", "/api/v1/health/live", headers={"Origin": "https://elsewhere.example"})

    assert response.status_code == 200
    assert not [name for name in response.headers if name.startswith("access-control-")]


def test_the_origins_parameter_is_overridden_with_parameter(database_url: str, tmp_path: Path) -> None:
    app = "https://app.example.com"
    with LocalStackProcess(tmp_path, database_url, extra_args=("--parameter", f"CorsAllowedOrigins={app}",
                                                               "--no-reload", "--lazy")) as stack:
        assert f"CORS      {app} (without credentials)" in stack.stdout
        assert _preflight(stack, "/api/v1/batches", app, "POST")["access-control-allow-origin"] == app
        assert _preflight(stack, "/api/v1/batches", DEV_APP, "POST") == {}
