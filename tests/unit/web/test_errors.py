"""The one error envelope, through a real FastAPI app behind the real Mangum handler."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import APIRouter
from pydantic import BaseModel

from arbvault.exceptions import (
    ConfigurationError,
    ConflictError,
    DependencyUnavailableError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    UnauthorizedError,
)
from arbvault.web.app import create_app, create_handler
from infra.http_events import http_api_event
from infra.lambda_context import LocalLambdaContext

router = APIRouter(prefix="/t")


class Body(BaseModel):
    count: int


ERRORS = {
    "invalid": InvalidInputError("bad rule", details=[{"field": "x", "message": "too big"}]),
    "bare": InvalidInputError("no details given"),
    "unauthorized": UnauthorizedError("who are you"),
    "forbidden": ForbiddenError("not for you"),
    "missing": NotFoundError("no such thing"),
    "conflict": ConflictError("stale"),
    "config": ConfigurationError("no database configured"),
    "down": DependencyUnavailableError("queue down"),
}


@router.get("/raise/{name}")
def raise_named(name: str) -> None:
    raise ERRORS[name]


@router.get("/crash")
def crash() -> None:
    raise RuntimeError("internal detail that must not leak")


@router.post("/body")
def echo(body: Body) -> Body:
    return body


handler = create_handler(create_app(router, title="errors under test"))


def invoke(method: str, path: str, body: str | None = None, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    headers = {"content-type": "application/json"} if body is not None else {}
    event = http_api_event(method, path, headers=headers, body=body, **kwargs)
    response = handler(event, LocalLambdaContext("errors"))
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("invalid", 422, "validation_error"),
        ("unauthorized", 401, "unauthorized"),
        ("forbidden", 403, "forbidden"),
        ("missing", 404, "not_found"),
        ("conflict", 409, "conflict"),
        ("config", 503, "configuration_error"),
        ("down", 503, "dependency_unavailable"),
    ],
)
def test_layer_error_maps_to_status_and_code(name: str, status: int, code: str) -> None:
    got_status, body = invoke("GET", f"/t/raise/{name}")
    assert got_status == status
    assert body["error"]["code"] == code
    assert body["error"]["message"] == ERRORS[name].message
    error = ERRORS[name]
    # Every detail carries a code: the error's own when it names none.
    assert body["error"]["details"] == [{"code": error.code, **d} for d in error.details]
    assert body["request_id"]


def test_unhandled_error_is_500_with_request_id_and_no_internal_text() -> None:
    event = http_api_event("GET", "/t/crash")
    response = handler(event, LocalLambdaContext("errors"))
    assert response["statusCode"] == 500
    assert "internal detail" not in response["body"]
    body = json.loads(response["body"])
    assert body == {
        "error": {"code": "internal_error", "message": "internal server error", "details": []},
        "request_id": event["requestContext"]["requestId"],
    }


def test_validation_error_names_the_field() -> None:
    status, body = invoke("POST", "/t/body", body='{"count": "many"}')
    assert status == 422
    assert body["error"]["code"] == "validation_error"
    assert [(d["field"], d["code"]) for d in body["error"]["details"]] == [("body.count", "int_parsing")]


def test_invalid_input_without_details_still_names_a_field_and_a_code() -> None:
    status, body = invoke("GET", "/t/raise/bare")
    assert status == 422
    assert body["error"]["details"] == [{"field": "request", "code": "invalid_input", "message": "no details given"}]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "text/json"])
def test_a_body_in_another_media_type_is_415(content_type: str) -> None:
    event = http_api_event("POST", "/t/body", headers={"content-type": content_type}, body='{"count": 1}')
    response = handler(event, LocalLambdaContext("errors"))
    body = json.loads(response["body"])
    assert response["statusCode"] == 415, body
    assert body["error"]["code"] == "unsupported_media_type"
    assert body["error"]["details"][0]["field"] == "header.content-type"


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/merge-patch+json"])
def test_json_media_types_are_read_as_json(content_type: str) -> None:
    event = http_api_event("POST", "/t/body", headers={"content-type": content_type}, body='{"count": 1}')
    response = handler(event, LocalLambdaContext("errors"))
    assert (response["statusCode"], json.loads(response["body"])) == (200, {"count": 1})


def test_malformed_json_is_400() -> None:
    status, body = invoke("POST", "/t/body", body='{"count": ')
    assert status == 400
    assert body["error"]["code"] == "malformed_json"
    assert body["error"]["details"][0]["field"] == "body"


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/t/nowhere", 404, "not_found"),
    ("DELETE", "/t/crash", 405, "method_not_allowed"),
])
def test_framework_errors_use_the_envelope(method: str, path: str, status: int, code: str) -> None:
    got_status, body = invoke(method, path)
    assert got_status == status
    assert body["error"]["code"] == code


def test_app_serves_no_docs_routes() -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        status, _ = invoke("GET", path)
        assert status == 404
