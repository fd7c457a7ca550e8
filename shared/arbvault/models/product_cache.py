"""Product-finder results and stock estimates kept in PostgreSQL, so every Lambda environment shares them.

Like the Keepa snapshots, rows hold only ``fetched_at``: freshness is derived from the room's TTL at read time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, SmallInteger, String
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from arbvault.models.base import Base


class DiscoveryResult(Base):
    """The candidate ASINs Keepa returned for one normalised filter set (``cache_key`` is its digest)."""

    __tablename__ = "discovery_results"
    __table_args__ = (
        CheckConstraint("source IN ('finder', 'bestsellers')", name="source_known"),
        Index("ix_discovery_results_fetched_at", "fetched_at"),
    )

    cache_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    domain_id: Mapped[int] = mapped_column(SmallInteger)
    filters: Mapped[dict[str, Any]] = mapped_column(JSONB)
    source: Mapped[str] = mapped_column(String(12))
    """Which Keepa endpoint answered: ``finder`` (/query) or ``bestsellers``."""
    asins: Mapped[list[str]] = mapped_column(ARRAY(String(10)))
    """Best first, at most the candidate window the room fetches."""
    total_results: Mapped[int] = mapped_column(Integer)
    """How many products matched at Keepa (may exceed ``asins``)."""
    tokens_consumed: Mapped[int] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StockSnapshot(Base):
    """The live offers of one product as the stock estimate reads them: ``[{"fba": bool, "price": "12.34"}]``.

    The offers are kept rather than the estimate, because the estimate depends on the caller's price target.
    """

    __tablename__ = "stock_estimates"
    __table_args__ = (Index("ix_stock_estimates_fetched_at", "fetched_at"),)

    domain_id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    asin: Mapped[str] = mapped_column(String(10), primary_key=True)
    offers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
