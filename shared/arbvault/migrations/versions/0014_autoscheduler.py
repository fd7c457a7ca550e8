"""AutoScheduler: its control row (seeded off, hours 8/15/20, the hour presets), slots per UTC date and hour,
and the audit of control writes.

Revision ID: 0014_autoscheduler
Revises: 0013_saved_niches
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014_autoscheduler"
down_revision = "0013_saved_niches"
branch_labels = None
depends_on = None

BOOKS = 283155
# Discovery by hour (UTC): mornings cheap fast sellers, evenings pricier slower ones; "default" for other hours.
_PRESETS = {
    "8": {"domain_id": 1, "category_id": BOOKS, "bsr_min": 1000, "bsr_max": 75000, "price_min": "10",
          "price_max": "35", "max_results": 45},
    "15": {"domain_id": 1, "category_id": BOOKS, "bsr_min": 1000, "bsr_max": 150000, "price_min": "15",
           "price_max": "50", "max_results": 45},
    "20": {"domain_id": 1, "category_id": BOOKS, "bsr_min": 1000, "bsr_max": 250000, "price_min": "20",
           "price_max": "60", "max_results": 45},
}
_PRESETS["default"] = _PRESETS["15"]


def upgrade() -> None:
    control = op.create_table(
        "autoscheduler_control",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("scheduled_hours", postgresql.ARRAY(sa.SmallInteger()), nullable=False),
        sa.Column("skip_dates", postgresql.ARRAY(sa.Date()), nullable=False),
        sa.Column("pause_until", sa.Date(), nullable=True),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("daily_token_budget", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Uuid(), nullable=True),
        sa.Column("hour_presets", postgresql.JSONB(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_autoscheduler_control_singleton")),
        sa.CheckConstraint("daily_token_budget >= 0", name=op.f("ck_autoscheduler_control_budget_positive")),
        sa.ForeignKeyConstraint(["profile_id"], ["autosourcing_profiles.id"], ondelete="SET NULL",
                                name=op.f("fk_autoscheduler_control_profile_id_autosourcing_profiles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_autoscheduler_control")),
    )
    op.create_table(
        "autoscheduler_slots",
        sa.Column("slot_date", sa.Date(), nullable=False),
        sa.Column("slot_hour", sa.SmallInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("tokens_estimated", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("slot_hour BETWEEN 0 AND 23", name=op.f("ck_autoscheduler_slots_hour_known")),
        sa.CheckConstraint("outcome IN ('SUBMITTED', 'SKIPPED', 'ERROR')",
                           name=op.f("ck_autoscheduler_slots_outcome_known")),
        sa.PrimaryKeyConstraint("slot_date", "slot_hour", name="pk_autoscheduler_slots"),
    )
    op.create_table(
        "autoscheduler_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("key_name", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("old_values", postgresql.JSONB(), nullable=False),
        sa.Column("new_values", postgresql.JSONB(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_autoscheduler_changes")),
    )
    op.create_index("ix_autoscheduler_changes_changed_at", "autoscheduler_changes", ["changed_at"])
    op.bulk_insert(control, [{"id": 1, "enabled": False, "scheduled_hours": [8, 15, 20], "skip_dates": [],
                              "daily_token_budget": 12000, "hour_presets": _PRESETS, "updated_by": "system"}])


def downgrade() -> None:
    op.drop_table("autoscheduler_changes")
    op.drop_table("autoscheduler_slots")
    op.drop_table("autoscheduler_control")
