"""AutoSourcing: profiles (three seeded), runs, picks; ``autosourcing`` becomes a job kind.

Revision ID: 0012_autosourcing
Revises: 0011_niche_jobs
Create Date: 2026-12-05
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012_autosourcing"
down_revision = "0011_niche_jobs"
branch_labels = None
depends_on = None

_SEEDS = (
    ("Textbooks Conservateur", "Education and teaching books with a steady rank and a solid margin",
     {"domain_id": 1, "category_id": 8975347011, "bsr_min": 1000, "bsr_max": 25000, "price_min": "30",
      "price_max": "300", "max_results": 50},
     {"roi_min": "40", "velocity_min": "70", "stability_min": 80, "confidence_min": 75,
      "rating_required": "EXCELLENT", "max_results": 15}),
    ("Electronics Opportunity", "Fast-moving electronics between $20 and $200",
     {"domain_id": 1, "category_id": 172282, "bsr_min": 500, "bsr_max": 50000, "price_min": "20",
      "price_max": "200", "max_results": 50},
     {"roi_min": "25", "velocity_min": "80", "stability_min": 60, "confidence_min": 70,
      "rating_required": "GOOD", "max_results": 25}),
    ("Niche Explorer", "Medical books: slower, pricier, very stable",
     {"domain_id": 1, "category_id": 173514, "bsr_min": 5000, "bsr_max": 100000, "price_min": "40",
      "price_max": "500", "max_results": 50},
     {"roi_min": "35", "velocity_min": "60", "stability_min": 85, "confidence_min": 80,
      "rating_required": "EXCELLENT", "max_results": 10}),
)


def _timestamps() -> list[sa.Column[datetime]]:
    return [sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)]


def upgrade() -> None:
    op.drop_constraint(op.f("ck_jobs_kind_known"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_kind_known"), "jobs",
                               "kind IN ('batch', 'ingest', 'niche', 'autosourcing')")
    profiles = op.create_table(
        "autosourcing_profiles",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("discovery_config", postgresql.JSONB(), nullable=False),
        sa.Column("scoring_config", postgresql.JSONB(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("usage_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        *_timestamps(),
        sa.UniqueConstraint("name", name=op.f("uq_autosourcing_profiles_name")),
    )
    op.create_table(
        "autosourcing_runs",
        sa.Column("job_id", sa.Uuid(), sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("owner_key_id", sa.String(length=64), nullable=False),
        sa.Column("profile_id", sa.Uuid(), sa.ForeignKey("autosourcing_profiles.id", ondelete="SET NULL")),
        sa.Column("profile_name", sa.String(length=100)),
        sa.Column("discovery_config", postgresql.JSONB(), nullable=False),
        sa.Column("scoring_config", postgresql.JSONB(), nullable=False),
        sa.Column("tokens_estimated", sa.Integer(), nullable=False),
        sa.Column("candidates_found", sa.Integer()),
        sa.Column("discovered_at", sa.DateTime(timezone=True)),
        sa.Column("picks_stored_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    op.create_index("ix_autosourcing_runs_owner_key_id_created_at", "autosourcing_runs",
                    ["owner_key_id", "created_at"])
    op.create_table(
        "autosourcing_picks",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("run_id", sa.Uuid(), sa.ForeignKey("autosourcing_runs.job_id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("owner_key_id", sa.String(length=64), nullable=False),
        sa.Column("analysis_id", sa.Uuid()),
        sa.Column("asin", sa.String(length=10), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("category", sa.Text()),
        sa.Column("bsr", sa.Integer()),
        sa.Column("buy_price", sa.Numeric(12, 2)),
        sa.Column("sell_price", sa.Numeric(12, 2)),
        sa.Column("net_profit", sa.Numeric(12, 2), nullable=False),
        sa.Column("roi_pct", sa.Numeric(12, 2), nullable=False),
        sa.Column("velocity_score", sa.Numeric(5, 2), nullable=False),
        sa.Column("stability_score", sa.SmallInteger(), nullable=False),
        sa.Column("confidence_score", sa.SmallInteger(), nullable=False),
        sa.Column("overall_rating", sa.String(length=10), nullable=False),
        sa.Column("priority_tier", sa.String(length=10), nullable=False),
        sa.Column("is_featured", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("readable_summary", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=10), server_default="PENDING", nullable=False),
        sa.Column("action_taken_at", sa.DateTime(timezone=True)),
        sa.Column("action_notes", sa.Text()),
        sa.Column("is_purchased", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("is_favorite", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("is_ignored", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("analysis_requested", sa.Boolean(), server_default="false", nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("run_id", "asin", name="uq_autosourcing_picks_run_id_asin"),
        sa.CheckConstraint("action IN ('PENDING', 'TO_BUY', 'FAVORITE', 'IGNORED', 'ANALYZING')",
                           name=op.f("ck_autosourcing_picks_action_known")),
        sa.CheckConstraint("priority_tier IN ('HOT', 'TOP', 'WATCH', 'OTHER')",
                           name=op.f("ck_autosourcing_picks_tier_known")),
        sa.CheckConstraint("overall_rating IN ('EXCELLENT', 'GOOD', 'FAIR', 'PASS')",
                           name=op.f("ck_autosourcing_picks_rating_known")),
    )
    op.create_index("ix_autosourcing_picks_owner_key_id_created_at", "autosourcing_picks",
                    ["owner_key_id", "created_at"])
    op.create_index("ix_autosourcing_picks_owner_key_id_action", "autosourcing_picks", ["owner_key_id", "action"])
    op.create_index("ix_autosourcing_picks_asin_created_at", "autosourcing_picks", ["asin", "created_at"])
    op.bulk_insert(profiles, [
        {"id": uuid.uuid5(uuid.NAMESPACE_URL, f"arbvault:autosourcing-profile:{name}"), "name": name,
         "description": description, "discovery_config": discovery, "scoring_config": scoring}
        for name, description, discovery, scoring in _SEEDS
    ])


def downgrade() -> None:
    op.drop_table("autosourcing_picks")
    op.drop_table("autosourcing_runs")
    op.drop_table("autosourcing_profiles")
    op.execute("DELETE FROM jobs WHERE kind = 'autosourcing'")
    op.drop_constraint(op.f("ck_jobs_kind_known"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_kind_known"), "jobs", "kind IN ('batch', 'ingest', 'niche')")
