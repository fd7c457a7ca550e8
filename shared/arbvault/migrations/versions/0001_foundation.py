"""Foundation: business config with its change audit (seeded with the canonical rules and overrides), API keys.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from arbvault.config.defaults import DEFAULT_OVERRIDES, DEFAULT_RULES

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    business_config = op.create_table(
        "business_config",
        sa.Column("id", sa.Integer(), sa.Identity(start=2), nullable=False),
        sa.Column("scope", sa.String(length=50), nullable=False),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            r"scope ~ '^(global|domain:[0-9]+|category:[a-z0-9_]+)$'", name=op.f("ck_business_config_scope_format")
        ),
        sa.CheckConstraint("(scope = 'global') = (id = 1)", name=op.f("ck_business_config_global_is_id_1")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_business_config_version_positive")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["business_config.id"], name=op.f("fk_business_config_parent_id_business_config"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_config")),
        sa.UniqueConstraint("scope", name=op.f("uq_business_config_scope")),
    )
    op.create_table(
        "config_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("config_id", sa.Integer(), nullable=False),
        sa.Column("old_config", postgresql.JSONB(), nullable=False),
        sa.Column("new_config", postgresql.JSONB(), nullable=False),
        sa.Column("diff_jsonpatch", postgresql.JSONB(), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("change_reason", sa.Text(), nullable=True),
        sa.Column("change_source", sa.String(length=20), server_default="api", nullable=False),
        sa.Column("old_version", sa.Integer(), nullable=False),
        sa.Column("new_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["config_id"], ["business_config.id"], name=op.f("fk_config_changes_config_id_business_config"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_config_changes")),
    )
    op.create_index(op.f("ix_config_changes_config_id"), "config_changes", ["config_id"])
    op.create_index(op.f("ix_config_changes_created_at"), "config_changes", ["created_at"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('admin', 'sourcer')", name=op.f("ck_api_keys_role_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.bulk_insert(
        business_config,
        [{"id": 1, "scope": "global", "data": DEFAULT_RULES, "version": 1,
          "description": "canonical default business rules", "is_active": True}],
    )
    op.bulk_insert(
        business_config,
        [{"scope": scope, "data": data, "version": 1, "parent_id": 1, "description": "default override (spec 4.1)",
          "is_active": True} for scope, data in DEFAULT_OVERRIDES.items()],
    )


def downgrade() -> None:
    op.drop_table("api_keys")
    op.drop_index(op.f("ix_config_changes_created_at"), table_name="config_changes")
    op.drop_index(op.f("ix_config_changes_config_id"), table_name="config_changes")
    op.drop_table("config_changes")
    op.drop_table("business_config")
