"""Layered business configuration (global < domain < category) and its change audit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    String,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from arbvault.models.base import Base, Timestamps

GLOBAL_SCOPE = "global"
GLOBAL_CONFIG_ID = 1


class BusinessConfig(Timestamps, Base):
    """One scope's partial rules document; the effective config merges the active scopes."""

    __tablename__ = "business_config"
    __table_args__ = (
        CheckConstraint(r"scope ~ '^(global|domain:[0-9]+|category:[a-z0-9_]+)$'", name="scope_format"),
        CheckConstraint("(scope = 'global') = (id = 1)", name="global_is_id_1"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, Identity(start=2), primary_key=True)
    scope: Mapped[str] = mapped_column(String(50), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("business_config.id", ondelete="CASCADE"))
    description: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class ConfigChange(Base):
    """An audited change to one scope: old and new documents and the RFC 6902 patch between them."""

    __tablename__ = "config_changes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    config_id: Mapped[int] = mapped_column(ForeignKey("business_config.id", ondelete="CASCADE"), index=True)
    old_config: Mapped[dict[str, Any]] = mapped_column(JSONB)
    new_config: Mapped[dict[str, Any]] = mapped_column(JSONB)
    diff_jsonpatch: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    changed_by: Mapped[str] = mapped_column(String(100))
    change_reason: Mapped[str | None] = mapped_column(Text)
    change_source: Mapped[str] = mapped_column(String(20), default="api", server_default="api")
    old_version: Mapped[int] = mapped_column(Integer)
    new_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
