"""API Gateway HTTP API (payload 2.0) events, as API Gateway builds them for Lambda proxy integrations."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

TEXT_CONTENT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded", "application/xml")


def _is_text(content_type: str | None) -> bool:
    return content_type is None or any(content_type.startswith(t) for t in TEXT_CONTENT_TYPES)


def http_api_event(
    method: str,
    path: str,
    *,
    route_key: str | None = None,
    path_parameters: Mapping[str, str] | None = None,
    raw_query: str = "",
    headers: Mapping[str, str] | None = None,
    body: bytes | str | None = None,
    authorizer: Mapping[str, Any] | None = None,
    stage: str = "$default",
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """Build the event API Gateway sends for one request.

    Header names are lower-cased and repeated headers joined with commas; cookies move to ``cookies``;
    repeated query keys are comma-joined in ``queryStringParameters``; binary bodies are base64-encoded.
    """
    lowered: dict[str, str] = {}
    for name, value in (headers or {}).items():
        key = name.lower()
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    cookies = [c.strip() for c in lowered.pop("cookie", "").split(";") if c.strip()]

    query: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value

    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key or f"{method.upper()} {path}",
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": lowered,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": lowered.get("host", "localhost"),
            "domainPrefix": "local",
            "http": {
                "method": method.upper(),
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex[:16] + "=",
            "routeKey": route_key or f"{method.upper()} {path}",
            "stage": stage,
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if authorizer is not None:
        event["requestContext"]["authorizer"] = {"lambda": dict(authorizer)}
    if body:
        raw = body.encode() if isinstance(body, str) else body
        if _is_text(lowered.get("content-type")):
            try:
                event["body"] = raw.decode("utf-8")
            except UnicodeDecodeError:
                event["body"], event["isBase64Encoded"] = base64.b64encode(raw).decode(), True
        else:
            event["body"], event["isBase64Encoded"] = base64.b64encode(raw).decode(), True
    return event
