"""Sleepy: takes longer than its one-second timeout."""

from __future__ import annotations

import time
from typing import Any


def handler(event: dict[str, Any], context: Any) -> Any:
    time.sleep(5)
    return {"statusCode": 200, "body": "too late"}
