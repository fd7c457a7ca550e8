"""The outbox relay's run: re-drive chunks stuck past their lease, send every unsent outbox row, and prune
rows sent long ago.

A chunk running past its lease belongs to a worker that died (or outlived its invocation). It goes back to
pending with a fresh outbox message; if that worker is in fact still writing, its fenced final write fails and
changes nothing. Only chunks of active jobs are re-driven.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import delete, func, select, update

from arbvault.db import session_scope
from arbvault.jobs.messages import ChunkMessage
from arbvault.jobs.metrics import count
from arbvault.jobs.outbox import PublishResult, add_message, publish_pending
from arbvault.jobs.states import ACTIVE_STATUSES, ChunkState
from arbvault.models import Job, JobChunk, OutboxMessage
from arbvault.observability import logger

if TYPE_CHECKING:
    from arbvault.jobs.queue import JobsQueue

REDRIVE_LIMIT: Final = 500
"""Stale chunks re-driven per run; the next run takes the rest."""
SENT_RETENTION: Final = timedelta(days=7)
"""How long sent outbox rows are kept (to trace a message) before the relay deletes them."""


@dataclass(frozen=True, slots=True)
class RelayReport:
    """What one relay run did."""

    redriven: int
    sent: int
    unsent: int
    pruned: int

    def as_dict(self) -> dict[str, int]:
        return {"redriven": self.redriven, "sent": self.sent, "unsent": self.unsent, "pruned": self.pruned}


def redrive_stale_chunks(*, limit: int = REDRIVE_LIMIT) -> int:
    """Put chunks running past their lease back to pending, each with a new outbox message; returns how many."""
    with session_scope() as session:
        stale = session.execute(
            select(JobChunk.id, JobChunk.job_id)
            .join(Job, Job.id == JobChunk.job_id)
            .where(JobChunk.state == ChunkState.RUNNING.value, JobChunk.lease_expires_at < func.now(),
                   Job.status.in_([s.value for s in ACTIVE_STATUSES]))
            .order_by(JobChunk.lease_expires_at).limit(limit)
            .with_for_update(of=JobChunk, skip_locked=True)
        ).all()
        for chunk_id, job_id in stale:
            session.execute(update(JobChunk).where(JobChunk.id == chunk_id).values(
                state=ChunkState.PENDING.value, claim_id=None, lease_expires_at=None,
                last_error="lease expired; re-driven by the relay"))
            add_message(session, ChunkMessage(job_id, chunk_id).to_body(), job_id=job_id)
    for chunk_id, job_id in stale:
        logger.info("stale chunk re-driven", extra={"job_id": str(job_id), "chunk_id": str(chunk_id)})
    return len(stale)


def prune_sent(*, older_than: timedelta = SENT_RETENTION) -> int:
    """Delete outbox rows sent more than ``older_than`` ago; returns how many."""
    with session_scope() as session:
        result = session.execute(delete(OutboxMessage).where(OutboxMessage.sent_at < func.now() - older_than))
        return int(result.rowcount or 0)


def relay_once(*, queue: JobsQueue | None = None) -> RelayReport:
    """One scheduled run: re-drive stale chunks, publish every unsent outbox row, prune old sent rows."""
    redriven = redrive_stale_chunks()
    published: PublishResult = publish_pending(queue=queue, limit=10_000)
    pruned = prune_sent()
    count("ChunksRedriven", redriven)
    count("OutboxSent", published.sent)
    count("OutboxUnsent", published.failed)
    return RelayReport(redriven=redriven, sent=published.sent, unsent=published.failed, pruned=pruned)
