"""A batch job end to end through `arbvault local`: the HTTP gateway and authorizer, the batches function, the
outbox to the local SQS queue, the template's event-source mapping into batch_worker, the offline Keepa, and
PostgreSQL - 250 identifiers -> 202 -> poll -> SUCCESS with the right counts."""

from __future__ import annotations

import time
from typing import Any

import pytest
from local_process import LocalStackProcess

from arbvault.identifiers import isbn13_check_digit
from infra.keepa_offline import is_unknown

pytestmark = pytest.mark.e2e

JOB_TIMEOUT_SECONDS = 120.0


def _identifiers(count: int) -> list[str]:
    """Valid 978 ISBN-13s, a few of which the offline Keepa does not know (so not-found is exercised)."""
    return [isbn + isbn13_check_digit(isbn) for isbn in (f"978{(n * 7_654_321 + 977) % 10 ** 9:09d}"
                                                          for n in range(count))]


def _all_results(stack: LocalStackProcess, job_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        response = stack.request("GET", f"/api/v1/batches/{job_id}/results", params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        params = {"limit": 100, "cursor": page["next_cursor"]}


def test_a_250_identifier_batch_runs_to_success_through_the_local_stack(project_stack: LocalStackProcess) -> None:
    headers = {"X-API-Key": project_stack.dev_key}
    identifiers = _identifiers(250)
    unknown = {i for i in identifiers if is_unknown(i)}
    assert 0 < len(unknown) < 50  # the catalogue's rule leaves a few out

    created = project_stack.request("POST", "/api/v1/batches", headers={**headers, "Idempotency-Key": "e2e-250"},
                                    json={"name": "e2e 250", "identifiers": identifiers})

    assert created.status_code == 202, created.text
    body = created.json()
    assert created.headers["location"] == body["status_url"]
    assert (body["items_total"], body["progress"]["chunks_total"]) == (250, 3)

    deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
    seen: list[str] = []
    while True:
        job = project_stack.request("GET", body["status_url"], headers=headers).json()
        if not seen or seen[-1] != job["status"]:
            seen.append(job["status"])
        if job["status"] not in ("PENDING", "RUNNING"):
            break
        assert time.monotonic() < deadline, f"job still {job['status']} after {JOB_TIMEOUT_SECONDS} s: {job}"
        time.sleep(0.2)

    assert job["status"] == "SUCCESS", (job, project_stack.stdout[-4000:])
    progress = job["progress"]
    assert progress["succeeded"] + progress["not_found"] == 250 == progress["processed"]
    assert progress["not_found"] == len(unknown) and progress["failed"] == 0
    assert progress["chunks_done"] == 3 and progress["percent"] == 100.0
    results = _all_results(project_stack, body["id"], headers)
    assert len(results) == progress["succeeded"] == len({r["identifier"] for r in results})
    assert {r["identifier"] for r in results} == set(identifiers) - unknown
    # The same request again is the same job, not a second one.
    again = project_stack.request("POST", "/api/v1/batches", headers={**headers, "Idempotency-Key": "e2e-250"},
                                  json={"name": "e2e 250", "identifiers": identifiers})
    assert again.status_code == 202 and again.json()["id"] == body["id"]
    # The worker's lines on the console: one per batch of records.
    assert "batch_worker" in project_stack.stdout
