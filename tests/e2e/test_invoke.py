"""`arbvault invoke`: one handler, one event file, result on stdout, logs on stderr, exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.paths import EVENTS_DIR, PROJECT_ROOT

pytestmark = pytest.mark.e2e


def _invoke(database_url: str, home: Path, *args: str,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": database_url, "ARBVAULT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "infra.cli", "invoke", *args], cwd=PROJECT_ROOT, env=environment,
                          input=stdin, capture_output=True, text=True, timeout=120, check=False)


def test_invoke_prints_the_result_on_stdout_and_logs_on_stderr(database_url: str, tmp_path: Path) -> None:
    done = _invoke(database_url, tmp_path, "health", "--event", str(EVENTS_DIR / "health" / "ready.json"))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # stdout holds the result and nothing else
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["checks"]["database"]["status"] == "ok"
    assert '"message":"request"' in done.stderr  # the function's own log line
    assert "REPORT RequestId: " in done.stderr and "Init Duration: " in done.stderr


def test_invoke_reads_the_event_from_stdin_and_applies_env(database_url: str, tmp_path: Path,
                                                           fixture_project: Path) -> None:
    event = (EVENTS_DIR / "health" / "live.json").read_text()
    done = _invoke(database_url, tmp_path, "probe", "--event", "-", "--env", "PROBE_SETTING=from-cli",
                   "--template", str(fixture_project / "template.yaml"), stdin=event)
    assert done.returncode == 0, done.stderr
    seen = json.loads(json.loads(done.stdout)["body"])
    assert seen["env"]["PROBE_SETTING"] == "from-cli"
    assert seen["routeKey"] == "GET /api/v1/health/live"


def test_invoke_exits_1_with_lambdas_error_document_when_the_handler_raises(
        database_url: str, tmp_path: Path, fixture_project: Path) -> None:
    event = tmp_path / "raise.json"
    event.write_text(json.dumps({"rawPath": "/boom/raise"}))
    done = _invoke(database_url, tmp_path, "boom", "--event", str(event),
                   "--template", str(fixture_project / "template.yaml"))
    assert done.returncode == 1
    error = json.loads(done.stdout)
    assert error["errorType"] == "RuntimeError" and error["errorMessage"] == "boom on purpose"
    assert "Traceback" in done.stderr  # the handler's traceback, as the runtime logs it


@pytest.mark.parametrize(("args", "message"), [
    (("nosuch", "--event", str(EVENTS_DIR / "health" / "live.json")), "no function 'nosuch'"),
    (("health", "--event", "missing.json"), "No such file"),
    (("health", "--event", str(EVENTS_DIR / "health" / "live.json"), "--env", "NOEQUALS"), "NAME=VALUE"),
])
def test_invoke_usage_errors_exit_2_in_one_line(database_url: str, tmp_path: Path, args: tuple[str, ...],
                                                message: str) -> None:
    done = _invoke(database_url, tmp_path, *args)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
