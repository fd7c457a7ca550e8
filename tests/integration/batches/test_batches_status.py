"""Cancel and PATCH status through the handler: only the state machine's transitions (409 otherwise), statuses
in any case, cancel while running keeps what was stored and skips the rest."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from batches_support import BATCHES

from db_testing import execute, rows, scalar
from infra.keepa_offline import OfflineKeepa
from jobs_testing import JobQueues, run_worker
from keepa_testing import book_isbns
from support import ADMIN, SOURCER, call

STATUSES = ("PENDING", "RUNNING", "SUCCESS", "ERROR", "CANCELLED")
LEGAL = {("PENDING", "RUNNING"), ("PENDING", "CANCELLED"), ("RUNNING", "SUCCESS"), ("RUNNING", "ERROR"),
         ("RUNNING", "CANCELLED")}


def _create(count: int = 150, identity: dict[str, str] = ADMIN) -> str:
    status, _, body = call("batches", "POST", BATCHES, json_body={"name": "s", "identifiers": book_isbns(count)},
                           identity=identity)
    assert status == 202, body
    return str(body["id"])


def _patch(job_id: str, payload: dict[str, Any], identity: dict[str, str] = ADMIN) -> tuple[int, Any]:
    status, _, body = call("batches", "PATCH", f"{BATCHES}/{job_id}/status", route=f"{BATCHES}/{{batch_id}}/status",
                           path_parameters={"batch_id": job_id}, json_body=payload, identity=identity)
    return status, body


def _cancel(job_id: str, identity: dict[str, str] = ADMIN) -> tuple[int, Any]:
    status, _, body = call("batches", "POST", f"{BATCHES}/{job_id}/cancel", route=f"{BATCHES}/{{batch_id}}/cancel",
                           path_parameters={"batch_id": job_id}, identity=identity)
    return status, body


def _force_status(job_id: str, status: str) -> None:
    execute("UPDATE jobs SET status = :status WHERE id = :id", status=status, id=uuid.UUID(job_id))


def _finish_chunks(job_id: str) -> None:
    execute("UPDATE job_chunks SET state = 'done' WHERE job_id = :id", id=uuid.UUID(job_id))


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("requested", STATUSES)
def test_transitions_table(queues: JobQueues, keepa: OfflineKeepa, current: str, requested: str) -> None:
    job_id = _create()
    _force_status(job_id, current)
    _finish_chunks(job_id)  # so RUNNING -> SUCCESS is refused by the state machine only

    status, body = _patch(job_id, {"status": requested.lower()})

    if (current, requested) in LEGAL:
        assert status == 200, body
        assert body["status"] == requested
    else:
        assert status == 409, body
        assert body["error"]["code"] == "illegal_transition"
        assert body["error"]["details"][0] == {"field": "status", "code": "illegal_transition", "current": current,
                                               "requested": requested}
        assert rows("SELECT status FROM jobs WHERE id = :id", id=uuid.UUID(job_id))[0]["status"] == current


@pytest.mark.parametrize("spelling", ["running", "Running", "RUNNING", " running "])
def test_status_is_accepted_in_any_case(queues: JobQueues, keepa: OfflineKeepa, spelling: str) -> None:
    job_id = _create()

    status, body = _patch(job_id, {"status": spelling})

    assert status == 200, body
    assert body["status"] == "RUNNING" and body["started_at"] is not None


def test_success_is_refused_while_chunks_are_unfinished(queues: JobQueues, keepa: OfflineKeepa) -> None:
    job_id = _create()
    assert _patch(job_id, {"status": "running"})[0] == 200

    status, body = _patch(job_id, {"status": "success"})

    assert status == 409, body
    assert "2 chunk(s) are not done" in body["error"]["message"]


def test_error_keeps_the_message_and_stamps_the_finish(queues: JobQueues, keepa: OfflineKeepa) -> None:
    job_id = _create()
    _patch(job_id, {"status": "running"})

    status, body = _patch(job_id, {"status": "error", "error_message": "supplier list withdrawn"})

    assert status == 200, body
    assert body["status"] == "ERROR" and body["finished_at"] is not None and body["duration_ms"] is not None
    assert body["error_summary"]["message"] == "supplier list withdrawn"


@pytest.mark.parametrize(("payload", "field"), [({"status": "processing"}, "body.status"),
                                                ({"status": "completed"}, "body.status"),
                                                ({}, "body.status"),
                                                ({"status": "running", "extra": 1}, "body.extra")])
def test_unknown_status_or_body_is_422_naming_the_field(queues: JobQueues, keepa: OfflineKeepa,
                                                         payload: dict[str, Any], field: str) -> None:
    job_id = _create()

    status, body = _patch(job_id, payload)

    assert status == 422, body
    assert body["error"]["details"][0]["field"] == field


def test_status_and_cancel_of_unknown_or_foreign_jobs_are_404(queues: JobQueues, keepa: OfflineKeepa) -> None:
    admins = _create()
    unknown = str(uuid.uuid4())

    assert _patch(unknown, {"status": "cancelled"})[0] == 404
    assert _cancel(unknown)[0] == 404
    assert _patch(admins, {"status": "cancelled"}, SOURCER)[0] == 404
    assert _cancel(admins, SOURCER)[0] == 404
    assert rows("SELECT status FROM jobs WHERE id = :id", id=uuid.UUID(admins))[0]["status"] == "PENDING"
    # An admin may change a sourcer's job.
    sourcers = _create(identity=SOURCER)
    assert _cancel(sourcers, ADMIN)[1]["status"] == "CANCELLED"


def test_cancel_a_pending_job_then_again_then_the_worker_skips_it(queues: JobQueues, keepa: OfflineKeepa) -> None:
    job_id = _create()

    first = _cancel(job_id)
    again = _cancel(job_id)
    run_worker(queues)

    assert first[0] == again[0] == 200, (first, again)
    assert first[1]["status"] == again[1]["status"] == "CANCELLED"
    assert first[1]["finished_at"] == again[1]["finished_at"]
    assert scalar("SELECT count(*) FROM analyses WHERE job_id = :id", id=uuid.UUID(job_id)) == 0
    assert not [p for p in keepa.requests if p.endpoint == "product"]


def test_cancel_while_running_keeps_stored_results_and_skips_the_rest(queues: JobQueues,
                                                                     keepa: OfflineKeepa) -> None:
    job_id = _create(250)
    run_worker(queues, batch_size=1, max_batches=1)  # one chunk done: the job is running

    status, body = _cancel(job_id)
    run_worker(queues)

    assert status == 200, body
    assert body["status"] == "CANCELLED"
    _, _, after = call("batches", "GET", f"{BATCHES}/{job_id}", route=f"{BATCHES}/{{batch_id}}",
                       path_parameters={"batch_id": job_id})
    assert after["status"] == "CANCELLED"
    assert after["progress"]["chunks_done"] == 1 and after["progress"]["succeeded"] == 100
    stored = scalar("SELECT count(*) FROM analyses WHERE job_id = :id", id=uuid.UUID(job_id))
    assert stored == 100
    assert len([p for p in keepa.requests if p.endpoint == "product"]) == 1


def test_cancel_of_a_finished_job_is_409(queues: JobQueues, keepa: OfflineKeepa) -> None:
    job_id = _create(10)
    run_worker(queues)

    status, body = _cancel(job_id)

    assert status == 409, body
    assert body["error"]["details"][0]["current"] == "SUCCESS"
