"""Jobs of kind ``niche``: the per-product analysis of niche discovery above the synchronous threshold.

Revision ID: 0011_niche_jobs
Revises: 0010_asin_history
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0011_niche_jobs"
down_revision = "0010_asin_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint(op.f("ck_jobs_kind_known"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_kind_known"), "jobs", "kind IN ('batch', 'ingest', 'niche')")


def downgrade() -> None:
    op.execute("DELETE FROM jobs WHERE kind = 'niche'")
    op.drop_constraint(op.f("ck_jobs_kind_known"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_kind_known"), "jobs", "kind IN ('batch', 'ingest')")
