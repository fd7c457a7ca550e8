"""CORS of the local gateway, without I/O: the template's CorsConfiguration read with its parameters, preflight
answers and the headers added to responses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.local.cors import is_preflight, preflight, with_cors
from infra.local.responses import HttpResponse
from infra.paths import TEMPLATE_PATH
from infra.template import parse_template
from infra.template_cors import CorsSpec, cors_spec

APP = "http://localhost:5173"
SPEC = CorsSpec(allow_origins=(APP,), allow_methods=("GET", "POST"), allow_headers=("x-api-key", "content-type"),
                expose_headers=("location", "retry-after"), max_age=600)


def _preflight_headers(origin: str = APP, method: str = "POST") -> list[tuple[str, str]]:
    return [("Origin", origin), ("Access-Control-Request-Method", method),
            ("Access-Control-Request-Headers", "x-api-key,content-type")]


@pytest.mark.parametrize(("parameters", "origins"), [
    ({}, ("http://localhost:5173", "http://127.0.0.1:5173")),
    ({"CorsAllowedOrigins": "https://app.example.com"}, ("https://app.example.com",)),
    ({"CorsAllowedOrigins": "https://a.example.com, https://b.example.com"},
     ("https://a.example.com", "https://b.example.com")),
    ({"CorsAllowedOrigins": "*"}, ("*",)),
])
def test_project_template_cors_origins_come_from_the_parameter(parameters: dict[str, str],
                                                               origins: tuple[str, ...]) -> None:
    spec = cors_spec(parse_template(TEMPLATE_PATH, parameters=parameters))
    assert spec is not None
    assert spec.allow_origins == origins
    assert spec.allow_credentials is False and spec.max_age == 600
    assert "x-api-key" in spec.allow_headers and "location" in spec.expose_headers


def test_project_template_without_origins_has_no_cors() -> None:
    assert cors_spec(parse_template(TEMPLATE_PATH, parameters={"CorsAllowedOrigins": ""})) is None


def _template(tmp_path: Path, cors: Any) -> Path:
    document = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {"CorsConfiguration": cors}},
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "fn/", "Handler": "app.handler"}},
        },
    }
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize("origins", [["*"], []])
def test_credentials_with_any_origin_are_refused(tmp_path: Path, origins: list[str]) -> None:
    path = _template(tmp_path, {"AllowOrigins": origins, "AllowCredentials": True})
    with pytest.raises(ValueError, match="AllowCredentials"):
        cors_spec(parse_template(path))


def test_cors_true_allows_every_origin_without_credentials(tmp_path: Path) -> None:
    spec = cors_spec(parse_template(_template(tmp_path, True)))
    assert spec == CorsSpec(allow_origins=("*",))


def test_a_preflight_is_answered_with_the_configuration() -> None:
    response = preflight(SPEC, _preflight_headers())
    assert response.status == 204 and response.body == b""
    assert dict(response.headers) == {
        "access-control-allow-origin": APP, "access-control-allow-methods": "GET,POST",
        "access-control-allow-headers": "x-api-key,content-type", "access-control-max-age": "600"}


@pytest.mark.parametrize(("origin", "method"), [("https://evil.example", "POST"), (APP, "DELETE")])
def test_a_preflight_from_another_origin_or_for_another_method_gets_no_cors_headers(origin: str,
                                                                                     method: str) -> None:
    response = preflight(SPEC, _preflight_headers(origin, method))
    assert response.status == 204 and response.headers == []


def test_any_origin_is_answered_with_the_wildcard_and_never_credentials() -> None:
    spec = CorsSpec(allow_origins=("*",), allow_methods=("GET",))
    headers = dict(preflight(spec, _preflight_headers("https://any.example", "GET")).headers)
    assert headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in headers


def test_credentials_echo_the_origin() -> None:
    spec = CorsSpec(allow_origins=(APP,), allow_methods=("GET",), allow_credentials=True)
    headers = dict(preflight(spec, _preflight_headers(APP, "GET")).headers)
    assert headers["access-control-allow-origin"] == APP
    assert headers["access-control-allow-credentials"] == "true"


@pytest.mark.parametrize(("method", "headers", "expected"), [
    ("OPTIONS", [("origin", APP), ("access-control-request-method", "GET")], True),
    ("OPTIONS", [("origin", APP)], False),
    ("OPTIONS", [("access-control-request-method", "GET")], False),
    ("GET", [("origin", APP), ("access-control-request-method", "GET")], False),
])
def test_only_an_options_request_with_origin_and_requested_method_is_a_preflight(
        method: str, headers: list[tuple[str, str]], expected: bool) -> None:
    assert is_preflight(method, headers) is expected


def test_responses_to_an_allowed_origin_carry_the_headers_and_not_the_functions_own() -> None:
    response = HttpResponse(201, [("content-type", "application/json"), ("Access-Control-Allow-Origin", "*"),
                                  ("location", "/x")], b"{}")
    answered = with_cors(SPEC, [("Origin", APP)], response)
    assert answered.status == 201 and answered.body == b"{}"
    assert answered.headers == [("content-type", "application/json"), ("location", "/x"),
                                ("access-control-allow-origin", APP),
                                ("access-control-expose-headers", "location,retry-after")]


@pytest.mark.parametrize("request_headers", [[("Origin", "https://evil.example")], []])
def test_responses_to_another_origin_or_without_one_carry_no_cors_headers(
        request_headers: list[tuple[str, str]]) -> None:
    response = HttpResponse(200, [("content-type", "application/json"), ("access-control-allow-origin", "*")])
    assert with_cors(SPEC, request_headers, response).headers == [("content-type", "application/json")]
