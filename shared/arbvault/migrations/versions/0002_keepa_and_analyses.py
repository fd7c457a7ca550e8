"""Keepa snapshots, known misses and the shared token balance; stored analyses.

Revision ID: 0002_keepa_and_analyses
Revises: 0001_foundation
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_keepa_and_analyses"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keepa_snapshots",
        sa.Column("domain_id", sa.SmallInteger(), nullable=False),
        sa.Column("asin", sa.String(length=10), nullable=False),
        sa.Column("codes", postgresql.ARRAY(sa.String(length=13)), server_default="{}", nullable=False),
        sa.Column("stats_days", sa.SmallInteger(), nullable=True),
        sa.Column("offers", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("history", sa.Boolean(), nullable=False),
        sa.Column("buybox", sa.Boolean(), server_default="false", nullable=False),
        # zlib-compressed JSON of the raw product: never queried inside, so not worth JSONB's parse per write.
        sa.Column("product_zlib", sa.LargeBinary(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("domain_id", "asin", name=op.f("pk_keepa_snapshots")),
    )
    op.create_index("ix_keepa_snapshots_codes", "keepa_snapshots", ["codes"], postgresql_using="gin")
    op.create_index("ix_keepa_snapshots_fetched_at", "keepa_snapshots", ["fetched_at"])
    op.create_table(
        "keepa_misses",
        sa.Column("domain_id", sa.SmallInteger(), nullable=False),
        sa.Column("identifier", sa.String(length=13), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("domain_id", "identifier", name=op.f("pk_keepa_misses")),
    )
    op.create_table(
        "keepa_token_state",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("tokens_left", sa.Integer(), nullable=False),
        sa.Column("refill_in_ms", sa.Integer(), nullable=False),
        sa.Column("refill_rate", sa.Integer(), nullable=False),
        sa.Column("tokens_consumed", sa.Integer(), nullable=False),
        sa.Column("token_flow_reduction", sa.Float(), nullable=False),
        sa.Column("server_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_keepa_token_state_single_row")),
        sa.CheckConstraint("source IN ('last_response', 'token_endpoint')",
                           name=op.f("ck_keepa_token_state_source_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keepa_token_state")),
    )
    op.create_table(
        "analyses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("domain_id", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("identifier", sa.String(length=20), nullable=False),
        sa.Column("asin", sa.String(length=10), nullable=False),
        sa.Column("isbn13", sa.String(length=13), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("strategy", sa.Text(), nullable=False),
        sa.Column("buy_price", sa.Numeric(12, 2), nullable=True),
        sa.Column("sell_price", sa.Numeric(12, 2), nullable=True),
        sa.Column("fees", sa.Numeric(12, 2), nullable=True),
        sa.Column("profit", sa.Numeric(12, 2), nullable=True),
        sa.Column("max_buy_price", sa.Numeric(12, 2), nullable=True),
        sa.Column("roi_pct", sa.Numeric(12, 2), nullable=True),
        sa.Column("margin_pct", sa.Numeric(12, 2), nullable=True),
        sa.Column("velocity_score", sa.Numeric(5, 2), nullable=False),
        sa.Column("stability_score", sa.SmallInteger(), nullable=False),
        sa.Column("confidence_score", sa.SmallInteger(), nullable=False),
        sa.Column("overall_rating", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.Text(), nullable=False),
        sa.Column("combined_score", sa.Numeric(5, 2), nullable=False),
        sa.Column("bsr", sa.Integer(), nullable=True),
        sa.Column("offers_count", sa.Integer(), nullable=True),
        # Plain JSON: returned whole, never queried inside; JSONB would cost a parse on every chunk write.
        sa.Column("metrics", postgresql.JSON(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("source IN ('ingest', 'manual', 'batch')", name=op.f("ck_analyses_source_known")),
        sa.CheckConstraint("velocity_score BETWEEN 0 AND 100", name=op.f("ck_analyses_velocity_score_range")),
        sa.CheckConstraint("stability_score BETWEEN 0 AND 100", name=op.f("ck_analyses_stability_score_range")),
        sa.CheckConstraint("confidence_score BETWEEN 0 AND 100", name=op.f("ck_analyses_confidence_score_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analyses")),
    )
    # Chunk writes of a job insert with ON CONFLICT (job_id, asin) WHERE job_id IS NOT NULL; it also serves job_id.
    op.create_index("uq_analyses_job_id_asin", "analyses", ["job_id", "asin"], unique=True,
                    postgresql_where=sa.text("job_id IS NOT NULL"))
    # Keyset pages order by (sort key, id); nullable keys sort NULLS LAST both ways and need a descending index.
    for column in ("created_at", "velocity_score", "combined_score", "roi_pct", "profit"):
        op.create_index(f"ix_analyses_{column}_id", "analyses", [column, "id"])
    for column in ("roi_pct", "profit"):
        op.create_index(f"ix_analyses_{column}_desc_id", "analyses",
                        [sa.text(f"{column} DESC NULLS LAST"), sa.text("id DESC")])
    for column in ("recommendation", "asin"):
        op.create_index(f"ix_analyses_{column}", "analyses", [column])


def downgrade() -> None:
    op.drop_table("analyses")
    op.drop_table("keepa_token_state")
    op.drop_table("keepa_misses")
    op.drop_table("keepa_snapshots")
