"""A worker's output reaches the log before its caller hears that the worker stopped: a function that fails its
INIT has its traceback logged by the time the error is raised (the gateway's 500 comes after it)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from infra.local.worker import FunctionRuntime, InitError, Worker

# Output the log takes longer to write than the worker takes to fail (a slow terminal), within the drain time.
NOISE_LINES = 500
SECONDS_PER_LINE = 0.0005


def test_an_init_failure_is_logged_before_it_is_raised(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(f"for i in range({NOISE_LINES}):\n    print('noise', i)\n"
                                     "raise RuntimeError('init failed on purpose')\n")
    runtime = FunctionRuntime(name="failing", logical_id="FailingFunction", handler="app.handler",
                              code_dir=tmp_path, layer_dirs=(), timeout=5.0, memory_mb=128,
                              environment={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.pathsep.join(sys.path)})
    lines: list[str] = []

    def slow_log(_name: str, line: str) -> None:
        time.sleep(SECONDS_PER_LINE)
        lines.append(line)

    worker = Worker(runtime, slow_log)
    with pytest.raises(InitError):
        worker.start()
    assert sum(line.startswith("noise ") for line in lines) == NOISE_LINES
    assert any("init failed on purpose" in line for line in lines)
