"""Live offers per product for the stock estimate, in PostgreSQL (freshness is the caller's TTL at read time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.dialects.postgresql import insert

from arbvault.models.product_cache import StockSnapshot

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class StockOffer:
    """What the estimate reads from one live offer: fulfilment and current item price (``None``: unknown)."""

    is_fba: bool
    price: Decimal | None


@dataclass(frozen=True, slots=True)
class StoredStock:
    """A product's live offers and when Keepa reported them."""

    asin: str
    offers: tuple[StockOffer, ...]
    fetched_at: datetime


def load_stock(session: Session, *, domain_id: int, asin: str) -> StoredStock | None:
    """The stored offers of ``asin``, however old."""
    row = session.get(StockSnapshot, (domain_id, asin))
    if row is None:
        return None
    offers = tuple(StockOffer(is_fba=bool(offer["fba"]),
                              price=Decimal(offer["price"]) if offer.get("price") is not None else None)
                   for offer in row.offers)
    return StoredStock(asin=row.asin, offers=offers, fetched_at=row.fetched_at)


def save_stock(session: Session, stock: StoredStock, *, domain_id: int) -> None:
    """Store (or replace) the offers of ``stock.asin``; prices as strings, so no cent is lost to floats."""
    values = {"domain_id": domain_id, "asin": stock.asin, "fetched_at": stock.fetched_at,
              "offers": [{"fba": offer.is_fba, "price": str(offer.price) if offer.price is not None else None}
                         for offer in stock.offers]}
    statement = insert(StockSnapshot).values(values)
    session.execute(statement.on_conflict_do_update(
        index_elements=[StockSnapshot.domain_id, StockSnapshot.asin],
        set_={"offers": statement.excluded.offers, "fetched_at": statement.excluded.fetched_at},
    ))

