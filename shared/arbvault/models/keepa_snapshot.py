"""Keepa data kept in PostgreSQL so every Lambda environment shares it: product snapshots and known misses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, LargeBinary, SmallInteger, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from arbvault.models.base import Base


class KeepaSnapshot(Base):
    """The raw Keepa product object of one ASIN and the request options it was fetched with.

    Freshness is derived from ``fetched_at`` and the configured TTL at read time, so changing the TTL needs no
    write. ``codes`` (the product's EAN/ISBN-13 list) lets an ISBN-13 lookup find the snapshot of its ASIN.
    ``product_lz4`` is the product's compact JSON, LZ4-compressed (``arbvault.catalog`` packs and unpacks it):
    nothing queries inside a product, and as JSONB a batch chunk paid PostgreSQL to parse 800 KB it never
    looked into (writing 100 products took 58 ms, then 15 ms); compressed it is under half the bytes too.
    """

    __tablename__ = "keepa_snapshots"
    __table_args__ = (
        Index("ix_keepa_snapshots_codes", "codes", postgresql_using="gin"),
        Index("ix_keepa_snapshots_fetched_at", "fetched_at"),
    )

    domain_id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    asin: Mapped[str] = mapped_column(String(10), primary_key=True)
    codes: Mapped[list[str]] = mapped_column(ARRAY(String(13)), server_default="{}")
    stats_days: Mapped[int | None] = mapped_column(SmallInteger)
    offers: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    """Offers requested (20-100); 0 when fetched without live offers."""
    history: Mapped[bool] = mapped_column(Boolean)
    buybox: Mapped[bool] = mapped_column(Boolean, server_default="false")
    product_lz4: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KeepaMiss(Base):
    """An identifier Keepa had no product for, and when: a short negative cache (an unknown ASIN costs a token)."""

    __tablename__ = "keepa_misses"

    domain_id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    identifier: Mapped[str] = mapped_column(String(13), primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
