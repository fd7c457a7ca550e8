"""Creating a job: the job, its chunks and one outbox message per chunk, in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, get_args

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from arbvault.catalog.clients import keepa_client
from arbvault.catalog.rules import RulesBook
from arbvault.catalog.screening import parse_identifiers
from arbvault.exceptions import InvalidInputError
from arbvault.jobs.chunking import check_job_size, chunk_identifiers
from arbvault.jobs.exceptions import IdempotencyConflictError
from arbvault.jobs.outbox import chunk_message_row
from arbvault.jobs.params import JobParams
from arbvault.jobs.queries import JobSummary, summarise
from arbvault.jobs.queue import ChunkMessage
from arbvault.jobs.states import JobKind, JobStatus
from arbvault.models.job import Job, JobChunk
from arbvault.models.outbox import OutboxMessage

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.identifiers import Identifier


def _identifiers(values: Sequence[str | Identifier]) -> list[Identifier]:
    if not values:
        raise InvalidInputError("identifiers must not be empty",
                                details=[{"field": "identifiers", "message": "at least one identifier"}])
    parsed = parse_identifiers([v if isinstance(v, str) else v.value for v in values])
    check_job_size(len(parsed))
    return list(parsed)


def _existing(session: Session, owner_key_id: str, key: str, fingerprint: str | None) -> JobSummary:
    job = session.scalars(select(Job).where(Job.owner_key_id == owner_key_id, Job.idempotency_key == key)).one()
    if job.request_fingerprint != fingerprint:
        raise IdempotencyConflictError(key, job_id=job.id)
    return summarise(session, job)


def add_chunks(session: Session, job_id: uuid.UUID, chunks: Sequence[list[str]]) -> None:
    """Write the job's chunks (identifiers already normalised, one Keepa request each) and one outbox message
    per chunk in ``session``'s transaction."""
    if not chunks:
        return
    chunk_ids = [uuid.uuid4() for _ in chunks]
    # Multi-row VALUES, one statement per table (pg8000's executemany is a round trip per row).
    session.execute(insert(JobChunk).values([
        {"id": chunk_id, "job_id": job_id, "index": index, "identifiers": items}
        for index, (chunk_id, items) in enumerate(zip(chunk_ids, chunks, strict=True))
    ]))
    session.execute(insert(OutboxMessage).values([chunk_message_row(ChunkMessage(job_id, chunk_id))
                                                  for chunk_id in chunk_ids]))


def create_job(
    session: Session,
    *,
    kind: JobKind,
    identifiers: Sequence[str | Identifier],
    owner_key_id: str,
    params: JobParams | Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
    request_fingerprint: str | None = None,
    name: str | None = None,
) -> tuple[JobSummary, bool]:
    """Write a PENDING job, its chunks (at most ``CHUNK_SIZE`` identifiers each) and one outbox message per
    chunk in ``session``'s transaction; returns the job and whether it was created.

    Identifiers are normalised and de-duplicated (first occurrence first). With an ``idempotency_key``, a second
    call by the same owner with the same ``request_fingerprint`` returns the existing job (``created`` False),
    also when both race: the database's unique index decides. Nothing is sent here: call
    :func:`publish_pending` after the transaction commits.

    Raises ``InvalidIdentifiersError`` (422, each bad entry named by index), ``InvalidInputError`` (422: no
    identifiers, unknown kind, parameter, domain or strategy), ``JobTooLargeError`` (413, above ``MAX_JOB_IDENTIFIERS``)
    and ``IdempotencyConflictError`` (409) when the key was used with another fingerprint.
    """
    if kind not in get_args(JobKind):
        raise InvalidInputError(f"kind must be one of {', '.join(get_args(JobKind))}",
                                details=[{"field": "kind", "message": "unknown job kind"}])
    job_params = params if isinstance(params, JobParams) else JobParams.from_dict(params or {})
    values = _identifiers(identifiers)
    keepa_client(job_params.domain_id)  # 422 naming domain_id for a marketplace Keepa does not serve
    RulesBook(session, domain_id=job_params.domain_id).check_strategy(job_params.strategy)
    chunks = chunk_identifiers(values)
    owner = str(owner_key_id)
    job_id = uuid.uuid4()
    inserted = session.execute(
        pg_insert(Job).values(
            id=job_id, kind=kind, name=name, status=JobStatus.PENDING.value, owner_key_id=owner,
            params=job_params.as_dict(), idempotency_key=idempotency_key, request_fingerprint=request_fingerprint,
            items_total=len(values), chunks_total=len(chunks), tokens_used=0,
        ).on_conflict_do_nothing(constraint="uq_jobs_owner_key_id_idempotency_key").returning(Job.id)
    ).scalar_one_or_none()
    if inserted is None:
        # Only a keyed insert can conflict; the unique index waited for the other writer to commit.
        assert idempotency_key is not None
        return _existing(session, owner, idempotency_key, request_fingerprint), False
    add_chunks(session, job_id, chunks)
    job = session.get_one(Job, job_id)
    return summarise(session, job), True
