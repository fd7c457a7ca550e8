"""HTTP responses as API Gateway HTTP APIs produce them: from a function's payload 2.0 result, or its own errors.

API Gateway's own errors are JSON ``{"message": ...}`` documents; a function that fails (raises, times out,
dies or returns something that is not a response) is answered ``500 {"message":"Internal Server Error"}``,
as HTTP APIs do, and the reason goes to the stack's log instead of the client.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

# Headers the gateway's HTTP server sets itself; a function's values for them are not forwarded.
_SERVER_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """What goes back to the client."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


class MalformedResponseError(ValueError):
    """Raised when a function's result cannot be turned into an HTTP response."""


def gateway_error(status: int, message: str) -> HttpResponse:
    """One of API Gateway's own answers, e.g. ``404 {"message":"Not Found"}`` (compact, as API Gateway writes it)."""
    body = json.dumps({"message": message}, separators=(",", ":")).encode()
    return HttpResponse(status, [("content-type", "application/json")], body)


NOT_FOUND = gateway_error(404, "Not Found")
UNAUTHORIZED = gateway_error(401, "Unauthorized")
FORBIDDEN = gateway_error(403, "Forbidden")
PAYLOAD_TOO_LARGE = gateway_error(413, "Request Entity Too Large")
INTERNAL_ERROR = gateway_error(500, "Internal Server Error")
SERVICE_UNAVAILABLE = gateway_error(503, "Service Unavailable")


def from_lambda_result(result: Any) -> HttpResponse:
    """Interpret a function's result with payload format 2.0 rules.

    A map with ``statusCode`` is a response (``headers``, ``cookies`` as ``set-cookie`` headers, ``body``,
    ``isBase64Encoded``); any other JSON value is sent as a 200 ``application/json`` body, the way API Gateway
    infers a response. Format 2.0 has no ``multiValueHeaders``, so API Gateway ignores them and so does this.
    Raises :class:`MalformedResponseError` when the result cannot be a response.
    """
    if not (isinstance(result, dict) and "statusCode" in result):
        return HttpResponse(200, [("content-type", "application/json")], json.dumps(result).encode())
    status = result["statusCode"]
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise MalformedResponseError(f"statusCode must be an integer HTTP status, got {status!r}")
    headers = result.get("headers") or {}
    cookies = result.get("cookies") or []
    if not isinstance(headers, dict) or not isinstance(cookies, list):
        raise MalformedResponseError("headers must be a map and cookies a list")
    pairs = [(str(name).lower(), str(value)) for name, value in headers.items()
             if str(name).lower() not in _SERVER_HEADERS]
    pairs += [("set-cookie", str(cookie)) for cookie in cookies]
    for name, value in pairs:
        if not (name + value).isascii():
            raise MalformedResponseError(f"header {name!r} is not ASCII")
    return HttpResponse(status, pairs, _body(result))


def _body(result: dict[str, Any]) -> bytes:
    body = result.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResponseError(f"body must be a string, got {type(body).__name__}")
    if result.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except binascii.Error as exc:
            raise MalformedResponseError("isBase64Encoded is true but body is not base64") from exc
    return body.encode()
