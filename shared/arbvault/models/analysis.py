"""Stored analyses: one product's analysis under the effective rules, from ingest, a manual entry or a batch job."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, Integer, Numeric, SmallInteger, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from arbvault.models.base import Base, Timestamps

ANALYSIS_SOURCES = ("ingest", "manual", "batch")


class Analysis(Timestamps, Base):
    """A stored analysis. The columns are what lists filter and sort on; ``metrics`` is the full detail returned.

    ``job_id`` is unique per ASIN within a job (partial index), so a redelivered chunk write can
    ``INSERT ... ON CONFLICT DO NOTHING`` instead of duplicating rows.
    """

    __tablename__ = "analyses"
    __table_args__ = (
        CheckConstraint("source IN ('ingest', 'manual', 'batch')", name="source_known"),
        CheckConstraint("velocity_score BETWEEN 0 AND 100", name="velocity_score_range"),
        CheckConstraint("stability_score BETWEEN 0 AND 100", name="stability_score_range"),
        CheckConstraint("confidence_score BETWEEN 0 AND 100", name="confidence_score_range"),
        Index("uq_analyses_job_id_asin", "job_id", "asin", unique=True,
              postgresql_where=text("job_id IS NOT NULL")),
        # Keyset pages order by (sort key, id); nullable keys sort NULLS LAST both ways, so they need a
        # descending index of their own (a backward scan of the ascending one would put NULLs first).
        Index("ix_analyses_created_at_id", "created_at", "id"),
        # A sourcer key's listings read only its own rows (``created_by`` is the owning key's id).
        Index("ix_analyses_created_by_created_at_id", "created_by", "created_at", "id"),
        Index("ix_analyses_velocity_score_id", "velocity_score", "id"),
        Index("ix_analyses_combined_score_id", "combined_score", "id"),
        Index("ix_analyses_roi_pct_id", "roi_pct", "id"),
        Index("ix_analyses_roi_pct_desc_id", text("roi_pct DESC NULLS LAST"), text("id DESC")),
        Index("ix_analyses_profit_id", "profit", "id"),
        Index("ix_analyses_profit_desc_id", text("profit DESC NULLS LAST"), text("id DESC")),
        Index("ix_analyses_recommendation", "recommendation"),
        Index("ix_analyses_asin", "asin"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    domain_id: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    identifier: Mapped[str] = mapped_column(String(20))
    asin: Mapped[str] = mapped_column(String(10))
    isbn13: Mapped[str | None] = mapped_column(String(13))
    title: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    strategy: Mapped[str] = mapped_column(Text)
    buy_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # Where the buy price came from (requested, live_offer, a marketplace price) and the copy's condition.
    buy_price_source: Mapped[str | None] = mapped_column(Text)
    buy_condition: Mapped[str | None] = mapped_column(Text)
    sell_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    sell_price_source: Mapped[str | None] = mapped_column(Text)
    fees: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    profit: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    max_buy_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # Wider than the suggested (8, 2): a one-cent buy price gives a six-digit ROI, which must still store.
    roi_pct: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    margin_pct: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    velocity_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    stability_score: Mapped[int] = mapped_column(SmallInteger)
    confidence_score: Mapped[int] = mapped_column(SmallInteger)
    overall_rating: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str] = mapped_column(Text)
    combined_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    bsr: Mapped[int | None] = mapped_column(Integer)
    offers_count: Mapped[int | None] = mapped_column(Integer)
    # JSON, not JSONB: nothing queries inside it, and JSONB's parse on write was most of a chunk's insert.
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[str] = mapped_column(String(100))  # the owning API key's id (a job's: the job's owner)
