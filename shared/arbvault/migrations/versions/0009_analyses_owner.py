"""Analyses listed per owner: a sourcer key's listing reads only the rows its key created.

The index leads with ``created_by`` so that a key's newest-first page is a range scan of its own rows,
however many rows other keys stored.

Revision ID: 0009_analyses_owner
Revises: 0008_holding_cost_rules
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0009_analyses_owner"
down_revision = "0008_holding_cost_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_analyses_created_by_created_at_id", "analyses", ["created_by", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_analyses_created_by_created_at_id", table_name="analyses")
