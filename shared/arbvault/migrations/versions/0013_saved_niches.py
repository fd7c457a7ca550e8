"""Saved niches (bookmarks): one API key's named niche searches, names unique per key regardless of case.

Revision ID: 0013_saved_niches
Revises: 0012_autosourcing
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013_saved_niches"
down_revision = "0012_autosourcing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_niches",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("owner_key_id", sa.String(length=64), nullable=False),
        sa.Column("niche_name", sa.String(length=255), nullable=False),
        sa.Column("category_id", sa.BigInteger()),
        sa.Column("category_name", sa.String(length=255)),
        sa.Column("filters", postgresql.JSONB(), nullable=False),
        sa.Column("last_score", sa.Numeric(4, 2)),
        sa.Column("description", sa.Text()),
        sa.Column("last_run_job_id", sa.Uuid(), sa.ForeignKey("jobs.id", ondelete="SET NULL")),
        sa.Column("last_run_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("last_score IS NULL OR last_score BETWEEN 0 AND 10",
                           name=op.f("ck_saved_niches_last_score_range")),
    )
    op.create_index("uq_saved_niches_owner_key_id_lower_niche_name", "saved_niches",
                    ["owner_key_id", sa.text("lower(niche_name)")], unique=True)
    op.create_index("ix_saved_niches_owner_key_id_created_at", "saved_niches", ["owner_key_id", "created_at"])
    op.create_index("ix_saved_niches_created_at", "saved_niches", ["created_at"])


def downgrade() -> None:
    op.drop_table("saved_niches")
