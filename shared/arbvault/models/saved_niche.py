"""Saved niches (bookmarks): a named niche search of one API key, its filters re-runnable as a ``niche`` job.

A key's niche names are unique regardless of case; two keys may use the same name.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Numeric, String, Text, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from arbvault.models.base import Base, Timestamps
from arbvault.models.job import Job

NICHE_NAME_INDEX = "uq_saved_niches_owner_key_id_lower_niche_name"


class SavedNiche(Timestamps, Base):
    """One key's saved niche: its name, category, the discover or analyze request it was found with, and the
    job its last re-run queued."""

    __tablename__ = "saved_niches"
    __table_args__ = (
        Index(NICHE_NAME_INDEX, "owner_key_id", text("lower(niche_name)"), unique=True),
        Index("ix_saved_niches_owner_key_id_created_at", "owner_key_id", "created_at"),
        Index("ix_saved_niches_created_at", "created_at"),
        CheckConstraint("last_score IS NULL OR last_score BETWEEN 0 AND 10", name="last_score_range"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_key_id: Mapped[str] = mapped_column(String(64))
    niche_name: Mapped[str] = mapped_column(String(255))
    category_id: Mapped[int | None] = mapped_column(BigInteger)
    category_name: Mapped[str | None] = mapped_column(String(255))
    filters: Mapped[dict[str, Any]] = mapped_column(JSONB)
    last_score: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    description: Mapped[str | None] = mapped_column(Text)
    last_run_job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey(Job.id, ondelete="SET NULL"))
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
