"""Keepa env: what a function sees of Keepa and of the local SQS endpoint, and, with ``{"ask": true}``, Keepa's
``/token`` answer through the ``KEEPA_BASE_URL`` it was given (free: costs no token)."""

from __future__ import annotations

import gzip
import json
import os
import urllib.parse
import urllib.request
from typing import Any

NAMES = ("KEEPA_API_KEY", "KEEPA_BASE_URL", "AWS_ENDPOINT_URL_SQS", "AWS_ACCESS_KEY_ID", "PROBE_QUEUE_URL")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    seen: dict[str, Any] = {"env": {name: os.environ.get(name) for name in NAMES}}
    if event.get("ask"):
        query = urllib.parse.urlencode({"key": os.environ["KEEPA_API_KEY"]})
        request = urllib.request.Request(f"{os.environ['KEEPA_BASE_URL']}/token?{query}",
                                         headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read()
            if answer.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
        seen["token"] = json.loads(body)
    return seen
