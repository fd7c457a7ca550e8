"""Product caches: product-finder results per filter set and live-offer snapshots for stock estimates.

Revision ID: 0003_product_caches
Revises: 0002_keepa_and_analyses
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_product_caches"
down_revision = "0002_keepa_and_analyses"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discovery_results",
        sa.Column("cache_key", sa.String(length=64), nullable=False),
        sa.Column("domain_id", sa.SmallInteger(), nullable=False),
        sa.Column("filters", postgresql.JSONB(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("asins", postgresql.ARRAY(sa.String(length=10)), nullable=False),
        sa.Column("total_results", sa.Integer(), nullable=False),
        sa.Column("tokens_consumed", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('finder', 'bestsellers')", name=op.f("ck_discovery_results_source_known")),
        sa.PrimaryKeyConstraint("cache_key", name=op.f("pk_discovery_results")),
    )
    op.create_index("ix_discovery_results_fetched_at", "discovery_results", ["fetched_at"])
    op.create_table(
        "stock_estimates",
        sa.Column("domain_id", sa.SmallInteger(), nullable=False),
        sa.Column("asin", sa.String(length=10), nullable=False),
        sa.Column("offers", postgresql.JSONB(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("domain_id", "asin", name=op.f("pk_stock_estimates")),
    )
    op.create_index("ix_stock_estimates_fetched_at", "stock_estimates", ["fetched_at"])


def downgrade() -> None:
    op.drop_table("stock_estimates")
    op.drop_table("discovery_results")
