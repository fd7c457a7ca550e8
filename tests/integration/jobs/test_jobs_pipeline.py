"""The job pipeline end to end in process: create (job, chunks, outbox) -> publish -> worker -> settled job."""

from __future__ import annotations

from typing import Any

from arbvault.db import session_scope
from arbvault.jobs import JobStatus, create_job, get_job, publish_pending
from db_testing import rows
from infra.keepa_offline import OfflineKeepa
from jobs_support import OWNER, assert_exactly_once, chunk_rows, job_settled
from jobs_testing import EventSource
from keepa_testing import book_isbns


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
