"""The dead-letter queue's side: record every message that gave up, fail its chunk, settle its job.

Recording is idempotent per SQS message id (the DLQ delivers at least once too). A chunk still held by a
live claim is left to that worker (it settles the chunk, or its lease expires and the relay re-drives it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert

from arbvault.db import affected_rows, session_scope
from arbvault.jobs.claims import lock_job
from arbvault.jobs.exceptions import JobMessageError
from arbvault.jobs.lifecycle import settle_if_finished
from arbvault.jobs.queue import ChunkMessage
from arbvault.jobs.states import SETTLED_CHUNK_STATES, ChunkState, JobStatus
from arbvault.models.job import JobChunk
from arbvault.models.outbox import DeadLetter
from arbvault.observability import count, logger

Verdict = Literal["chunk_failed", "already_settled", "claimed_elsewhere", "malformed", "unknown_job",
                  "unknown_chunk"]


@dataclass(frozen=True, slots=True)
class DeadLetterOutcome:
    """What recording one dead letter did; ``job_status`` is set when it settled the job."""

    verdict: Verdict
    reason: str
    recorded: bool
    job_id: uuid.UUID | None = None
    chunk_id: uuid.UUID | None = None
    job_status: JobStatus | None = None


def record_dead_letter(message_id: str, body: str, *, receive_count: int | None = None) -> DeadLetterOutcome:
    """Record the dead letter once and fail its chunk with the reason (the chunk's last error, if any)."""
    deliveries = f"{receive_count} deliveries" if receive_count else "every delivery"
    try:
        message: ChunkMessage | None = ChunkMessage.parse(body)
    except JobMessageError as exc:
        message = None
        verdict: Verdict = "malformed"
        reason = f"{exc.message}; gave up after {deliveries}"
    job_id = message.job_id if message else None
    chunk_id = message.chunk_id if message else None
    settled: JobStatus | None = None
    with session_scope() as session:
        if message is not None:
            job = lock_job(session, message.job_id)
            chunk = session.get(JobChunk, message.chunk_id, with_for_update=True) if job is not None else None
            if job is None:
                verdict, reason = "unknown_job", f"unknown job {message.job_id}; gave up after {deliveries}"
            elif chunk is None or chunk.job_id != job.id:
                verdict, reason = "unknown_chunk", f"job has no chunk {message.chunk_id}; gave up after {deliveries}"
            elif ChunkState(chunk.state) in SETTLED_CHUNK_STATES:
                verdict, reason = "already_settled", f"chunk already {chunk.state}"
            elif (chunk.state == ChunkState.RUNNING.value and chunk.lease_expires_at is not None
                  and chunk.lease_expires_at > datetime.now(UTC)):
                verdict, reason = "claimed_elsewhere", "chunk is being processed under a live claim"
            else:
                verdict = "chunk_failed"
                reason = f"gave up after {deliveries}: {chunk.last_error or 'no error recorded'}"
                session.execute(update(JobChunk).where(JobChunk.id == chunk.id).values(
                    state=ChunkState.FAILED.value, last_error=reason[:1000], claim_id=None,
                    lease_expires_at=None, finished_at=datetime.now(UTC)))
                settled = settle_if_finished(session, job)
        recorded = affected_rows(session.execute(insert(DeadLetter).values(
            message_id=message_id, body=body, reason=reason[:2000], receive_count=receive_count,
            job_id=job_id, chunk_id=chunk_id).on_conflict_do_nothing(index_elements=["message_id"]))) == 1
    if verdict == "chunk_failed":
        count("ChunksFailed")
    count("DeadLetters")
    logger.warning("dead letter recorded", extra={"message_id": message_id, "verdict": verdict, "reason": reason,
                                                  "job_id": str(job_id) if job_id else None,
                                                  "chunk_id": str(chunk_id) if chunk_id else None})
    return DeadLetterOutcome(verdict=verdict, reason=reason, recorded=recorded, job_id=job_id, chunk_id=chunk_id,
                             job_status=settled)
