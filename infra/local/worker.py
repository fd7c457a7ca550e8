"""One warm execution environment of a function: a subprocess running ``runtime.py``, driven over two pipes.

The subprocess gets a session of its own, so a Ctrl-C in the terminal reaches only the stack (which then stops
its workers), and stopping a worker kills anything its handler started too. Its stdout and stderr are read by a
thread and handed to ``output`` line by line, as the function's log.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.local.exceptions import FunctionError, InitError, InvocationTimeoutError, RuntimeExitError
from infra.local.runtime import HEADER_SIZE, encode_frame, frame_length

RUNTIME_SCRIPT = Path(__file__).resolve().parent / "runtime.py"

# Lambda stops an INIT phase after 10 seconds.
INIT_TIMEOUT_SECONDS = 10.0
# How long a worker may take to exit after its request pipe closes before it is killed.
EXIT_GRACE_SECONDS = 1.0
# How long a stopped worker's last output may take to reach the log (a process that left the worker's session
# could hold its stdout open for ever).
OUTPUT_DRAIN_SECONDS = 1.0

OutputSink = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class FunctionRuntime:
    """Everything a worker needs to host one function: its code, layers, environment and limits."""

    name: str
    logical_id: str
    handler: str
    code_dir: Path
    layer_dirs: tuple[Path, ...]
    environment: dict[str, str]
    timeout: float
    memory_mb: int


class Worker:
    """A subprocess hosting one function; not thread-safe (its owner hands it to one caller at a time)."""

    def __init__(self, runtime: FunctionRuntime, output: OutputSink) -> None:
        self.runtime = runtime
        self._output = output
        self._process: subprocess.Popen[bytes] | None = None
        self._requests: Any = None
        self._results_fd = -1
        self._forwarder: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> float:
        """Spawn the subprocess and import the handler; return the INIT duration in ms.

        Raises :class:`InitError` when the handler cannot be imported (the subprocess is gone afterwards).
        """
        request_read, request_write = os.pipe()
        result_read, result_write = os.pipe()
        config = {
            "function_name": self.runtime.logical_id,
            "handler": self.runtime.handler,
            "code_dir": str(self.runtime.code_dir),
            "layer_dirs": [str(d) for d in self.runtime.layer_dirs],
            "timeout": self.runtime.timeout,
            "memory_mb": self.runtime.memory_mb,
            "request_fd": request_read,
            "result_fd": result_write,
        }
        try:
            self._process = subprocess.Popen(
                # The function's name first, so that ps and top say which worker is which.
                [sys.executable, str(RUNTIME_SCRIPT), self.runtime.name, json.dumps(config)],
                env=self.runtime.environment, cwd=self.runtime.code_dir, pass_fds=(request_read, result_write),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:  # e.g. the code folder was deleted
            os.close(request_write)
            os.close(result_read)
            raise InitError({"errorType": "Runtime.InvalidEntrypoint", "errorMessage": str(exc)}) from exc
        finally:
            os.close(request_read)
            os.close(result_write)
        self._requests = os.fdopen(request_write, "wb")
        self._results_fd = result_read
        self._forwarder = threading.Thread(target=self._forward_output, name=f"log-{self.runtime.name}", daemon=True)
        self._forwarder.start()
        try:
            message = self._receive(time.monotonic() + INIT_TIMEOUT_SECONDS)
        except InvocationTimeoutError as exc:
            self.stop()
            raise InitError({"errorType": "Runtime.InitTimeout",
                             "errorMessage": f"INIT did not finish in {INIT_TIMEOUT_SECONDS:.0f} s"}) from exc
        except RuntimeExitError as exc:
            self.stop()
            raise InitError({"errorType": "Runtime.ExitError", "errorMessage": str(exc)}) from exc
        if message.get("type") != "ready":
            self.stop()
            raise InitError(message.get("error") or {})
        return float(message["init_ms"])

    def invoke(self, event: dict[str, Any], *, request_id: str | None = None) -> Any:
        """Run the handler on ``event`` and return its result.

        Raises :class:`FunctionError` when the handler raised (the worker stays usable),
        :class:`InvocationTimeoutError` when it ran past the function's timeout (the worker is killed) and
        :class:`RuntimeExitError` when the subprocess died (the worker is gone).
        """
        deadline = time.monotonic() + self.runtime.timeout
        try:
            self._requests.write(encode_frame({"event": event, "request_id": request_id or str(uuid.uuid4())}))
            self._requests.flush()
        except (BrokenPipeError, ValueError) as exc:  # ValueError: the pipe was already closed
            self.stop()
            raise RuntimeExitError(self._exit_reason()) from exc
        try:
            message = self._receive(deadline)
        except (InvocationTimeoutError, RuntimeExitError):
            self.stop()
            raise
        if message.get("type") == "error":
            raise FunctionError(message.get("error") or {})
        return message.get("result")

    def stop(self) -> None:
        """Close the request pipe (the runtime exits), then kill the session after a grace period."""
        self.close_requests()
        process = self._process
        if process is None:
            return
        try:
            process.wait(EXIT_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        self.kill()  # also whatever the handler spawned, which may outlive the runtime
        process.wait()
        if self._forwarder is not None:  # its last lines (an INIT traceback) are logged before the caller goes on
            self._forwarder.join(OUTPUT_DRAIN_SECONDS)
        if self._results_fd >= 0:
            os.close(self._results_fd)
            self._results_fd = -1

    def kill(self) -> None:
        """Kill the runtime and whatever it started, leaving the pipes to the thread using the worker."""
        if self._process is not None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def close_requests(self) -> None:
        """Tell the runtime to exit once idle (lets many workers wind down together before :meth:`stop`)."""
        if self._requests is not None and not self._requests.closed:
            try:
                self._requests.close()
            except BrokenPipeError:
                pass

    def _receive(self, deadline: float) -> dict[str, Any]:
        header = self._read_exactly(HEADER_SIZE, deadline)
        message: dict[str, Any] = json.loads(self._read_exactly(frame_length(header), deadline))
        return message

    def _read_exactly(self, size: int, deadline: float) -> bytes:
        data = bytearray()
        while len(data) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._results_fd], [], [], remaining)[0]:
                raise InvocationTimeoutError(self.runtime.timeout)
            chunk = os.read(self._results_fd, size - len(data))
            if not chunk:
                raise RuntimeExitError(self._exit_reason())
            data += chunk
        return bytes(data)

    def _exit_reason(self) -> str:
        try:
            code = self._process.wait(EXIT_GRACE_SECONDS) if self._process else None
        except subprocess.TimeoutExpired:
            return "runtime closed its result pipe"
        if code is not None and code < 0:
            return f"runtime exited with signal {-code}"
        return f"runtime exited with status {code}"

    def _forward_output(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        with self._process.stdout as stream:
            for raw in stream:
                self._output(self.runtime.name, raw.decode("utf-8", "replace").rstrip("\n"))
