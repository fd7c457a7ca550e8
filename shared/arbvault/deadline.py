"""The invocation's deadline: the moment by which calls to slow services must have returned.

Handlers set it from the Lambda context with :func:`invocation_deadline`. It lives in a context variable, so
it follows the invocation into asyncio tasks and FastAPI's worker threads, and into any other thread that runs
the call in a copy of the invocation's context (the batch worker's Keepa thread does). Invocations running side
by side in one process (the local stack's tests) keep their own. Outside an invocation (scripts, tests calling
a client directly) there is none, and callers fall back to their own timeouts.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

# Time kept back from the function's own timeout to store results and answer after the last outside call:
# 2 s, or a tenth of the time when less than 20 s remain.
RESERVE_SECONDS: Final = 2.0
RESERVE_FRACTION: Final = 0.1

_deadline: ContextVar[float | None] = ContextVar("arbvault_deadline", default=None)  # a time.monotonic() value


@contextmanager
def invocation_deadline(context: Any, *, reserve_seconds: float | None = None) -> Iterator[None]:
    """Within the block, :func:`seconds_left` counts down to ``context``'s remaining time less ``reserve_seconds``
    (by default :func:`reserve_for` it). A context without ``get_remaining_time_in_millis`` sets no deadline."""
    remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining_ms):
        yield
        return
    remaining = remaining_ms() / 1000
    reserve = reserve_for(remaining) if reserve_seconds is None else reserve_seconds
    token = _deadline.set(time.monotonic() + remaining - reserve)
    try:
        yield
    finally:
        _deadline.reset(token)


def reserve_for(remaining: float) -> float:
    """Seconds kept back from an invocation with ``remaining`` seconds left."""
    return min(RESERVE_SECONDS, remaining * RESERVE_FRACTION)


def seconds_left() -> float | None:
    """Seconds until the current invocation's deadline (negative once passed); ``None`` outside an invocation."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()
