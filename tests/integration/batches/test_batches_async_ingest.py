"""POST /api/v1/keepa/ingest above INGEST_ASYNC_THRESHOLD becomes the same kind of job as a batch: 202 with a
status URL the batches function serves, processed by the worker, idempotent and token-guarded like a batch."""

from __future__ import annotations

import uuid
from typing import Any

from batches_support import BATCHES

from db_testing import rows
from infra.keepa_offline import OfflineKeepa
from jobs_testing import JobQueues, run_worker
from keepa_testing import MakeKeepa, book_isbns
from support import ADMIN, SOURCER, call

INGEST = "/api/v1/keepa/ingest"


def _ingest(body: dict[str, Any], key: str | None = None,
            identity: dict[str, str] = ADMIN) -> tuple[int, dict[str, str], Any]:
    headers = {"idempotency-key": key} if key else None
    return call("keepa", "POST", INGEST, json_body=body, headers=headers, identity=identity)


def _follow(url: str, identity: dict[str, str]) -> tuple[int, Any]:
    status, _, body = call("batches", "GET", url, route=f"{BATCHES}/{{batch_id}}",
                           path_parameters={"batch_id": url.rsplit("/", 1)[1]}, identity=identity)
    return status, body


def test_a_large_ingest_is_queued_and_its_status_url_follows_it_to_success(queues: JobQueues,
                                                                           keepa: OfflineKeepa) -> None:
    identifiers = book_isbns(140) + book_isbns(10, known=False)

    status, headers, body = _ingest({"identifiers": identifiers, "strategy": "velocity"}, identity=SOURCER)

    assert status == 202, body
    assert headers["location"] == body["status_url"] == f"{BATCHES}/{body['id']}"
    # 150 products with the default page of offers: 6 tokens each.
    assert (body["items_total"], body["progress"]["chunks_total"], body["tokens_estimated"]) == (150, 2, 150 * 6)
    assert len(queues.messages()) == 2
    status, job = _follow(body["status_url"], SOURCER)
    assert status == 200, job
    assert (job["kind"], job["status"], job["owner_key_id"]) == ("ingest", "PENDING", SOURCER["key_id"])
    assert job["params"]["strategy"] == "velocity"
    # the ingest's 202 is the job as its status URL reads it, plus the entries it left out
    assert job == {key: value for key, value in body.items() if key != "invalid_identifiers"}
    assert body["invalid_identifiers"] == []

    run_worker(queues)

    status, job = _follow(body["status_url"], SOURCER)
    assert job["status"] == "SUCCESS", job
    assert (job["progress"]["succeeded"], job["progress"]["not_found"]) == (140, 10)
    stored = rows("SELECT identifier, strategy, created_by FROM analyses WHERE job_id = :id",
                  id=uuid.UUID(body["id"]))
    assert sorted(r["identifier"] for r in stored) == sorted(book_isbns(140))
    assert {(r["strategy"], r["created_by"]) for r in stored} == {("velocity", SOURCER["key_id"])}


def test_at_the_threshold_ingest_stays_synchronous(queues: JobQueues, keepa: OfflineKeepa) -> None:
    status, _, body = _ingest({"identifiers": book_isbns(100)})

    assert status == 200, body
    assert len(body["items"]) == 100
    assert rows("SELECT id FROM jobs") == [] and queues.messages() == []


def test_a_large_ingest_is_idempotent_by_key(queues: JobQueues, keepa: OfflineKeepa) -> None:
    body = {"identifiers": book_isbns(120)}
    key = str(uuid.uuid4())

    first = _ingest(body, key)
    again = _ingest(body, key)
    other = _ingest({"identifiers": book_isbns(130)}, key)

    assert first[0] == again[0] == 202 and first[2]["id"] == again[2]["id"], (first, again)
    assert other[0] == 409 and other[2]["error"]["code"] == "idempotency_key_reused", other
    assert len(rows("SELECT id FROM jobs")) == 1 and len(queues.messages()) == 2


def test_a_large_ingest_short_of_tokens_is_429_and_queues_nothing(queues: JobQueues, make_keepa: MakeKeepa) -> None:
    make_keepa(tokens=50, refill_rate=20)

    status, headers, body = _ingest({"identifiers": book_isbns(101)})

    assert status == 429, body
    # 101 products with offers need 606 tokens: 556 more than the 50 held.
    assert int(headers["retry-after"]) > 0 and body["error"]["details"][0]["deficit"] == 101 * 6 - 50 == 556
    assert rows("SELECT id FROM jobs") == [] and queues.messages() == []


def test_invalid_identifiers_of_a_large_ingest_are_left_out_of_its_job_and_listed(queues: JobQueues,
                                                                                  keepa: OfflineKeepa) -> None:
    identifiers = book_isbns(150)
    identifiers[120] = "nope"

    status, _, body = _ingest({"identifiers": identifiers})

    assert status == 202, body
    assert body["items_total"] == 149
    assert [(r["index"], r["value"]) for r in body["invalid_identifiers"]] == [(120, "nope")]
    (job,) = rows("SELECT items_total FROM jobs")
    assert job["items_total"] == 149
