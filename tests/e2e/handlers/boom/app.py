"""Boom: fails in each of the ways a function can fail, chosen by the route."""

from __future__ import annotations

import os
from typing import Any


def handler(event: dict[str, Any], context: Any) -> Any:
    path = event.get("rawPath")
    if path == "/boom/raise":
        raise RuntimeError("boom on purpose")
    if path == "/boom/exit":
        os._exit(3)  # the runtime process dies mid-invocation
    if path == "/boom/malformed":
        return {"statusCode": "two hundred", "body": "not a response"}
    return {"statusCode": 200, "body": f"fine {os.getpid()}"}
