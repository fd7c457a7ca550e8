"""The HTTP API itself: route selection, the authorizer, the integration with the route's function.

:meth:`Gateway.handle` turns one HTTP request into the response API Gateway would give, logging one line per
request (``GET /api/v1/config -> config 200 12.3 ms``). Failures inside functions are logged with their reason
and answered with API Gateway's generic errors, never with the function's internals. With the API's CORS
configured, preflights are answered here and every other response carries the CORS headers (``cors``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.http_events import http_api_event
from infra.local.authorizer import authorizer_event, decision, identity_source
from infra.local.console import Console
from infra.local.cors import is_preflight, preflight, with_cors
from infra.local.environments import Invocation
from infra.local.limits import MAX_RESPONSE_BYTES, request_refusal, response_size
from infra.local.responses import (
    FORBIDDEN,
    INTERNAL_ERROR,
    NOT_FOUND,
    UNAUTHORIZED,
    HttpResponse,
    MalformedResponseError,
    from_lambda_result,
)
from infra.local.routing import Match, RouteTable

Invoke = Callable[[str, dict[str, Any]], Invocation]
LocalPage = Callable[[str], HttpResponse | None]


@dataclass(frozen=True, slots=True)
class IncomingRequest:
    """An HTTP request as the server received it (``raw_path`` still percent-encoded)."""

    method: str
    raw_path: str
    raw_query: str
    headers: list[tuple[str, str]]
    body: bytes | None  # None: larger than limits.MAX_BODY_BYTES, not read
    source_ip: str


@dataclass(slots=True)
class _Outcome:
    response: HttpResponse
    target: str = "-"
    note: str = ""


class Gateway:
    """Serves ``routes`` by invoking functions through ``invoke``; ``local_page`` answers paths no route has."""

    def __init__(self, routes: RouteTable, invoke: Invoke, console: Console, local_page: LocalPage) -> None:
        self.routes = routes  # replaced as a whole when template.yaml changes
        self._invoke = invoke
        self._console = console
        self._local_page = local_page

    def handle(self, request: IncomingRequest) -> HttpResponse:
        """The response to ``request``, after logging it."""
        started = time.perf_counter()
        cors = self.routes.cors
        try:
            if cors is not None and is_preflight(request.method, request.headers):
                outcome = _Outcome(preflight(cors, request.headers), "cors", "preflight")
            else:
                outcome = self._dispatch(request)
                if cors is not None:
                    outcome.response = with_cors(cors, request.headers, outcome.response)
        except Exception as exc:  # a fault of the stack itself: answer as API Gateway would, keep serving
            outcome = _Outcome(_copy(INTERNAL_ERROR), note=f"local gateway error: {type(exc).__name__}: {exc}")
        elapsed = (time.perf_counter() - started) * 1000
        note = f" ({outcome.note})" if outcome.note else ""
        self._console.line(f"{request.method} {request.raw_path} -> {outcome.target} "
                           f"{outcome.response.status} {elapsed:.1f} ms{note}")
        return outcome.response

    def _dispatch(self, request: IncomingRequest) -> _Outcome:
        refused = request_refusal(request)
        if refused is not None:
            return _Outcome(refused[0], note=refused[1])
        match = self.routes.match(request.method, request.raw_path)
        if match is None:
            page = self._local_page(request.raw_path) if request.method == "GET" else None
            return _Outcome(page, "local") if page is not None else _Outcome(NOT_FOUND, note="no route")
        event = self._event(request, match)
        notes: list[str] = []
        if match.authorizer is not None:
            refusal = self._authorize(event, match, notes)
            if refusal is not None:
                return _Outcome(refusal, match.authorizer.function, "; ".join(notes))
        invocation = self._invoke(match.route.function, event)
        response = self._response(invocation, notes)
        request_id = event["requestContext"]["requestId"]
        response.headers.append(("apigw-requestid", request_id))
        return _Outcome(response, match.route.function, "; ".join(notes))

    def _event(self, request: IncomingRequest, match: Match) -> dict[str, Any]:
        headers: dict[str, str] = {}
        for name, value in request.headers:
            key = name.lower()
            separator = "; " if key == "cookie" else ","
            headers[key] = f"{headers[key]}{separator}{value}" if key in headers else value
        return http_api_event(
            request.method, request.raw_path, route_key=match.route.key, path_parameters=match.path_parameters,
            raw_query=request.raw_query, headers=headers, body=request.body, source_ip=request.source_ip,
        )

    def _authorize(self, event: dict[str, Any], match: Match, notes: list[str]) -> HttpResponse | None:
        """Run the route's authorizer; return the refusal, or ``None`` after putting its context in ``event``."""
        assert match.authorizer is not None
        identity = identity_source(event, match.authorizer)
        if identity is None:
            notes.append("identity source missing")
            return UNAUTHORIZED
        invocation = self._invoke(match.authorizer.function, authorizer_event(event, identity))
        _note_invocation(invocation, notes, prefix="authorizer ")
        if invocation.error is not None:
            return INTERNAL_ERROR
        try:
            answer = decision(invocation.result)
        except MalformedResponseError as exc:
            notes.append(f"authorizer: {exc}")
            return INTERNAL_ERROR
        if not answer.allowed:
            notes.append("denied by authorizer")
            return FORBIDDEN
        event["requestContext"]["authorizer"] = {"lambda": answer.context}
        return None

    def _response(self, invocation: Invocation, notes: list[str]) -> HttpResponse:
        _note_invocation(invocation, notes)
        if invocation.error is not None:
            return _copy(INTERNAL_ERROR)
        size = response_size(invocation.result)
        if size > MAX_RESPONSE_BYTES:
            notes.append(f"response payload of {size} bytes, over Lambda's {MAX_RESPONSE_BYTES}")
            return _copy(INTERNAL_ERROR)
        try:
            return from_lambda_result(invocation.result)
        except MalformedResponseError as exc:
            notes.append(f"malformed response: {exc}")
            return _copy(INTERNAL_ERROR)


def _note_invocation(invocation: Invocation, notes: list[str], *, prefix: str = "") -> None:
    if invocation.init_ms is not None:
        notes.append(f"{prefix}cold start, init {invocation.init_ms:.0f} ms")
    if invocation.error is not None:
        notes.append(f"{prefix}{invocation.error}")


def _copy(response: HttpResponse) -> HttpResponse:
    # The shared constants must not collect per-request headers.
    return HttpResponse(response.status, list(response.headers), response.body)
