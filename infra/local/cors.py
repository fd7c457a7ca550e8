"""CORS as an API Gateway HTTP API with a ``CorsConfiguration`` applies it.

A preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) is answered by the gateway itself,
204, before any route or authorizer, whatever routes exist. Any other request runs as usual; when its origin is
allowed the configured headers are added to the response, and the function's own ``access-control-*`` headers
are dropped (API Gateway ignores an integration's CORS headers once CORS is configured). A disallowed origin
gets no CORS headers, so the browser refuses to hand the answer to the page.
"""

from __future__ import annotations

from infra.local.responses import HttpResponse
from infra.template_cors import WILDCARD, CorsSpec

_CORS_PREFIX = "access-control-"


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def is_preflight(method: str, headers: list[tuple[str, str]]) -> bool:
    """``OPTIONS`` with an ``Origin`` and ``Access-Control-Request-Method``: the browser's question, not a call."""
    return (method == "OPTIONS" and _header(headers, "origin") is not None
            and _header(headers, "access-control-request-method") is not None)


def _origin_headers(cors: CorsSpec, origin: str) -> list[tuple[str, str]]:
    # Credentials are never allowed with "*" (cors_spec refuses it), so "*" is only ever sent without them.
    allowed = WILDCARD if WILDCARD in cors.allow_origins else origin
    headers = [("access-control-allow-origin", allowed)]
    if cors.allow_credentials:
        headers.append(("access-control-allow-credentials", "true"))
    return headers


def preflight(cors: CorsSpec, headers: list[tuple[str, str]]) -> HttpResponse:
    """The answer to a preflight: 204 with the allowed methods, headers and max age when the origin and the
    requested method are allowed, else 204 without CORS headers."""
    origin = _header(headers, "origin") or ""
    method = _header(headers, "access-control-request-method") or ""
    if not (cors.allows_origin(origin) and cors.allows_method(method)):
        return HttpResponse(204)
    answer = _origin_headers(cors, origin)
    if cors.allow_methods:
        answer.append(("access-control-allow-methods", ",".join(cors.allow_methods)))
    if cors.allow_headers:
        answer.append(("access-control-allow-headers", ",".join(cors.allow_headers)))
    if cors.max_age is not None:
        answer.append(("access-control-max-age", str(cors.max_age)))
    return HttpResponse(204, answer)


def with_cors(cors: CorsSpec, request_headers: list[tuple[str, str]], response: HttpResponse) -> HttpResponse:
    """``response`` without the function's CORS headers, plus the configured ones when the request's origin is
    allowed."""
    headers = [(name, value) for name, value in response.headers if not name.lower().startswith(_CORS_PREFIX)]
    origin = _header(request_headers, "origin")
    if origin is not None and cors.allows_origin(origin):
        headers += _origin_headers(cors, origin)
        if cors.expose_headers:
            headers.append(("access-control-expose-headers", ",".join(cors.expose_headers)))
    return HttpResponse(response.status, headers, response.body)
