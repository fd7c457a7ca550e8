"""Idempotency-Key on POST /api/v1/batches: a retry gets the same job, a reused key with another body is a 409,
and concurrent creates with one key make one job (the database's unique index decides)."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from batches_support import BATCHES
from sqlalchemy import text

from arbvault.db import get_engine
from db_testing import scalar
from infra.keepa_offline import OfflineKeepa
from jobs_testing import JobQueues
from keepa_testing import MakeKeepa, book_isbns
from support import ADMIN, SOURCER, call


def _create(body: dict[str, Any], key: str | None, identity: dict[str, str] = ADMIN) -> tuple[int, dict[str, str], Any]:
    headers = {"idempotency-key": key} if key is not None else None
    return call("batches", "POST", BATCHES, json_body=body, headers=headers, identity=identity)


def test_same_key_and_body_returns_the_same_job_and_queues_nothing_twice(queues: JobQueues,
                                                                         keepa: OfflineKeepa) -> None:
    body = {"name": "retry me", "identifiers": book_isbns(120)}
    key = str(uuid.uuid4())

    first = _create(body, key)
    second = _create(body, key)

    assert first[0] == second[0] == 202, (first, second)
    assert first[2]["id"] == second[2]["id"]
    assert first[1]["location"] == second[1]["location"]
    assert "idempotent-replayed" not in first[1] and second[1]["idempotent-replayed"] == "true"
    assert scalar("SELECT count(*) FROM jobs") == 1
    assert scalar("SELECT count(*) FROM outbox") == 2 and len(queues.messages()) == 2


def test_same_key_with_the_same_meaning_in_another_key_order_is_the_same_job(queues: JobQueues,
                                                                              keepa: OfflineKeepa) -> None:
    identifiers = book_isbns(3)
    key = str(uuid.uuid4())

    first = _create({"name": "n", "identifiers": identifiers}, key)
    # Key order and a default spelled out do not change what was asked for.
    second = _create({"domain_id": 1, "identifiers": identifiers, "name": "n"}, key)

    assert first[2]["id"] == second[2]["id"], (first, second)


def test_same_key_with_another_body_is_409_naming_the_existing_job(queues: JobQueues, keepa: OfflineKeepa) -> None:
    key = str(uuid.uuid4())
    status, _, created = _create({"name": "a", "identifiers": book_isbns(3)}, key)
    assert status == 202

    status, _, body = _create({"name": "a", "identifiers": book_isbns(4)}, key)

    assert status == 409, body
    assert body["error"]["code"] == "idempotency_key_reused"
    assert body["error"]["details"][0]["job_id"] == created["id"]
    assert scalar("SELECT count(*) FROM jobs") == 1


def test_a_key_belongs_to_its_api_key_so_two_callers_get_two_jobs(queues: JobQueues, keepa: OfflineKeepa) -> None:
    body = {"name": "shared key", "identifiers": book_isbns(2)}

    mine = _create(body, "same-key", ADMIN)
    theirs = _create(body, "same-key", SOURCER)

    assert mine[0] == theirs[0] == 202
    assert mine[2]["id"] != theirs[2]["id"]


def test_a_retry_finds_its_job_even_once_the_tokens_are_gone(queues: JobQueues, make_keepa: MakeKeepa) -> None:
    make_keepa(tokens=1_000, refill_rate=20)
    body = {"name": "spent", "identifiers": book_isbns(100)}  # 600 tokens with a page of offers each
    key = str(uuid.uuid4())
    first = _create(body, key)
    assert first[0] == 202
    # GIVEN the job's work spent the balance (as the worker would record it)
    with get_engine().begin() as connection:
        connection.execute(text("UPDATE keepa_token_state SET tokens_left = 0, observed_at = :now"),
                           {"now": datetime.now(UTC)})
    # WHEN the client retries, THEN it gets its job, not a 429; a new job would be refused.
    retry = _create(body, key)
    fresh = _create(body, str(uuid.uuid4()))

    assert retry[0] == 202 and retry[2]["id"] == first[2]["id"]
    assert fresh[0] == 429, fresh


def test_a_refused_create_frees_its_key_for_the_retry(queues: JobQueues, make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=50, refill_rate=20)
    body = {"name": "later", "identifiers": book_isbns(60)}
    key = str(uuid.uuid4())
    assert _create(body, key)[0] == 429
    # The refusal rolled everything back: no job, and not even the balance it asked /token for.
    assert scalar("SELECT count(*) FROM jobs") == 0 and scalar("SELECT count(*) FROM keepa_token_state") == 0
    # GIVEN the balance refilled
    keepa.bucket.set(1_000)

    status, _, created = _create(body, key)

    assert status == 202, created
    assert scalar("SELECT count(*) FROM jobs") == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "ünïcode"])
def test_a_malformed_idempotency_key_is_422(queues: JobQueues, key: str) -> None:
    status, _, body = _create({"name": "n", "identifiers": ["0134685997"]}, key)

    assert status == 422, body
    assert body["error"]["details"][0]["field"] == "header.Idempotency-Key"


def test_concurrent_creates_with_one_key_make_one_job(queues: JobQueues, keepa: OfflineKeepa,
                                                      unpooled: None) -> None:
    body = {"name": "race", "identifiers": book_isbns(300)}
    key = str(uuid.uuid4())
    callers = 8
    barrier = threading.Barrier(callers)
    answers: list[tuple[int, dict[str, str], Any]] = []
    lock = threading.Lock()

    def create() -> None:
        loop = asyncio.new_event_loop()  # Mangum runs each request on the thread's event loop
        asyncio.set_event_loop(loop)
        try:
            barrier.wait()
            answer = _create(body, key)
        finally:
            asyncio.set_event_loop(None)
            loop.close()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=create) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert [a[0] for a in answers] == [202] * callers, answers
    assert len({a[2]["id"] for a in answers}) == 1
    assert sum(1 for a in answers if "idempotent-replayed" not in a[1]) == 1
    assert scalar("SELECT count(*) FROM jobs") == 1
    assert scalar("SELECT count(*) FROM job_chunks") == 3 and scalar("SELECT count(*) FROM outbox") == 3
    assert len(queues.messages()) == 3
