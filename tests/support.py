"""Helpers for tests: load a function's handler as Lambda would, and call it with API Gateway events."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from arbvault.models.api_key import ApiKey
from infra.function_loader import load_function
from infra.http_events import http_api_event
from infra.lambda_context import LocalLambdaContext

__all__ = ["ADMIN", "SOURCER", "MakeKey", "call", "load_function"]


ADMIN = {"key_id": "00000000-0000-0000-0000-0000000000a1", "key_name": "test-admin", "role": "admin"}
SOURCER = {"key_id": "00000000-0000-0000-0000-0000000000b2", "key_name": "test-sourcer", "role": "sourcer"}
MakeKey = Callable[..., tuple[ApiKey, str]]
"""The ``make_key`` fixture: ``make_key(name=..., role=...)`` creates a key and returns the row and the key."""


def call(
    function: str,
    method: str,
    path: str,
    *,
    route: str | None = None,
    path_parameters: dict[str, str] | None = None,
    query: str = "",
    json_body: Any = None,
    headers: dict[str, str] | None = None,
    identity: dict[str, str] | None = ADMIN,
) -> tuple[int, dict[str, str], Any]:
    """Invoke ``function``'s handler with an HTTP API event; return status, headers and the decoded body."""
    all_headers = {"host": "localhost", **(headers or {})}
    body = None
    if json_body is not None:
        body = json.dumps(json_body)
        all_headers.setdefault("content-type", "application/json")
    event = http_api_event(
        method, path, route_key=f"{method} {route or path}", path_parameters=path_parameters,
        raw_query=query, headers=all_headers, body=body, authorizer=identity,
    )
    response = load_function(function).handler(event, LocalLambdaContext(function_name=function))
    raw = response.get("body") or ""
    content_type = (response.get("headers") or {}).get("content-type", "")
    decoded = json.loads(raw) if raw and content_type.startswith("application/json") else raw
    return response["statusCode"], response.get("headers") or {}, decoded
