"""The stock estimate of one product (spec §4.12) over its real live offers, kept 24 hours in PostgreSQL.

The offers are stored, not the estimate, so any ``price_target`` is answered from the same row. Sources:
``cache`` (a row younger than the TTL), ``fresh`` (offers just looked up through the catalog, which may answer
from a snapshot of its own younger than its TTL), ``cache_fallback`` (Keepa unreachable or tokens short, and
an older row exists), ``no_data`` (the product has no live offer). Without any row, Keepa's failure stands (503,
or 429 with Retry-After). The original asked its client for offers with an argument it did not accept, so every
fresh estimate was ``no_data``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

from arbvault.analysis import StockEstimate, estimate_stock
from arbvault.catalog import FetchOptions, lookup_one
from arbvault.db import session_scope
from arbvault.discovery.categories import US_DOMAIN
from arbvault.discovery.stock_store import StockOffer, StoredStock, load_stock, save_stock
from arbvault.exceptions import DependencyUnavailableError, RateLimitedError
from arbvault.identifiers import InvalidIdentifierError, normalise
from arbvault.observability import logger

if TYPE_CHECKING:
    from arbvault.keepa import KeepaClient

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


def stock_estimate(asin: str, *, price_target: Decimal | None = None, domain_id: int = US_DOMAIN,
                   client: KeepaClient | None = None) -> StockAnswer:
    """Estimate the units buyable now of ``asin`` (an ASIN, ISBN-10 or 978 ISBN-13); opens its own sessions.

    Raises ``InvalidIdentifierError`` (422 on ``path.asin``), ``ProductNotFoundError`` (404), and with no stored
    row to fall back on, the lookup's errors (429 token guard or Keepa, 503 Keepa unavailable).
    """
    identifier = normalise(asin, field="path.asin")
    key = identifier.asin
    if key is None:
        raise InvalidIdentifierError("this ISBN-13 has no ISBN-10; use the product's ASIN", value=identifier.value,
                                     field="path.asin")
    now = datetime.now(UTC)
    with session_scope() as session:
        stored = load_stock(session, domain_id=domain_id, asin=key)
    if stored is not None and stored.fetched_at > now - STOCK_TTL:
        return _answer(stored, "cache", now=now, price_target=price_target)
    try:
        found = lookup_one(key, domain_id=domain_id, options=FetchOptions(offers=OFFERS_FETCHED), client=client,
                           field="path.asin")
    except (DependencyUnavailableError, RateLimitedError) as exc:
        if stored is None:
            raise
        logger.warning("stock estimate from a stale row", extra={"asin": key, "error_code": exc.code})
        return _answer(stored, "cache_fallback", now=now, price_target=price_target)
    product = found.item.parse()
    fresh = StoredStock(asin=key, fetched_at=found.item.fetched_at,
                        offers=tuple(StockOffer(is_fba=o.is_fba, price=o.price) for o in product.live_offers))
    with session_scope() as session:
        save_stock(session, fresh, domain_id=domain_id)
    return _answer(fresh, "fresh", now=datetime.now(UTC), price_target=price_target,
                   tokens_consumed=found.tokens_consumed)
