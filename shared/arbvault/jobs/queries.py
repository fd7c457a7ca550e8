"""Reading jobs: one with its progress, or a page of them (newest first, keyset cursor on created_at and id).

Progress is derived from chunk states and counts, never stored on the job.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from arbvault.exceptions import InvalidInputError
from arbvault.jobs.exceptions import JobNotFoundError
from arbvault.jobs.params import JobParams
from arbvault.jobs.states import ChunkState, JobStatus
from arbvault.keyset import KeysetPage, KeysetPosition, newest_first
from arbvault.models.job import Job, JobChunk

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def job_uuid(value: uuid.UUID | str, *, field: str = "job_id") -> uuid.UUID:
    """``value`` as a UUID; 422 naming ``field`` when it is not one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise InvalidInputError(f"{field} must be a UUID",
                                details=[{"field": field, "message": "not a UUID", "value": str(value)}]) from exc


@dataclass(frozen=True, slots=True)
class JobSummary:
    """A job as callers see it: its row's fields and its progress derived from the chunks."""

    id: uuid.UUID
    kind: str
    name: str | None
    status: JobStatus
    owner_key_id: str
    params: JobParams
    idempotency_key: str | None
    items_total: int
    tokens_used: int
    error_summary: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    progress: Progress

    @classmethod
    def of(cls, job: Job, progress: Progress) -> JobSummary:
        return cls(id=job.id, kind=job.kind, name=job.name, status=JobStatus(job.status),
                   owner_key_id=job.owner_key_id, params=JobParams.from_dict(job.params),
                   idempotency_key=job.idempotency_key, items_total=job.items_total, tokens_used=job.tokens_used,
                   error_summary=job.error_summary, created_at=job.created_at, updated_at=job.updated_at,
                   started_at=job.started_at, finished_at=job.finished_at, duration_ms=job.duration_ms,
                   progress=progress)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (ISO-8601 timestamps, the status upper-case)."""

        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {"id": str(self.id), "kind": self.kind, "name": self.name, "status": self.status.value,
                "owner_key_id": self.owner_key_id, "params": self.params.as_dict(),
                "items_total": self.items_total, "tokens_used": self.tokens_used,
                "error_summary": self.error_summary, "progress": self.progress.as_dict(),
                "created_at": iso(self.created_at), "updated_at": iso(self.updated_at),
                "started_at": iso(self.started_at), "finished_at": iso(self.finished_at),
                "duration_ms": self.duration_ms}


def progress_of(session: Session, jobs: Sequence[Job]) -> dict[uuid.UUID, Progress]:
    """Progress of each of ``jobs``, in one aggregate over their chunks."""
    if not jobs:
        return {}
    done = JobChunk.state == ChunkState.DONE.value
    failed = JobChunk.state == ChunkState.FAILED.value
    rows = session.execute(
        select(
            JobChunk.job_id,
            func.count().filter(done),
            func.count().filter(failed),
            func.coalesce(func.sum(case((done, JobChunk.succeeded), else_=0)), 0),
            func.coalesce(func.sum(case((done, JobChunk.not_found), else_=0)), 0),
            func.coalesce(func.sum(case((failed, func.cardinality(JobChunk.identifiers)), else_=0)), 0),
        ).where(JobChunk.job_id.in_([job.id for job in jobs])).group_by(JobChunk.job_id)
    ).all()
    counts = {row[0]: row[1:] for row in rows}
    result = {}
    for job in jobs:
        chunks_done, chunks_failed, succeeded, not_found, failed_items = counts.get(job.id, (0, 0, 0, 0, 0))
        result[job.id] = Progress(total=job.items_total, succeeded=int(succeeded), not_found=int(not_found),
                                  failed=int(failed_items), chunks_total=job.chunks_total,
                                  chunks_done=int(chunks_done), chunks_failed=int(chunks_failed))
    return result


def summarise(session: Session, job: Job) -> JobSummary:
    """``job`` with its progress as of now."""
    return JobSummary.of(job, progress_of(session, [job])[job.id])


def load_job(session: Session, job_id: uuid.UUID | str, *, owner_key_id: str | None = None,
             for_update: bool = False) -> Job:
    """The job row, visible to ``owner_key_id`` (any owner when ``None``); 404 otherwise."""
    key = job_uuid(job_id)
    statement = select(Job).where(Job.id == key)
    if owner_key_id is not None:
        statement = statement.where(Job.owner_key_id == str(owner_key_id))
    if for_update:
        # NO KEY UPDATE, as the workers take it: it does not block inserts referencing the job (outbox rows).
        statement = statement.with_for_update(key_share=True)
    job = session.scalars(statement).one_or_none()
    if job is None:
        raise JobNotFoundError(key)
    return job


def get_job(session: Session, job_id: uuid.UUID | str, *, owner_key_id: str | None = None) -> JobSummary:
    """The job with its progress. ``JobNotFoundError`` (404) for an unknown id or another owner's job;
    ``InvalidInputError`` (422) for an id that is not a UUID."""
    return summarise(session, load_job(session, job_id, owner_key_id=owner_key_id))


def list_jobs(session: Session, *, owner_key_id: str | None = None, status: JobStatus | str | None = None,
              kind: str | None = None, limit: int = 50, after: KeysetPosition | None = None) -> KeysetPage[JobSummary]:
    """Up to ``limit`` jobs, newest first, of ``owner_key_id`` (all owners when ``None``), optionally of one
    ``status`` or ``kind``, starting after ``after``."""
    statement = select(Job)
    if owner_key_id is not None:
        statement = statement.where(Job.owner_key_id == str(owner_key_id))
    if status is not None:
        statement = statement.where(Job.status == JobStatus(status).value)
    if kind is not None:
        statement = statement.where(Job.kind == kind)
    page = newest_first(session, statement, at=Job.created_at, id=Job.id, limit=limit, after=after)
    progress = progress_of(session, page.items)
    return KeysetPage([JobSummary.of(job, progress[job.id]) for job in page.items], page.next_position)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a job is, in identifiers.

    ``processed`` counts identifiers of settled chunks: ``succeeded`` (analysed and stored) plus ``not_found``
    (Keepa has no product) of done chunks, plus ``failed`` (every identifier of a failed chunk).
    """

    total: int
    succeeded: int
    not_found: int
    failed: int
    chunks_total: int
    chunks_done: int
    chunks_failed: int

    @property
    def processed(self) -> int:
        return self.succeeded + self.not_found + self.failed

    @property
    def percent(self) -> float:
        """Share of identifiers processed, 0-100 with one decimal (100 for an empty job)."""
        if self.total <= 0:
            return 100.0
        return round(min(self.processed, self.total) * 100 / self.total, 1)

    @property
    def chunks_settled(self) -> int:
        return self.chunks_done + self.chunks_failed

    def as_dict(self) -> dict[str, int | float]:
        return {"total": self.total, "processed": self.processed, "succeeded": self.succeeded,
                "not_found": self.not_found, "failed": self.failed, "percent": self.percent,
                "chunks_total": self.chunks_total, "chunks_done": self.chunks_done,
                "chunks_failed": self.chunks_failed}
