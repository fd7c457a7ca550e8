"""ASIN history: the watch list of each API key, one tracked point per product and day, and the tracker's days.

Points are market data shared by every key (two keys watching one ASIN cost one lookup a day); the watch list
says which keys asked for them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from arbvault.models.base import Base


class AsinWatch(Base):
    """One key watching one product: the tracker records a point for it every day."""

    __tablename__ = "asin_watches"
    __table_args__ = (
        UniqueConstraint("owner_key_id", "domain_id", "asin", name="uq_asin_watches_owner_key_id_domain_id_asin"),
        Index("ix_asin_watches_owner_key_id_created_at", "owner_key_id", "created_at"),
        Index("ix_asin_watches_created_at", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_key_id: Mapped[str] = mapped_column(String(64))
    domain_id: Mapped[int] = mapped_column(SmallInteger)
    asin: Mapped[str] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AsinHistoryPoint(Base):
    """What a product looked like on one day (UTC): at most one point per product and day."""

    __tablename__ = "asin_history"
    __table_args__ = (
        UniqueConstraint("domain_id", "asin", "tracked_on", name="uq_asin_history_domain_id_asin_tracked_on"),
        Index("ix_asin_history_tracked_at", "tracked_at"),
        CheckConstraint("bsr IS NULL OR bsr > 0", name="bsr_positive"),
        CheckConstraint("seller_count IS NULL OR seller_count >= 0", name="seller_count_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    domain_id: Mapped[int] = mapped_column(SmallInteger)
    asin: Mapped[str] = mapped_column(String(10))
    tracked_on: Mapped[date] = mapped_column(Date)
    tracked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """When the tracker recorded the point."""
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """When Keepa answered with the data (the snapshot's fetch time)."""
    price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    """Lowest new price (Keepa's NEW), dollars."""
    lowest_fba_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    bsr: Mapped[int | None] = mapped_column(Integer)
    seller_count: Mapped[int | None] = mapped_column(Integer)
    """New offers (Keepa's COUNT_NEW)."""
    fba_seller_count: Mapped[int | None] = mapped_column(Integer)
    amazon_on_listing: Mapped[bool | None] = mapped_column(Boolean)
    extra_data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class TrackerDay(Base):
    """The tracker's ledger for one day (UTC): tokens spent against the daily budget, points recorded, and a
    lease so two runs never overlap."""

    __tablename__ = "asin_tracker_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tokens_used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    points_recorded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    runs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_stop_reason: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
