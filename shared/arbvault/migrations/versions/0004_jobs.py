"""Jobs: jobs, their chunks, the outbox of queue messages, and the record of dead letters.

Revision ID: 0004_jobs
Revises: 0003_product_caches
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_jobs"
down_revision = "0003_product_caches"
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="PENDING", nullable=False),
        sa.Column("owner_key_id", sa.String(length=64), nullable=False),
        sa.Column("params", postgresql.JSONB(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("items_total", sa.Integer(), nullable=False),
        sa.Column("chunks_total", sa.Integer(), nullable=False),
        sa.Column("tokens_used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error_summary", postgresql.JSONB(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("kind IN ('batch', 'ingest')", name=op.f("ck_jobs_kind_known")),
        sa.CheckConstraint("status IN ('PENDING', 'RUNNING', 'SUCCESS', 'ERROR', 'CANCELLED')",
                           name=op.f("ck_jobs_status_known")),
        sa.CheckConstraint("items_total >= 0 AND chunks_total >= 0 AND tokens_used >= 0",
                           name=op.f("ck_jobs_counters_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        # NULL keys never conflict: only keyed creations are de-duplicated.
        sa.UniqueConstraint("owner_key_id", "idempotency_key", name="uq_jobs_owner_key_id_idempotency_key"),
    )
    op.create_index("ix_jobs_owner_key_id_created_at", "jobs", ["owner_key_id", "created_at"])
    op.create_index("ix_jobs_created_at", "jobs", ["created_at"])
    op.create_index("ix_jobs_status", "jobs", ["status"])

    op.create_table(
        "job_chunks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("identifiers", postgresql.ARRAY(sa.String(length=20)), nullable=False),
        sa.Column("state", sa.String(length=10), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("token_waits", sa.Integer(), server_default="0", nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("succeeded", sa.Integer(), server_default="0", nullable=False),
        sa.Column("not_found", sa.Integer(), server_default="0", nullable=False),
        sa.Column("tokens_used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("state IN ('pending', 'running', 'done', 'failed')",
                           name=op.f("ck_job_chunks_state_known")),
        sa.CheckConstraint("attempts >= 0 AND token_waits >= 0", name=op.f("ck_job_chunks_counters_positive")),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_job_chunks_job_id_jobs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_chunks")),
        sa.UniqueConstraint("job_id", "index", name="uq_job_chunks_job_id_index"),
    )
    op.create_index("ix_job_chunks_lease_expires_at", "job_chunks", ["lease_expires_at"],
                    postgresql_where=sa.text("state = 'running'"))

    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("delay_seconds", sa.Integer(), server_default="0", nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_outbox_job_id_jobs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_unsent", "outbox", ["created_at"], postgresql_where=sa.text("sent_at IS NULL"))
    op.create_index("ix_outbox_job_id", "outbox", ["job_id"])

    op.create_table(
        "job_dead_letters",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("message_id", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("receive_count", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("chunk_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_dead_letters")),
        sa.UniqueConstraint("message_id", name=op.f("uq_job_dead_letters_message_id")),
    )


def downgrade() -> None:
    op.drop_table("job_dead_letters")
    op.drop_table("outbox")
    op.drop_table("job_chunks")
    op.drop_table("jobs")
