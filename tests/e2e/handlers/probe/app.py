"""Probe: answers any event with what it received and what its environment looks like.

Module state (``COUNT``) shows whether requests reach a warm environment; the prints show that a handler's
output cannot disturb the worker protocol. ``VERSION`` is what the reload tests edit.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import sys
from typing import Any

VERSION = "v1"
COUNT = 0

print("probe: module imported")  # output during INIT, before the handler's first call


def handler(event: dict[str, Any], context: Any) -> Any:
    global COUNT
    COUNT += 1
    # Bytes that look like a frame header, on both streams the worker does not use for its protocol.
    sys.stdout.write("\x00\x00\x00\x05probe: stdout noise\n")
    sys.stderr.write("probe: stderr noise\n")
    query = event.get("queryStringParameters") or {}
    if query.get("mode") == "raw":
        return {"inferred": True, "count": COUNT}  # no statusCode: API Gateway infers a 200 JSON response
    if query.get("mode") == "sized":  # a response body of `size` bytes, to meet Lambda's payload limit
        return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "x" * int(query["size"])}
    if query.get("mode") == "binary":
        return {"statusCode": 200, "headers": {"content-type": "application/octet-stream"},
                "body": base64.b64encode(bytes(range(256))).decode(), "isBase64Encoded": True}
    body = event.get("body")
    if body is not None and event.get("isBase64Encoded"):
        body = base64.b64decode(body).hex()
    seen = {
        "version": VERSION,
        "pid": os.getpid(),
        "count": COUNT,
        "routeKey": event.get("routeKey"),
        "rawPath": event.get("rawPath"),
        "rawQueryString": event.get("rawQueryString"),
        "queryStringParameters": query,
        "pathParameters": event.get("pathParameters"),
        "cookies": event.get("cookies"),
        "headers": event.get("headers"),
        "body": body,
        "isBase64Encoded": event.get("isBase64Encoded"),
        "authorizer": (event.get("requestContext") or {}).get("authorizer"),
        "requestId": (event.get("requestContext") or {}).get("requestId"),
        "function_name": context.function_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "env": {name: os.environ.get(name) for name in
                ("STAGE", "AWS_LAMBDA_FUNCTION_NAME", "PROBE_SETTING", "ARBVAULT_E2E_LEAK", "TZ")},
        "cwd": os.getcwd(),
        "infra_importable": importlib.util.find_spec("infra") is not None,
    }
    return {"statusCode": 200, "headers": {"content-type": "application/json", "x-probe": VERSION},
            "cookies": ["first=1; Path=/", "second=2; Path=/"], "body": json.dumps(seen)}
