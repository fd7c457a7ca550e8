"""AutoSourcing: saved search profiles, runs (one per ``autosourcing`` job) and the picks a run kept.

A run's lifecycle and progress are its job's; the run row adds what was asked (discovery and scoring
configs), when discovery wrote the job's chunks and when the picks were stored. Picks are unique per
``(run_id, asin)``, so storing a run's picks twice (a redelivered message, a retried finish) adds nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from arbvault.models.base import Base, Timestamps
from arbvault.models.job import Job

PICK_ACTIONS = ("PENDING", "TO_BUY", "FAVORITE", "IGNORED", "ANALYZING")
PICK_TIERS = ("HOT", "TOP", "WATCH", "OTHER")
RATINGS = ("EXCELLENT", "GOOD", "FAIR", "PASS")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class AutosourcingProfile(Timestamps, Base):
    """A named, reusable discovery + scoring configuration."""

    __tablename__ = "autosourcing_profiles"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    discovery_config: Mapped[dict[str, Any]] = mapped_column(JSONB)
    scoring_config: Mapped[dict[str, Any]] = mapped_column(JSONB)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    usage_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AutosourcingRun(Base):
    """What one autosourcing job was asked to find and how far its own steps went."""

    __tablename__ = "autosourcing_runs"
    __table_args__ = (Index("ix_autosourcing_runs_owner_key_id_created_at", "owner_key_id", "created_at"),)

    job_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(Job.id, ondelete="CASCADE"), primary_key=True)
    owner_key_id: Mapped[str] = mapped_column(String(64))
    profile_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("autosourcing_profiles.id", ondelete="SET NULL"))
    profile_name: Mapped[str | None] = mapped_column(String(100))
    discovery_config: Mapped[dict[str, Any]] = mapped_column(JSONB)
    scoring_config: Mapped[dict[str, Any]] = mapped_column(JSONB)
    tokens_estimated: Mapped[int] = mapped_column(Integer)
    candidates_found: Mapped[int | None] = mapped_column(Integer)
    discovered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    picks_stored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AutosourcingPick(Timestamps, Base):
    """A product a run kept: its figures when picked, its rating and tier, and what the owner did with it."""

    __tablename__ = "autosourcing_picks"
    __table_args__ = (
        UniqueConstraint("run_id", "asin", name="uq_autosourcing_picks_run_id_asin"),
        CheckConstraint(_in("action", PICK_ACTIONS), name="action_known"),
        CheckConstraint(_in("priority_tier", PICK_TIERS), name="tier_known"),
        CheckConstraint(_in("overall_rating", RATINGS), name="rating_known"),
        Index("ix_autosourcing_picks_owner_key_id_created_at", "owner_key_id", "created_at"),
        Index("ix_autosourcing_picks_owner_key_id_action", "owner_key_id", "action"),
        Index("ix_autosourcing_picks_asin_created_at", "asin", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    run_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("autosourcing_runs.job_id", ondelete="CASCADE"))
    owner_key_id: Mapped[str] = mapped_column(String(64))
    analysis_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    asin: Mapped[str] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    bsr: Mapped[int | None] = mapped_column(Integer)
    buy_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    sell_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    net_profit: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    roi_pct: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    velocity_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    stability_score: Mapped[int] = mapped_column(SmallInteger)
    confidence_score: Mapped[int] = mapped_column(SmallInteger)
    overall_rating: Mapped[str] = mapped_column(String(10))
    priority_tier: Mapped[str] = mapped_column(String(10))
    is_featured: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    readable_summary: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(10), default="PENDING", server_default="PENDING")
    action_taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    action_notes: Mapped[str | None] = mapped_column(Text)
    is_purchased: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    is_favorite: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    is_ignored: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    analysis_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
