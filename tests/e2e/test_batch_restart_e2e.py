"""A batch job survives `arbvault local` being stopped mid-job and started again, and every identifier is analysed
exactly once. Stopped with Ctrl-C, the stack keeps its queued and in-flight chunk messages across the restart;
killed (SIGKILL), it keeps nothing and the relay re-announces the chunks whose messages were lost. Either way the
chunks whose worker was cut short are re-driven by the relay once their lease ends."""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
import yaml
from local_process import LocalStackProcess

from arbvault.identifiers import isbn13_check_digit
from db_testing import rows, scalar
from infra.keepa_offline import is_unknown
from infra.paths import PROJECT_ROOT, TEMPLATE_PATH
from infra.template import load_document

pytestmark = pytest.mark.e2e

IDENTIFIERS = 2_000
CHUNKS = 20
# The worker's timeout, and so the lease of a chunk whose worker the stop cut short (25 s deployed).
WORKER_TIMEOUT_SECONDS = 8
# Keepa slow enough that the job is mid-flight when the stack stops; the relay's schedule every second.
STACK_ARGS = ("--no-reload", "--keepa-latency-ms", "250", "--schedule-speedup", "60")


def _identifiers(count: int) -> list[str]:
    return [isbn + isbn13_check_digit(isbn) for isbn in (f"978{(n * 7_654_321 + 977) % 10 ** 9:09d}"
                                                          for n in range(count))]


def _project(root: Path) -> Path:
    """The project's template with a shorter worker timeout (visibility 6 times it), next to links to its code."""
    document = load_document(TEMPLATE_PATH)
    document["Resources"]["BatchWorkerFunction"]["Properties"]["Timeout"] = WORKER_TIMEOUT_SECONDS
    document["Resources"]["JobsQueue"]["Properties"]["VisibilityTimeout"] = 6 * WORKER_TIMEOUT_SECONDS
    root.mkdir()
    for folder in ("functions", "shared"):
        (root / folder).symlink_to(PROJECT_ROOT / folder)
    template = root / "template.yaml"
    template.write_text(yaml.safe_dump(document, sort_keys=False))
    return template


def _chunks_done(job_id: uuid.UUID) -> int:
    return int(scalar("SELECT count(*) FROM job_chunks WHERE job_id = :job AND state = 'done'", job=job_id))


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def _kill(stack: LocalStackProcess) -> None:
    """SIGKILL the stack and every process it started: nothing of it gets to stop cleanly."""
    for process in [*stack.descendants(), psutil.Process(stack.process.pid)]:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    stack.process.wait()


@pytest.mark.parametrize(("stop", "kept", "environment"), [
    pytest.param(signal.SIGINT, True, (), id="ctrl-c"),
    # Nothing kept: the relay re-announces a pending chunk 5 s after its last message was due (600 s deployed).
    pytest.param(signal.SIGKILL, False, ("--env", "JOBS_REDRIVE_PENDING_AFTER_SECONDS=5"), id="sigkill"),
])
def test_a_job_stopped_mid_flight_completes_exactly_once_after_the_stack_restarts(
        database_url: str, tmp_path: Path, stop: signal.Signals, kept: bool, environment: tuple[str, ...]) -> None:
    identifiers = _identifiers(IDENTIFIERS)
    unknown = {i for i in identifiers if is_unknown(i)}
    arguments = (*STACK_ARGS, *environment)
    template, home = _project(tmp_path / "project"), tmp_path / "home"
    home.mkdir()

    # GIVEN a 2,000-identifier job under way in `arbvault local`
    with LocalStackProcess(home, database_url, template=template, extra_args=arguments) as first:
        created = first.request("POST", "/api/v1/batches", headers={"X-API-Key": first.dev_key},
                                json={"name": "restart", "identifiers": identifiers})
        assert created.status_code == 202, created.text
        job_id = uuid.UUID(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
        _wait(lambda: _chunks_done(job_id) >= 2, 60, f"no chunk done:\n{first.stdout[-3000:]}")

        # WHEN the stack is stopped mid-job
        if stop == signal.SIGKILL:
            _kill(first)
        else:
            assert first.stop(stop) == 0
    assert _chunks_done(job_id) < CHUNKS, "the job finished before the stack stopped: nothing was tested"
    assert ("queued messages for the next start" in first.stdout) is kept

    # AND started again
    with LocalStackProcess(home, database_url, template=template, extra_args=arguments) as second:
        assert ("restored from the last run" in second.stdout) is kept
        _wait(lambda: scalar("SELECT status FROM jobs WHERE id = :job", job=job_id) not in ("PENDING", "RUNNING"),
              90, f"job not settled after the restart:\n{second.stdout[-3000:]}")

        # THEN the job succeeded with every identifier analysed exactly once
        assert scalar("SELECT status FROM jobs WHERE id = :job", job=job_id) == "SUCCESS"
        assert _chunks_done(job_id) == CHUNKS
        analysed = [r["identifier"] for r in rows("SELECT identifier FROM analyses WHERE job_id = :job", job=job_id)]
        assert len(analysed) == len(set(analysed))
        assert set(analysed) == set(identifiers) - unknown
        counts = rows("SELECT sum(succeeded) AS succeeded, sum(not_found) AS not_found FROM job_chunks "
                      "WHERE job_id = :job", job=job_id)[0]
        assert (counts["succeeded"], counts["not_found"]) == (len(analysed), len(unknown))
