"""The outbox relay's run: re-drive chunks that were stranded, send every unsent outbox row, and prune rows
sent long ago.

Two kinds of chunk are stranded. A chunk running past its lease belongs to a worker that died (or outlived its
invocation); it goes back to pending with a fresh message, and if that worker is in fact still writing, its
fenced final write fails and changes nothing. A chunk still pending long after its last message was due
(sent, plus its delay) lost that message: a purged or deleted queue, a DLQ redrive mistake, a local stack
restarted mid-job. It gets a fresh message too; should the old one still arrive, the chunk is done by then and
the message is skipped. ``JOBS_REDRIVE_PENDING_AFTER_SECONDS`` (600 s) is that "long": above the jobs queue's
visibility timeout plus a batch's run, so a message merely held by a crashed worker is never duplicated.
Only chunks of active jobs are re-driven.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import Row, Select, delete, exists, func, insert, select, update

from arbvault.db import affected_rows, session_scope
from arbvault.jobs.outbox import PublishResult, chunk_message_row, publish_pending
from arbvault.jobs.queue import ChunkMessage
from arbvault.jobs.states import ACTIVE_STATUSES, ChunkState
from arbvault.models.job import Job, JobChunk
from arbvault.models.outbox import OutboxMessage
from arbvault.observability import count, logger
from arbvault.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.jobs.queue import JobsQueue

REDRIVE_LIMIT: Final = 500
"""Chunks of each kind re-driven per run; the next run takes the rest."""
SENT_RETENTION: Final = timedelta(days=7)
"""How long sent outbox rows are kept (to trace a message) before the relay deletes them."""


@dataclass(frozen=True, slots=True)
class RelayReport:
    """What one relay run did: chunks re-driven past their lease (``redriven``) or with their message lost
    (``reannounced``), outbox rows sent, left unsent and pruned."""

    redriven: int
    reannounced: int
    sent: int
    unsent: int
    pruned: int

    def as_dict(self) -> dict[str, int]:
        return {"redriven": self.redriven, "reannounced": self.reannounced, "sent": self.sent,
                "unsent": self.unsent, "pruned": self.pruned}


ChunkKeys = Select[uuid.UUID, uuid.UUID]


def _of_active_jobs(statement: ChunkKeys, limit: int) -> ChunkKeys:
    """``statement``'s chunks of active jobs, ``limit`` at most, locked (skipping those locked elsewhere)."""
    return (statement.join(Job, Job.id == JobChunk.job_id)
            .where(Job.status.in_([s.value for s in ACTIVE_STATUSES]))
            .limit(limit).with_for_update(of=JobChunk, skip_locked=True))


def _redrive(session: Session, chunks: Sequence[Row[uuid.UUID, uuid.UUID]], reason: str) -> None:
    """Put ``chunks`` (id, job id) back to pending, each with a new outbox message, in ``session``."""
    if not chunks:
        return
    session.execute(update(JobChunk).where(JobChunk.id.in_([chunk_id for chunk_id, _ in chunks])).values(
        state=ChunkState.PENDING.value, claim_id=None, lease_expires_at=None, last_error=reason))
    session.execute(insert(OutboxMessage).values([chunk_message_row(ChunkMessage(job_id, chunk_id))
                                                  for chunk_id, job_id in chunks]))
    for chunk_id, job_id in chunks:
        logger.info("chunk re-driven", extra={"job_id": str(job_id), "chunk_id": str(chunk_id), "reason": reason})


def redrive_stale_chunks(*, limit: int = REDRIVE_LIMIT) -> int:
    """Put chunks running past their lease back to pending, each with a new outbox message; returns how many."""
    with session_scope() as session:
        stale = session.execute(_of_active_jobs(
            select(JobChunk.id, JobChunk.job_id)
            .where(JobChunk.state == ChunkState.RUNNING.value, JobChunk.lease_expires_at < func.now())
            .order_by(JobChunk.lease_expires_at), limit)).all()
        _redrive(session, stale, "lease expired; re-driven by the relay")
    return len(stale)


def reannounce_silent_chunks(*, after: timedelta, limit: int = REDRIVE_LIMIT) -> int:
    """Give a new outbox message to each pending chunk that has been pending for ``after`` and whose messages
    were all due (sent, plus their delay) more than ``after`` ago; returns how many."""
    cutoff = func.now() - after
    announced = exists().where(
        OutboxMessage.chunk_id == JobChunk.id,
        OutboxMessage.sent_at.is_(None)
        | (OutboxMessage.sent_at + func.make_interval(0, 0, 0, 0, 0, 0, OutboxMessage.delay_seconds) > cutoff))
    with session_scope() as session:
        silent = session.execute(_of_active_jobs(
            select(JobChunk.id, JobChunk.job_id)
            .where(JobChunk.state == ChunkState.PENDING.value, JobChunk.updated_at < cutoff, ~announced)
            .order_by(JobChunk.updated_at), limit)).all()
        _redrive(session, silent, f"no message for {after.total_seconds():g} s; re-announced by the relay")
    return len(silent)


def prune_sent(*, older_than: timedelta = SENT_RETENTION) -> int:
    """Delete outbox rows sent more than ``older_than`` ago; returns how many."""
    with session_scope() as session:
        result = session.execute(delete(OutboxMessage).where(OutboxMessage.sent_at < func.now() - older_than))
        return affected_rows(result)


def relay_once(*, queue: JobsQueue | None = None) -> RelayReport:
    """One scheduled run: re-drive stranded chunks, publish every unsent outbox row, prune old sent rows."""
    redriven = redrive_stale_chunks()
    silence = timedelta(seconds=get_settings().jobs_redrive_pending_after_seconds)
    reannounced = reannounce_silent_chunks(after=silence)
    published: PublishResult = publish_pending(queue=queue, limit=10_000)
    pruned = prune_sent()
    count("ChunksRedriven", redriven)
    count("ChunksReannounced", reannounced)
    count("OutboxSent", published.sent)
    count("OutboxUnsent", published.failed)
    return RelayReport(redriven=redriven, reannounced=reannounced, sent=published.sent, unsent=published.failed,
                       pruned=pruned)
