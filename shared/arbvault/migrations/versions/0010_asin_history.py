"""ASIN history: watch list per API key, one point per product and day, the tracker's daily ledger.

Revision ID: 0010_asin_history
Revises: 0009_analyses_owner
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010_asin_history"
down_revision = "0009_analyses_owner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asin_watches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_key_id", sa.String(length=64), nullable=False),
        sa.Column("domain_id", sa.SmallInteger(), nullable=False),
        sa.Column("asin", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asin_watches")),
        sa.UniqueConstraint("owner_key_id", "domain_id", "asin", name="uq_asin_watches_owner_key_id_domain_id_asin"),
    )
    op.create_index("ix_asin_watches_owner_key_id_created_at", "asin_watches", ["owner_key_id", "created_at"])
    op.create_index("ix_asin_watches_created_at", "asin_watches", ["created_at"])
    op.create_table(
        "asin_history",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("domain_id", sa.SmallInteger(), nullable=False),
        sa.Column("asin", sa.String(length=10), nullable=False),
        sa.Column("tracked_on", sa.Date(), nullable=False),
        sa.Column("tracked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("price", sa.Numeric(10, 2), nullable=True),
        sa.Column("lowest_fba_price", sa.Numeric(10, 2), nullable=True),
        sa.Column("bsr", sa.Integer(), nullable=True),
        sa.Column("seller_count", sa.Integer(), nullable=True),
        sa.Column("fba_seller_count", sa.Integer(), nullable=True),
        sa.Column("amazon_on_listing", sa.Boolean(), nullable=True),
        sa.Column("extra_data", postgresql.JSONB(), nullable=False),
        sa.CheckConstraint("bsr IS NULL OR bsr > 0", name=op.f("ck_asin_history_bsr_positive")),
        sa.CheckConstraint("seller_count IS NULL OR seller_count >= 0",
                           name=op.f("ck_asin_history_seller_count_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asin_history")),
        sa.UniqueConstraint("domain_id", "asin", "tracked_on", name="uq_asin_history_domain_id_asin_tracked_on"),
    )
    op.create_index("ix_asin_history_tracked_at", "asin_history", ["tracked_at"])
    op.create_table(
        "asin_tracker_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("tokens_used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("points_recorded", sa.Integer(), server_default="0", nullable=False),
        sa.Column("runs", sa.Integer(), server_default="0", nullable=False),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_stop_reason", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_asin_tracker_days")),
    )


def downgrade() -> None:
    op.drop_table("asin_tracker_days")
    op.drop_table("asin_history")
    op.drop_table("asin_watches")
