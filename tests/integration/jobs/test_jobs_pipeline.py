"""The job pipeline end to end in process: create (job, chunks, outbox) -> publish -> worker -> settled job."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from jobs_support import OWNER, assert_exactly_once, chunk_rows, job_settled

from arbvault.db import session_scope
from arbvault.jobs.creation import create_job
from arbvault.jobs.exceptions import JobMessageError
from arbvault.jobs.outbox import publish_pending
from arbvault.jobs.queries import get_job
from arbvault.jobs.queue import ChunkMessage
from arbvault.jobs.states import JobStatus
from arbvault.jobs.worker import ChunkPipeline
from db_testing import rows
from infra.keepa_offline import OfflineKeepa
from jobs_testing import EventSource
from keepa_testing import book_isbns


def _wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def _create(identifiers: list[str], **options: Any) -> Any:
    with session_scope() as session:
        job, created = create_job(session, kind="batch", identifiers=identifiers, owner_key_id=OWNER, **options)
    assert created
    return job


def test_job_of_250_identifiers_succeeds_with_every_analysis_stored_once(keepa: OfflineKeepa,
                                                                          worker: EventSource) -> None:
    # GIVEN 240 known books and 10 Keepa does not know, across three chunks
    known, unknown = book_isbns(240), book_isbns(10, known=False)
    job = _create(known + unknown, name="spring list")
    assert job.status == JobStatus.PENDING and job.progress.chunks_total == 3
    assert rows("SELECT count(*) AS n FROM outbox WHERE job_id = :job AND sent_at IS NULL", job=job.id)[0]["n"] == 3

    # WHEN the outbox is published and the worker drains the queue
    published = publish_pending(job_id=job.id)
    worker.run_until(job_settled(job.id))

    # THEN the job succeeded, its progress adds up, and each found book has exactly one analysis
    assert published.sent == 3 and published.failed == 0
    with session_scope() as session:
        done = get_job(session, job.id, owner_key_id=OWNER)
    assert done.status == JobStatus.SUCCESS
    progress = done.progress
    assert (progress.total, progress.processed, progress.succeeded, progress.not_found, progress.failed) == (
        250, 250, 240, 10, 0)
    assert progress.percent == 100.0
    assert done.started_at is not None and done.finished_at is not None and done.duration_ms is not None
    assert done.tokens_used > 0 and done.error_summary is None
    assert_exactly_once(job.id, known)
    assert {c["state"] for c in chunk_rows(job.id)} == {"done"}
    assert worker.failures == []


def _product_requests(keepa: OfflineKeepa) -> list[Any]:
    return [request for request in keepa.requests if request.endpoint == "product"]


def _messages(job_id: Any) -> list[tuple[str, str]]:
    return [(f"m{c['index']}", ChunkMessage(job_id, c["id"]).to_body()) for c in chunk_rows(job_id)]


def test_a_batch_claims_the_next_chunk_and_asks_keepa_for_it_before_storing_the_current_one(
        keepa: OfflineKeepa) -> None:
    # GIVEN a job of three chunks delivered as one SQS batch
    known = book_isbns(300)
    job = _create(known)
    pipeline = ChunkPipeline(_messages(job.id), lease_seconds=lambda: 60)

    # WHEN the first message is processed
    first = pipeline.process("m0")

    # THEN the second chunk is already claimed and its Keepa request sent; the third is untouched
    assert first.action == "done"
    assert [c["state"] for c in chunk_rows(job.id)] == ["done", "running", "pending"]
    _wait_for(lambda: len(_product_requests(keepa)) == 2)
    # AND the rest completes exactly once, with one Keepa request per chunk
    assert [pipeline.process(m).action for m in ("m1", "m2")] == ["done", "done"]
    assert len(_product_requests(keepa)) == 3
    assert_exactly_once(job.id, known)


def test_a_bad_message_in_a_batch_fails_alone(keepa: OfflineKeepa) -> None:
    # GIVEN a batch whose middle message names a chunk that does not exist
    known = book_isbns(200)
    job = _create(known)
    good = _messages(job.id)
    batch = [good[0], ("bad", ChunkMessage(job.id, uuid.uuid4()).to_body()), ("last", good[1][1])]
    pipeline = ChunkPipeline(batch, lease_seconds=lambda: 60)

    # WHEN the batch is processed in order
    outcomes: list[str] = []
    for message_id, _ in batch:
        try:
            outcomes.append(pipeline.process(message_id).action)
        except JobMessageError:
            outcomes.append("error")

    # THEN only the bad record failed, and both chunks were stored once
    assert outcomes == ["done", "error", "done"]
    assert_exactly_once(job.id, known)


def test_a_batch_running_out_of_time_hands_the_chunks_it_cannot_start_back_as_fresh_messages(
        keepa: OfflineKeepa, worker: EventSource) -> None:
    # GIVEN a batch of three chunks whose invocation has 60 s left, then 5 s: under the 8 s needed to start one
    known = book_isbns(300)
    job = _create(known)
    publish_pending(job_id=job.id)
    left = [60.0]
    pipeline = ChunkPipeline(_messages(job.id), lease_seconds=lambda: left[0], start_margin_seconds=8)

    # WHEN the batch is processed, time running short after the first chunk (the second is begun by then)
    first = pipeline.process("m0")
    left[0] = 5.0
    outcomes = [first.action, pipeline.process("m1").action, pipeline.process("m2").action]

    # THEN the third chunk was not claimed but handed back: still pending, no attempt, a fresh message sent
    assert outcomes == ["done", "done", "handed_back"]
    last = chunk_rows(job.id)[2]
    assert (last["state"], last["attempts"]) == ("pending", 0)
    fresh = rows("SELECT sent_at FROM outbox WHERE chunk_id = :chunk", chunk=last["id"])
    assert len(fresh) == 2 and all(row["sent_at"] is not None for row in fresh)
    # AND the next invocation completes the job exactly once
    worker.run_until(job_settled(job.id))
    assert_exactly_once(job.id, known)
