"""A batch job survives `arbvault local` being stopped (Ctrl-C) mid-job and started again: the queued and in-flight
chunk messages are kept across the restart, chunks whose worker was cut short are re-driven by the relay once
their lease ends, and every identifier is analysed exactly once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from arbvault.identifiers import isbn13_check_digit
from db_testing import rows, scalar
from infra.keepa_offline import is_unknown
from local_process import LocalStackProcess

pytestmark = pytest.mark.e2e

IDENTIFIERS = 2_000
CHUNKS = 20
# Keepa slow enough that the job is mid-flight when the stack stops; the relay's schedule every second.
STACK_ARGS = ("--no-reload", "--keepa-latency-ms", "250", "--schedule-speedup", "60")


def _identifiers(count: int) -> list[str]:
    return [isbn + isbn13_check_digit(isbn) for isbn in (f"978{(n * 7_654_321 + 977) % 10 ** 9:09d}"
                                                          for n in range(count))]


def _chunks_done(job_id: uuid.UUID) -> int:
    return int(scalar("SELECT count(*) FROM job_chunks WHERE job_id = :job AND state = 'done'", job=job_id))


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_a_job_stopped_mid_flight_completes_exactly_once_after_the_stack_restarts(database_url: str,
                                                                                   tmp_path: Path) -> None:
    identifiers = _identifiers(IDENTIFIERS)
    unknown = {i for i in identifiers if is_unknown(i)}

    # GIVEN a 2,000-identifier job under way in `arbvault local`
    with LocalStackProcess(tmp_path, database_url, extra_args=STACK_ARGS) as first:
        created = first.request("POST", "/api/v1/batches", headers={"X-API-Key": first.dev_key},
                                json={"name": "restart", "identifiers": identifiers})
        assert created.status_code == 202, created.text
        job_id = uuid.UUID(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
        _wait(lambda: _chunks_done(job_id) >= 2, 60, f"no chunk done:\n{first.stdout[-3000:]}")

        # WHEN the stack is stopped (Ctrl-C) mid-job
        assert first.stop() == 0
    done_before = _chunks_done(job_id)
    assert done_before < CHUNKS, "the job finished before the stack stopped: nothing was tested"
    assert "queued messages for the next start" in first.stdout

    # AND started again
    with LocalStackProcess(tmp_path, database_url, extra_args=STACK_ARGS) as second:
        assert "restored from the last run" in second.stdout
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
