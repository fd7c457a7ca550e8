"""Outbox rows name the chunk they announce, so the relay can tell a chunk whose message was lost.

Existing chunk messages get their chunk from their body.

Revision ID: 0006_outbox_chunk_id
Revises: 0005_snapshots_lz4
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_outbox_chunk_id"
down_revision = "0005_snapshots_lz4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("chunk_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(op.f("fk_outbox_chunk_id_job_chunks"), "outbox", "job_chunks", ["chunk_id"], ["id"],
                          ondelete="CASCADE")
    op.execute("UPDATE outbox SET chunk_id = CAST(CAST(body AS jsonb) ->> 'chunk_id' AS uuid) "
               "WHERE queue = 'jobs' AND job_id IS NOT NULL")
    op.create_index("ix_outbox_chunk_id", "outbox", ["chunk_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_chunk_id", table_name="outbox")
    op.drop_constraint(op.f("fk_outbox_chunk_id_job_chunks"), "outbox", type_="foreignkey")
    op.drop_column("outbox", "chunk_id")
