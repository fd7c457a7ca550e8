"""The last Keepa token balance any environment observed: one row, so every Lambda environment shares it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from arbvault.models.base import Base

TOKEN_STATE_ID = 1


class KeepaTokenState(Base):
    """The balance fields of the newest Keepa envelope seen (``source``: a product call or ``/token``)."""

    __tablename__ = "keepa_token_state"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("source IN ('last_response', 'token_endpoint')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=TOKEN_STATE_ID)
    tokens_left: Mapped[int] = mapped_column(Integer)
    refill_in_ms: Mapped[int] = mapped_column(Integer)
    refill_rate: Mapped[int] = mapped_column(Integer)
    tokens_consumed: Mapped[int] = mapped_column(Integer)
    token_flow_reduction: Mapped[float] = mapped_column(Float)
    server_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(20))
