"""The jobs' outbox (queue messages written in the transaction of the state they announce) and the messages the
jobs queue gave up on. Only the code that queues, relays or records messages maps these tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, Index, Integer, String, Text, Uuid, func, text
from sqlalchemy.orm import Mapped, mapped_column

from arbvault.models.base import Base
from arbvault.models.job import Job, JobChunk


class OutboxMessage(Base):
    """A queue message written in the same transaction as the state it announces, sent afterwards.

    ``queue`` is a logical name (``jobs``), resolved to a URL when sent, so rows stay valid across stacks.
    ``chunk_id`` names the chunk a chunk message announces: the relay finds chunks whose last message was sent
    long ago.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unsent", "created_at", postgresql_where=text("sent_at IS NULL")),
        Index("ix_outbox_job_id", "job_id"),
        Index("ix_outbox_chunk_id", "chunk_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    queue: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    delay_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(Job.id, ondelete="CASCADE"))
    chunk_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(JobChunk.id, ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)


class DeadLetter(Base):
    """A message that reached the jobs dead-letter queue, recorded once per SQS message id."""

    __tablename__ = "job_dead_letters"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(100), unique=True)
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    receive_count: Mapped[int | None] = mapped_column(Integer)
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    chunk_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
