"""The outbox: messages written with the state they announce, sent to SQS afterwards, marked when sent.

Sending takes unsent rows with ``FOR UPDATE SKIP LOCKED``, so the creating request and the relay never send the
same row at once; a row is marked sent only after SQS accepted it. A crash between the two sends it again
later: harmless, since workers process chunks idempotently.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import insert, select, update

from arbvault.db import session_scope
from arbvault.exceptions import ArbvaultError
from arbvault.jobs.queue import JOBS_QUEUE, SEND_BATCH_SIZE, ChunkMessage, JobsQueue, Outgoing, jobs_queue
from arbvault.models.outbox import OutboxMessage
from arbvault.observability import logger

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PAGE_SIZE: Final = 100
"""Rows locked and sent per transaction."""


@dataclass
class PublishResult:
    """What one publishing run did: rows sent, rows left unsent (with the last reason)."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: PublishResult) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.errors += other.errors


def add_message(session: Session, body: str, *, job_id: uuid.UUID | None, delay_seconds: int = 0) -> int:
    """Write an outbox row for a jobs-queue message that announces no chunk (e.g. a discovery step) in
    ``session``'s transaction; returns its id."""
    return int(session.execute(insert(OutboxMessage).values(queue=JOBS_QUEUE, body=body, job_id=job_id,
                                                            delay_seconds=delay_seconds)
                               .returning(OutboxMessage.id)).scalar_one())


def chunk_message_row(message: ChunkMessage, *, delay_seconds: int = 0) -> dict[str, Any]:
    """The outbox row's values announcing ``message``'s chunk (for one multi-row insert)."""
    return {"queue": JOBS_QUEUE, "body": message.to_body(), "job_id": message.job_id,
            "chunk_id": message.chunk_id, "delay_seconds": delay_seconds}


def add_chunk_message(session: Session, message: ChunkMessage, *, delay_seconds: int = 0) -> int:
    """Write the outbox row announcing ``message``'s chunk in ``session``'s transaction; returns its id."""
    return int(session.execute(insert(OutboxMessage).values(chunk_message_row(message, delay_seconds=delay_seconds))
                               .returning(OutboxMessage.id)).scalar_one())


def _remaining_delay(row: OutboxMessage, now: datetime) -> int:
    """A delayed message sent late waits only for what is left of its delay."""
    if not row.delay_seconds:
        return 0
    return max(0, row.delay_seconds - int((now - row.created_at).total_seconds()))


def _send_page(session: Session, rows: Sequence[OutboxMessage], queue: JobsQueue | None) -> PublishResult:
    result = PublishResult()
    now = datetime.now(UTC)
    for start in range(0, len(rows), SEND_BATCH_SIZE):
        group = rows[start:start + SEND_BATCH_SIZE]
        try:
            target = queue or jobs_queue()
            failures = target.send_batch([Outgoing(str(r.id), r.body, _remaining_delay(r, now)) for r in group])
        except ArbvaultError as exc:  # unreachable queue or missing JOBS_QUEUE_URL: every row stays unsent
            failures = {str(r.id): exc.message for r in group}
        sent_ids = [r.id for r in group if str(r.id) not in failures]
        if sent_ids:
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(sent_ids))
                            .values(sent_at=now, attempts=OutboxMessage.attempts + 1, last_error=None))
        for row in group:
            reason = failures.get(str(row.id))
            if reason is not None:
                row.attempts += 1
                row.last_error = reason[:500]
        result.sent += len(sent_ids)
        result.failed += len(failures)
        result.errors += sorted(set(failures.values()))
    return result


def publish_pending(*, job_id: uuid.UUID | None = None, ids: Sequence[int] | None = None, limit: int = 1000,
                    queue: JobsQueue | None = None) -> PublishResult:
    """Send unsent outbox rows (of ``job_id``, or ``ids``, else any), oldest first, up to ``limit``.

    Opens its own sessions, so call it after the creating transaction committed and while holding none. Queue
    trouble never raises: the rows stay unsent with the reason, for the relay; database errors do raise.
    """
    total = PublishResult()
    while total.sent + total.failed < limit:
        with session_scope() as session:
            statement = (select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                         .order_by(OutboxMessage.id).limit(min(PAGE_SIZE, limit - total.sent - total.failed))
                         .with_for_update(skip_locked=True))
            if job_id is not None:
                statement = statement.where(OutboxMessage.job_id == job_id)
            if ids is not None:
                statement = statement.where(OutboxMessage.id.in_(list(ids)))
            rows = list(session.scalars(statement))
            if not rows:
                break
            page = _send_page(session, rows, queue)
        total.add(page)
        if page.failed:
            break  # the queue is failing: leave the rest for the relay instead of hammering it
    if total.failed:
        logger.warning("outbox messages left unsent", extra={"sent": total.sent, "unsent": total.failed,
                                                             "errors": total.errors[:3]})
    return total
