"""The request id: API Gateway's, else the caller's ``X-Request-ID``, else a fresh one."""

from __future__ import annotations

import uuid

from starlette.requests import Request

_STATE_KEY = "request_id"


def request_id_of(request: Request) -> str:
    cached = request.scope.get(_STATE_KEY)
    if isinstance(cached, str):
        return cached
    event = request.scope.get("aws.event") or {}
    request_id = (event.get("requestContext") or {}).get("requestId") or request.headers.get("x-request-id")
    request_id = str(request_id) if request_id else str(uuid.uuid4())
    request.scope[_STATE_KEY] = request_id
    return request_id
