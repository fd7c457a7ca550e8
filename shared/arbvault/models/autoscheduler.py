"""The AutoScheduler: its control row, one row per scheduled (date, hour) it acted on, and the audit of writes.

The control row is a singleton (``id = 1``). A slot row is unique per UTC date and hour: the tick claims it in
the transaction that queues the run (``INSERT … ON CONFLICT DO NOTHING``), so a schedule firing twice, or two
ticks at once, start one run. A refused slot (budget, balance, a failing run request) keeps its reason.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from arbvault.models.autosourcing import AutosourcingProfile
from arbvault.models.base import Base

SCHEDULER_CONTROL_ID = 1
SLOT_OUTCOMES = ("SUBMITTED", "SKIPPED", "ERROR")


class SchedulerControl(Base):
    """What the scheduler does: on or off, at which hours (UTC), which days not, which profile, how many tokens."""

    __tablename__ = "autoscheduler_control"
    __table_args__ = (CheckConstraint(f"id = {SCHEDULER_CONTROL_ID}", name="singleton"),
                      CheckConstraint("daily_token_budget >= 0", name="budget_positive"))

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    scheduled_hours: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger))
    skip_dates: Mapped[list[date]] = mapped_column(ARRAY(Date))
    pause_until: Mapped[date | None] = mapped_column(Date)
    pause_reason: Mapped[str | None] = mapped_column(Text)
    daily_token_budget: Mapped[int] = mapped_column(Integer)
    profile_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(AutosourcingProfile.id, ondelete="SET NULL"))
    """The profile each run uses; ``None``: the hour presets."""
    hour_presets: Mapped[dict[str, Any]] = mapped_column(JSONB)
    """Discovery presets by hour (``"8"``, …) and ``"default"``, used when no profile is set."""
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SchedulerSlot(Base):
    """What the tick did for one scheduled UTC date and hour (at most one row each)."""

    __tablename__ = "autoscheduler_slots"
    __table_args__ = (
        PrimaryKeyConstraint("slot_date", "slot_hour", name="pk_autoscheduler_slots"),
        CheckConstraint("slot_hour BETWEEN 0 AND 23", name="hour_known"),
        CheckConstraint(f"outcome IN ({', '.join(repr(o) for o in SLOT_OUTCOMES)})", name="outcome_known"),
    )

    slot_date: Mapped[date] = mapped_column(Date)
    slot_hour: Mapped[int] = mapped_column(SmallInteger)
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(40))
    """Why a slot was skipped or failed (``budget_exceeded``, ``balance_short``, an error's code)."""
    message: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    """The run's job id (no foreign key: the slot row is written in the run's own transaction, first)."""
    tokens_estimated: Mapped[int | None] = mapped_column(Integer)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SchedulerChange(Base):
    """One write to the control row: who (the API key), when, what, and the values before and after."""

    __tablename__ = "autoscheduler_changes"
    __table_args__ = (Index("ix_autoscheduler_changes_changed_at", "changed_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    key_id: Mapped[str] = mapped_column(String(64))
    key_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    old_values: Mapped[dict[str, Any]] = mapped_column(JSONB)
    new_values: Mapped[dict[str, Any]] = mapped_column(JSONB)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
