"""The stack's terminal output: its own lines on stdout, each function's log on stderr behind its name."""

from __future__ import annotations

import sys
import threading
from typing import TextIO


class Console:
    """Line-oriented, thread-safe writer; lines from concurrent requests and workers never interleave."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self._out = out or sys.stdout
        self._err = err or sys.stderr
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        """One line of the stack's own (banner, requests, reloads)."""
        self._write(self._out, text)

    def function_output(self, function: str, text: str) -> None:
        """One line a function printed or logged."""
        self._write(self._err, f"  {function} | {text}")

    def _write(self, stream: TextIO, text: str) -> None:
        with self._lock:
            stream.write(text + "\n")
            stream.flush()
