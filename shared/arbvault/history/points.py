"""One day's point for a product, from its Keepa data, and the idempotent write of a batch of them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.dialects.postgresql import insert

from arbvault.catalog.fetch_options import DEFAULT_STATS_DAYS, FetchOptions
from arbvault.models.asin_history import AsinHistoryPoint

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.catalog.lookup import CatalogProduct

HISTORY_OPTIONS = FetchOptions(stats_days=DEFAULT_STATS_DAYS)
"""What a point (and a trend from Keepa's csv) needs: current values and history, no live offers; the keepa
routes fetch products the same way, so their snapshots serve each other."""


def point_row(item: CatalogProduct, *, domain_id: int, day: date, tracked_at: datetime) -> dict[str, Any]:
    """The values of ``item``'s point for ``day``: lowest new price, sales rank, new offers, Amazon on the
    listing. What Keepa did not report stays ``None``."""
    product = item.parse()
    counts = product.offer_counts
    return {
        "id": uuid.uuid4(), "domain_id": domain_id, "asin": item.asin, "tracked_on": day, "tracked_at": tracked_at,
        "observed_at": item.fetched_at, "price": product.prices.new, "lowest_fba_price": product.prices.new_fba,
        "bsr": product.bsr, "seller_count": counts.new, "fba_seller_count": counts.new_fba,
        "amazon_on_listing": product.amazon_on_listing,
        "extra_data": {"title": product.title, "from_snapshot": item.from_snapshot},
    }


def insert_points(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert ``rows``, skipping any product that already has its day's point; returns how many were new."""
    if not rows:
        return 0
    statement = insert(AsinHistoryPoint).values(list(rows)).on_conflict_do_nothing(
        index_elements=["domain_id", "asin", "tracked_on"]).returning(AsinHistoryPoint.id)
    return len(session.execute(statement).all())
