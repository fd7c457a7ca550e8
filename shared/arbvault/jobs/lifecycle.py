"""Status changes of a job: requested ones (transition, cancel) and the settling of a job by its last chunk.

Every change locks the job row first (``SELECT ... FOR UPDATE``), then touches chunks: one lock order for
requests, workers, the dead-letter handler and the relay, so they serialise instead of deadlocking, and the
last two chunks finishing together cannot both (or neither) settle the job.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import func, select

from arbvault.jobs.exceptions import IllegalTransitionError
from arbvault.jobs.queries import JobSummary, load_job, summarise
from arbvault.jobs.states import ACTIVE_STATUSES, ChunkState, JobStatus, check_transition, parse_status
from arbvault.models import Job, JobChunk

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_REASONS: Final = 20
"""Failure reasons kept in a job's error summary (the count is always complete)."""


def apply_status(job: Job, target: JobStatus, *, now: datetime | None = None) -> None:
    """Move the locked ``job`` to ``target`` (already checked), stamping start, finish and duration."""
    moment = now or datetime.now(UTC)
    job.status = target.value
    if target == JobStatus.RUNNING and job.started_at is None:
        job.started_at = moment
    if target not in ACTIVE_STATUSES:
        job.finished_at = moment
        job.duration_ms = int((moment - (job.started_at or job.created_at)).total_seconds() * 1000)


def _chunk_states(session: Session, job_id: uuid.UUID) -> dict[str, int]:
    rows = session.execute(select(JobChunk.state, func.count()).where(JobChunk.job_id == job_id)
                           .group_by(JobChunk.state)).all()
    return {state: count for state, count in rows}


def failure_summary(session: Session, job_id: uuid.UUID) -> dict[str, Any]:
    """How many chunks and identifiers of the job failed, and why (the first ``MAX_REASONS`` chunks)."""
    failed = session.execute(
        select(JobChunk.index, JobChunk.last_error, func.cardinality(JobChunk.identifiers))
        .where(JobChunk.job_id == job_id, JobChunk.state == ChunkState.FAILED.value).order_by(JobChunk.index)
    ).all()
    return {
        "failed_chunks": len(failed),
        "failed_identifiers": sum(size for _, _, size in failed),
        "reasons": [{"chunk": index, "reason": reason or "unknown"} for index, reason, _ in failed[:MAX_REASONS]],
    }


def settle_if_finished(session: Session, job: Job) -> JobStatus | None:
    """Finish the locked, active ``job`` when none of its chunks is pending or running; returns the new status.

    SUCCESS only when every chunk is done; otherwise ERROR with the failure count and reasons.
    """
    if JobStatus(job.status) not in ACTIVE_STATUSES:
        return None
    states = _chunk_states(session, job.id)
    if states.get(ChunkState.PENDING.value) or states.get(ChunkState.RUNNING.value):
        return None
    now = datetime.now(UTC)
    if job.status == JobStatus.PENDING.value:
        apply_status(job, JobStatus.RUNNING, now=now)
    if states.get(ChunkState.FAILED.value):
        job.error_summary = failure_summary(session, job.id)
        apply_status(job, JobStatus.ERROR, now=now)
    else:
        apply_status(job, JobStatus.SUCCESS, now=now)
    return JobStatus(job.status)


def transition(session: Session, job_id: uuid.UUID | str, to: JobStatus | str, *, owner_key_id: str | None = None,
               error_message: str | None = None) -> JobSummary:
    """Move the job to ``to`` (any case) if the state machine allows it; returns the job after the change.

    SUCCESS is refused unless every chunk is done (a job with failed or unfinished chunks never reports plain
    success); ERROR records ``error_message``. Raises ``JobNotFoundError`` (404), ``InvalidInputError`` (422,
    unknown status) and ``IllegalTransitionError`` (409).
    """
    target = to if isinstance(to, JobStatus) else parse_status(to)
    job = load_job(session, job_id, owner_key_id=owner_key_id, for_update=True)
    check_transition(job.status, target)
    if target == JobStatus.SUCCESS:
        states = _chunk_states(session, job.id)
        unfinished = sum(count for state, count in states.items() if state != ChunkState.DONE.value)
        if unfinished:
            raise IllegalTransitionError(job.status, target.value,
                                         reason=f"{unfinished} chunk(s) are not done")
    if target == JobStatus.ERROR:
        job.error_summary = {**failure_summary(session, job.id), "message": error_message or "set by request"}
    apply_status(job, target)
    session.flush()
    return summarise(session, job)


def cancel_job(session: Session, job_id: uuid.UUID | str, *, owner_key_id: str | None = None) -> JobSummary:
    """Cancel a PENDING or RUNNING job; cancelling a cancelled job again changes nothing.

    Chunks not yet claimed are never processed; a chunk being processed still stores its analyses (its tokens
    are spent), and they stay. Raises ``JobNotFoundError`` (404) and ``IllegalTransitionError`` (409) for a
    job that already succeeded or failed.
    """
    job = load_job(session, job_id, owner_key_id=owner_key_id, for_update=True)
    if job.status != JobStatus.CANCELLED.value:
        check_transition(job.status, JobStatus.CANCELLED)
        apply_status(job, JobStatus.CANCELLED)
        session.flush()
    return summarise(session, job)
