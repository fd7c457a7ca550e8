"""Ticker: logs every scheduled event it receives, with the time it ran, to ``PROBE_LOG``."""

from __future__ import annotations

import json
import os
import time
from typing import Any


def handler(event: Any, context: Any) -> None:
    entry = {"function": context.function_name, "at": time.time(), "event": event}
    descriptor = os.open(os.environ["PROBE_LOG"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(descriptor, (json.dumps(entry) + "\n").encode())
    finally:
        os.close(descriptor)
    if isinstance(event, dict) and event.get("fail"):
        raise RuntimeError("ticker failed on purpose")
