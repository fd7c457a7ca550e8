"""The e2e tests' view of `arbvault local` as a subprocess (``infra.local_process``), a port already taken, and
a job followed until it finishes."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from infra.local_process import LocalStackProcess, free_port

__all__ = ["LocalStackProcess", "finished_job", "free_port", "taken_port"]


@contextmanager
def taken_port() -> Iterator[int]:
    """A loopback port something already listens on, for the block."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])


def finished_job(stack: LocalStackProcess, job: dict[str, Any], headers: dict[str, str], *,
                 timeout_seconds: float = 120.0) -> dict[str, Any]:
    """``job`` (as a 202 returned it) read again at its status URL until it is no longer PENDING or RUNNING."""
    deadline = time.monotonic() + timeout_seconds
    while job["status"] in ("PENDING", "RUNNING"):
        assert time.monotonic() < deadline, f"job still {job['status']} after {timeout_seconds} s: {job}"
        time.sleep(0.2)
        job = stack.request("GET", job["status_url"], headers=headers).json()
    return job
