"""The stock estimate of one product (docs/rules.md#stock) over its real live offers, kept 24 hours in PostgreSQL.

The offers are stored, not the estimate, so any ``price_target`` is answered from the same row. Sources:
``cache`` (a row younger than the TTL), ``fresh`` (offers just looked up through the catalog, which may answer
from a snapshot of its own younger than its TTL), ``cache_fallback`` (Keepa unreachable, tokens short or the
offers not delivered, and an older row exists), ``no_data`` (the product has no live offer). Without any row,
Keepa's failure stands (503, or 429 with Retry-After).

The estimate reads the same offers as the analyses: a catalog snapshot with offers fetched after the row (an
ingest or batch with ``offers``) replaces the row. A product whose offers Keepa did not deliver
(``offersSuccessful`` false) is never ``no_data``: that would claim no offers where Keepa counts some.

The estimate itself: each FBA offer counts as one unit, capped at 10 (Keepa does not report per-offer
quantities, and a reseller rarely buys more than a handful per listing). With a positive ``price_target`` only
FBA offers whose real current price lies within 15 % of it count; merchant-fulfilled offers are reported but
never filtered. The stored offers are read whatever their age: freshness is the caller's TTL at read time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal, Protocol

from sqlalchemy.dialects.postgresql import insert

from arbvault.catalog.fetch_options import FetchOptions
from arbvault.catalog.lookup import stored_since
from arbvault.catalog.single import lookup_one
from arbvault.db import session_scope
from arbvault.discovery.categories import US_DOMAIN
from arbvault.discovery.exceptions import OffersNotDeliveredError
from arbvault.exceptions import DependencyUnavailableError, RateLimitedError
from arbvault.identifiers import InvalidIdentifierError, normalise
from arbvault.models.product_cache import StockSnapshot
from arbvault.observability import logger

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.catalog.lookup import CatalogProduct
    from arbvault.keepa.client import KeepaClient
    from arbvault.keepa.product import KeepaProduct


STOCK_TTL: Final = timedelta(hours=24)
OFFERS_FETCHED: Final = 20
"""Keepa's minimum offers request: one page of up to 10 offers costs 6 tokens, and the estimate caps at 10."""
StockSource = Literal["fresh", "cache", "cache_fallback", "no_data"]


@dataclass(frozen=True, slots=True)
class StockAnswer:
    """The estimate for one ASIN, where it came from, its data's age and what this request spent."""

    asin: str
    estimate: StockEstimate
    source: StockSource
    updated_at: datetime
    ttl_seconds_left: int
    tokens_consumed: int


def _answer(stored: StoredStock, source: StockSource, *, now: datetime, price_target: Decimal | None,
            tokens_consumed: int = 0) -> StockAnswer:
    estimate = estimate_stock(stored.offers, price_target)
    left = 0 if source == "cache_fallback" else (stored.fetched_at + STOCK_TTL - now).total_seconds()
    return StockAnswer(asin=stored.asin, estimate=estimate,
                       source="no_data" if not estimate.has_data and source != "cache_fallback" else source,
                       updated_at=stored.fetched_at, ttl_seconds_left=max(0, int(left)),
                       tokens_consumed=tokens_consumed)


def _stored(item: CatalogProduct, product: KeepaProduct, asin: str) -> StoredStock:
    return StoredStock(asin=asin, fetched_at=item.fetched_at,
                       offers=tuple(StockOffer(is_fba=o.is_fba, price=o.price) for o in product.live_offers))


def _offers_since(stored: StoredStock, *, domain_id: int, options: FetchOptions) -> StoredStock | None:
    """The live offers of a catalog snapshot fetched after ``stored`` (by an ingest or batch with offers), if any."""
    item = stored_since(normalise(stored.asin), domain_id=domain_id, options=options,
                        fetched_after=stored.fetched_at)
    if item is None:
        return None
    product = item.parse()
    return _stored(item, product, stored.asin) if product.offers_fetched else None


def _save(stock: StoredStock, domain_id: int) -> None:
    with session_scope() as session:
        save_stock(session, stock, domain_id=domain_id)


def stock_estimate(asin: str, *, price_target: Decimal | None = None, domain_id: int = US_DOMAIN,
                   client: KeepaClient | None = None) -> StockAnswer:
    """Estimate the units buyable now of ``asin`` (an ASIN, ISBN-10 or 978 ISBN-13); opens its own sessions.

    Raises ``InvalidIdentifierError`` (422 on ``path.asin``), ``ProductNotFoundError`` (404), and with no stored
    row to fall back on, the lookup's errors (429 token guard or Keepa, 503 Keepa unavailable) and
    ``OffersNotDeliveredError`` (503) when Keepa sent the product without its offers.
    """
    identifier = normalise(asin, field="path.asin")
    key = identifier.asin
    if key is None:
        raise InvalidIdentifierError("this ISBN-13 has no ISBN-10; use the product's ASIN", value=identifier.value,
                                     field="path.asin")
    now = datetime.now(UTC)
    options = FetchOptions(offers=OFFERS_FETCHED)
    with session_scope() as session:
        stored = load_stock(session, domain_id=domain_id, asin=key)
    if stored is not None and stored.fetched_at > now - STOCK_TTL:
        newer = _offers_since(stored, domain_id=domain_id, options=options)
        if newer is None:
            return _answer(stored, "cache", now=now, price_target=price_target)
        _save(newer, domain_id)
        return _answer(newer, "fresh", now=now, price_target=price_target)
    try:
        found = lookup_one(key, domain_id=domain_id, options=options, client=client, field="path.asin")
        product = found.item.parse()
        if not product.offers_fetched:
            raise OffersNotDeliveredError(key)
    except (DependencyUnavailableError, RateLimitedError) as exc:
        if stored is None:
            raise
        logger.warning("stock estimate from a stale row", extra={"asin": key, "error_code": exc.code})
        return _answer(stored, "cache_fallback", now=now, price_target=price_target)
    fresh = _stored(found.item, product, key)
    _save(fresh, domain_id)
    return _answer(fresh, "fresh", now=datetime.now(UTC), price_target=price_target,
                   tokens_consumed=found.tokens_consumed)


PRICE_BAND: Final = Decimal("0.15")
MAX_UNITS: Final = 10


class OfferLike(Protocol):
    """What the estimate reads from an offer (``arbvault.keepa.offers.Offer`` fits)."""

    @property
    def is_fba(self) -> bool: ...

    @property
    def price(self) -> Decimal | None: ...


@dataclass(frozen=True)
class StockEstimate:
    """Units available estimate and the offer counts behind it; ``has_data`` is False without any offer."""

    units_available_estimate: int
    offers_fba: int
    offers_mfn: int
    has_data: bool


def _in_band(price: Decimal | None, target: Decimal) -> bool:
    return price is not None and target * (1 - PRICE_BAND) <= price <= target * (1 + PRICE_BAND)


def estimate_stock(live_offers: Sequence[OfferLike], price_target: Decimal | None = None) -> StockEstimate:
    """Estimate units from currently listed offers; see the module docstring for the rule."""
    fba = [offer for offer in live_offers if offer.is_fba]
    if price_target is not None and price_target > 0:
        fba = [offer for offer in fba if _in_band(offer.price, price_target)]
    mfn = sum(1 for offer in live_offers if not offer.is_fba)
    return StockEstimate(
        units_available_estimate=min(MAX_UNITS, len(fba)),
        offers_fba=len(fba),
        offers_mfn=mfn,
        has_data=bool(live_offers),
    )


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
