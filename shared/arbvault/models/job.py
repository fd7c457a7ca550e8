"""Jobs: work too large for one request, split into chunks, queued through an outbox (``arbvault.models.outbox``),
settled by workers.

A job's progress is never stored: it is derived from its chunks' states and counts. Status labels are the
upper-case names of ``arbvault.jobs.JobStatus``; chunk states are the lower-case names of ``ChunkState``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from arbvault.models.base import Base, Timestamps

JOB_KINDS = ("batch", "ingest", "niche", "autosourcing")
JOB_STATUS_LABELS = ("PENDING", "RUNNING", "SUCCESS", "ERROR", "CANCELLED")
CHUNK_STATE_LABELS = ("pending", "running", "done", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Job(Timestamps, Base):
    """One job: who asked for what, its lifecycle timestamps, tokens spent, and why it failed if it did.

    ``(owner_key_id, idempotency_key)`` is unique: a client's retried POST finds its job instead of making a
    second one; ``request_fingerprint`` tells a retry (same body) from a key reused for another body.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(_in("kind", JOB_KINDS), name="kind_known"),
        CheckConstraint(_in("status", JOB_STATUS_LABELS), name="status_known"),
        CheckConstraint("items_total >= 0 AND chunks_total >= 0 AND tokens_used >= 0", name="counters_positive"),
        UniqueConstraint("owner_key_id", "idempotency_key", name="uq_jobs_owner_key_id_idempotency_key"),
        Index("ix_jobs_owner_key_id_created_at", "owner_key_id", "created_at"),
        Index("ix_jobs_created_at", "created_at"),
        Index("ix_jobs_status", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="PENDING", server_default="PENDING")
    owner_key_id: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    items_total: Mapped[int] = mapped_column(Integer)
    chunks_total: Mapped[int] = mapped_column(Integer)
    tokens_used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error_summary: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[int | None] = mapped_column(Integer)


class JobChunk(Timestamps, Base):
    """Up to 100 identifiers of a job (one Keepa request) and its own state.

    A worker claims a chunk by a conditional update (pending, or running with an expired lease) that sets a
    fresh ``claim_id``; its final write only lands while that claim is still the chunk's, so a worker whose
    lease was taken over cannot settle the chunk twice.
    """

    __tablename__ = "job_chunks"
    __table_args__ = (
        CheckConstraint(_in("state", CHUNK_STATE_LABELS), name="state_known"),
        CheckConstraint("attempts >= 0 AND token_waits >= 0", name="counters_positive"),
        UniqueConstraint("job_id", "index", name="uq_job_chunks_job_id_index"),
        # The relay's scan for chunks stuck past their lease reads only running chunks.
        Index("ix_job_chunks_lease_expires_at", "lease_expires_at", postgresql_where=text("state = 'running'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    job_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("jobs.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    identifiers: Mapped[list[str]] = mapped_column(ARRAY(String(20)))
    state: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    token_waits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claim_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    succeeded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    not_found: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tokens_used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

