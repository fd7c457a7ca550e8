"""The e2e tests' view of `arbvault local` as a subprocess (``infra.local_process``), plus a port already taken."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from infra.local_process import LocalStackProcess, free_port

__all__ = ["LocalStackProcess", "free_port", "taken_port"]


@contextmanager
def taken_port() -> Iterator[int]:
    """A loopback port something already listens on, for the block."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])
