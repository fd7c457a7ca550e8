"""Chunk claims: taking a chunk (conditional update), giving it back, and settling it, all fenced by claim id.

Lock order everywhere: the job row first (``FOR NO KEY UPDATE``), then its chunk. A claim lasts as long as the
invocation can (the lease); a worker that outlives its lease finds its claim taken over and writes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from arbvault.db import affected_rows, session_scope
from arbvault.jobs.exceptions import JobMessageError
from arbvault.jobs.lifecycle import apply_status, settle_if_finished
from arbvault.jobs.params import JobParams
from arbvault.jobs.states import ACTIVE_STATUSES, SETTLED_CHUNK_STATES, ChunkState, JobStatus
from arbvault.models.job import Job, JobChunk

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement
    from sqlalchemy.orm import Session

    from arbvault.jobs.queue import ChunkMessage


IDENTIFIER_SEPARATOR = " "  # normalised identifiers hold none


@dataclass(frozen=True, slots=True)
class Claim:
    """A chunk this worker holds until ``lease_expires_at``."""

    job_id: uuid.UUID
    chunk_id: uuid.UUID
    chunk_index: int
    claim_id: uuid.UUID
    identifiers: tuple[str, ...]
    owner_key_id: str
    params: JobParams
    lease_expires_at: datetime


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a chunk was not claimed: settled, its job no longer active, or held by a live claim."""

    reason: str


def lock_job(session: Session, job_id: uuid.UUID) -> Job | None:
    """The job row, locked for this transaction (``None`` if there is none)."""
    return session.scalars(select(Job).where(Job.id == job_id).with_for_update(key_share=True)).one_or_none()


def claim(message: ChunkMessage, *, lease_seconds: float) -> Claim | Refusal:
    """Claim the message's chunk when it is pending, or running with an expired lease, and its job is active;
    a PENDING job becomes RUNNING. ``JobMessageError`` for an unknown job or chunk."""
    claim_id = uuid.uuid4()
    with session_scope() as session:
        job = lock_job(session, message.job_id)
        if job is None:
            raise JobMessageError(f"unknown job {message.job_id}")
        if JobStatus(job.status) not in ACTIVE_STATUSES:
            return Refusal(f"job is {job.status}")
        # The conditional update is the claim: only one worker can move the chunk out of these states.
        row = session.execute(
            update(JobChunk)
            .where(JobChunk.id == message.chunk_id, JobChunk.job_id == job.id,
                   (JobChunk.state == ChunkState.PENDING.value)
                   | ((JobChunk.state == ChunkState.RUNNING.value) & (JobChunk.lease_expires_at < func.now())))
            .values(state=ChunkState.RUNNING.value, attempts=JobChunk.attempts + 1, claim_id=claim_id,
                    lease_expires_at=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, lease_seconds))
            # as one string: pg8000 parses array text character by character in Python (0.7 ms for 100)
            .returning(JobChunk.index.label("chunk_index"),  # a Row's .index is tuple.index
                       func.array_to_string(JobChunk.identifiers, IDENTIFIER_SEPARATOR).label("identifiers"),
                       JobChunk.lease_expires_at)
        ).one_or_none()
        if row is None:
            chunk = session.get(JobChunk, message.chunk_id)
            if chunk is None or chunk.job_id != job.id:
                raise JobMessageError(f"job {job.id} has no chunk {message.chunk_id}")
            if ChunkState(chunk.state) in SETTLED_CHUNK_STATES:
                return Refusal(f"chunk already {chunk.state}")
            return Refusal(f"chunk claimed by another worker until {chunk.lease_expires_at.isoformat()}"
                           if chunk.lease_expires_at else f"chunk is {chunk.state}")
        if job.status == JobStatus.PENDING.value:
            apply_status(job, JobStatus.RUNNING)
        return Claim(job_id=job.id, chunk_id=message.chunk_id, chunk_index=row.chunk_index, claim_id=claim_id,
                     identifiers=tuple(row.identifiers.split(IDENTIFIER_SEPARATOR)), owner_key_id=job.owner_key_id,
                     params=JobParams.from_dict(job.params), lease_expires_at=row.lease_expires_at)


def _held(held: Claim) -> tuple[ColumnElement[bool], ...]:
    return (JobChunk.id == held.chunk_id, JobChunk.claim_id == held.claim_id,
            JobChunk.state == ChunkState.RUNNING.value)


def release(session: Session, held: Claim, *, reason: str, token_wait: bool = False) -> bool:
    """Give the chunk back (pending) if the claim is still ours; a token wait does not count as an attempt."""
    values: dict[str, object] = {"state": ChunkState.PENDING.value, "claim_id": None, "lease_expires_at": None,
                                 "last_error": reason[:1000]}
    if token_wait:
        values |= {"attempts": func.greatest(JobChunk.attempts - 1, 0), "token_waits": JobChunk.token_waits + 1}
    return affected_rows(session.execute(update(JobChunk).where(*_held(held)).values(**values))) == 1


def settle_chunk(session: Session, held: Claim, *, state: ChunkState, succeeded: int = 0, not_found: int = 0,
                 tokens_used: int = 0, error: str | None = None) -> tuple[bool, JobStatus | None]:
    """Mark the held chunk done or failed and settle its job if it was the last; in the caller's transaction.

    Returns whether the claim was still ours (if not, nothing changed and the caller must roll back) and the
    job's new status when this chunk finished it.
    """
    job = lock_job(session, held.job_id)
    assert job is not None  # chunks are deleted with their job only
    changed = affected_rows(session.execute(update(JobChunk).where(*_held(held)).values(
        state=state.value, succeeded=succeeded, not_found=not_found, tokens_used=tokens_used,
        last_error=error[:1000] if error else None, claim_id=None, lease_expires_at=None,
        finished_at=datetime.now(UTC)))) == 1
    if not changed:
        return False, None
    job.tokens_used += tokens_used
    return True, settle_if_finished(session, job)


def lease_seconds_for(remaining_ms: int, *, floor_seconds: float = 1.0) -> float:
    """A lease that ends when the invocation must have: its remaining time (at least ``floor_seconds``)."""
    return max(floor_seconds, remaining_ms / 1000)


START_MARGIN_SECONDS = 8.0
"""Time left below which an invocation starts no more chunks: a chunk's Keepa request and writes fit in it."""


def start_margin_for(timeout_ms: int) -> float:
    """How much time an invocation of ``timeout_ms`` must have left to start another chunk: 8 s, or a third of
    a shorter invocation (tests run workers with timeouts of a few seconds)."""
    return min(START_MARGIN_SECONDS, timeout_ms / 1000 / 3)
