"""`arbvault local` as a subprocess (of a test, or of `arbvault fuzz`): start it on a free port, talk to it,
stop it for good."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

from infra.paths import PROJECT_ROOT

READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
BANNER_END = "Ctrl-C stops the stack"  # the banner's last line (infra.local.local_stack)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalStackProcess:
    """One `arbvault local` subprocess; its stdout and stderr go to files under ``home``.

    As a context manager it waits until the stack is ready and stops it when the block ends, however it ends.
    """

    def __init__(self, home: Path, database_url: str, *, template: Path | None = None,
                 extra_args: tuple[str, ...] = (), env: dict[str, str] | None = None) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stdout_path = home / "stdout.log"
        self.stderr_path = home / "stderr.log"
        args = [sys.executable, "-m", "infra.cli", "local", "--port", str(self.port), *extra_args]
        if template is not None:
            args += ["--template", str(template)]
        environment = {**os.environ, "DATABASE_URL": database_url, "ARBVAULT_HOME": str(home), **(env or {})}
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            # A session of its own: a Ctrl-C in the pytest terminal must not reach the stack behind our back.
            self.process = subprocess.Popen(args, cwd=PROJECT_ROOT, env=environment, stdout=out, stderr=err,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        self.client = httpx.Client(base_url=self.url, timeout=30.0)

    def __enter__(self) -> LocalStackProcess:
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def tails(self, lines: int = 60) -> str:
        """The last ``lines`` of stdout and of stderr, for a failure message."""
        def tail(text: str) -> str:
            return "\n".join(text.splitlines()[-lines:])
        return f"--- stdout (end)\n{tail(self.stdout)}\n--- stderr (end)\n{tail(self.stderr)}"

    @property
    def dev_key(self) -> str:
        return (self.home / "dev-api-key").read_text().strip()

    def wait_ready(self) -> None:
        """Wait for the banner's last line: the banner is printed line by line."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while BANNER_END not in self.stdout:
            if self.process.poll() is not None:
                raise AssertionError(f"stack exited {self.process.returncode}:\n{self.stdout}\n{self.stderr}")
            if time.monotonic() > deadline:
                raise AssertionError(f"stack not ready:\n{self.stdout}\n{self.stderr}")
            time.sleep(0.05)

    def wait_for_line(self, text: str, *, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.stdout:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never printed:\n{self.stdout}")
            time.sleep(0.05)

    def exit_code(self, timeout: float) -> int:
        """The exit code of a stack expected to give up on its own within ``timeout`` s (stopped either way)."""
        try:
            return self.process.wait(timeout)
        finally:
            self.stop()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path, **kwargs)

    def descendants(self) -> list[psutil.Process]:
        """Every process the stack started (its function workers run in sessions of their own)."""
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Signal the stack and wait for it; kill it and its descendants if it does not stop in time."""
        self.client.close()
        if self.process.poll() is None:
            leftovers = self.descendants()
            self.process.send_signal(signum)
            try:
                self.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                for process in [*leftovers, psutil.Process(self.process.pid)]:
                    try:
                        process.kill()
                    except psutil.NoSuchProcess:
                        pass
                self.process.wait()
        return self.process.returncode
