"""What one request sees of a catalogue product: Keepa's parameter-gated blocks applied to the full object.

The catalogue keeps each product whole (every csv type, offers, buy-box histories). A request then gets:
offer-only csv types, ``offers`` and the buy-box histories only with ``offers=`` (csv 18 and
``buyBoxSellerIdHistory`` also with ``buybox=1``; RATING/COUNT_REVIEWS also with ``rating=1``); ``stats``
computed from the visible csv for the requested interval; histories trimmed by ``days``; and ``"csv": null``
plus no other histories with ``history=0``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from arbvault.keepa.csv_types import OFFERS_ONLY_TYPES, CsvType
from infra.keepa_offline.stats import (
    DAY,
    build_stats,
    buy_box_fields,
    buy_box_stats,
    monthly_sold_delta,
    offer_stats,
)

_OFFERS_ONLY = frozenset(int(t) for t in OFFERS_ONLY_TYPES)
_RATING = frozenset({int(CsvType.RATING), int(CsvType.COUNT_REVIEWS)})
_BUY_BOX = int(CsvType.BUY_BOX_SHIPPING)
_OFFER_KEYS = ("buyBoxUsedHistory", "buyBoxEligibleOfferCounts", "isSNS", "isRedirectASIN")
_HISTORY_KEYS = ("salesRanks", "monthlySoldHistory", "parentAsinHistory", "couponHistory", "buyBoxSellerIdHistory",
                 "buyBoxUsedHistory", "salesRankReferenceHistory")


@dataclass(frozen=True, slots=True)
class ProductOptions:
    """The ``/product`` parameters that shape each product object (and its token cost)."""

    stats: tuple[int, int] | int | None = None
    """Days, or an explicit ``(start, end)`` interval in Keepa minutes."""
    history: bool = True
    offers: int | None = None
    only_live_offers: bool = False
    buybox: bool = False
    rating: bool = False
    days: int | None = None
    update: int | None = None


def _interval(options: ProductOptions, now: int) -> tuple[int, int] | None:
    if options.stats is None:
        return None
    if isinstance(options.stats, tuple):
        return options.stats
    return now - options.stats * DAY, now


def _trim(flat: list[Any], step: int, cutoff: int) -> list[Any]:
    """Points from ``cutoff`` on, plus the one in force at ``cutoff``."""
    first = 0
    for k in range(len(flat) // step):
        if int(flat[k * step]) >= cutoff:
            break
        first = k
    return flat[first * step:]


def _keep_offers(product: dict[str, Any], keep: list[int]) -> None:
    """Keep the offers at indexes ``keep`` and re-point ``liveOffersOrder`` at their new positions."""
    offers = product.get("offers") or []
    position = {old: new for new, old in enumerate(keep)}
    product["offers"] = [offers[i] for i in keep]
    product["liveOffersOrder"] = [position[i] for i in product.get("liveOffersOrder") or [] if i in position]


def offers_found(full: dict[str, Any]) -> bool:
    """The product has offer data to serve (an ``offers=`` request on one without fails the fetch)."""
    return full.get("offers") is not None


def product_view(full: dict[str, Any], options: ProductOptions, now: int) -> dict[str, Any]:
    """The product object a request with ``options`` receives (``full`` is left untouched)."""
    product = dict(full)
    csv = list(full.get("csv") or [None] * 36)
    with_offers = options.offers is not None and offers_found(full)
    if with_offers:
        if options.only_live_offers:
            _keep_offers(product, sorted(full.get("liveOffersOrder") or []))
    else:
        for i in _OFFERS_ONLY:
            if (i == _BUY_BOX and options.buybox) or (i in _RATING and options.rating):
                continue
            csv[i] = None
        product.pop("offers", None)
        for key in _OFFER_KEYS:
            product.pop(key, None)
        product["liveOffersOrder"] = None
        product["offersSuccessful"] = False
        if not options.buybox:
            product["buyBoxSellerIdHistory"] = None
    product["csv"] = csv

    interval = _interval(options, now)
    if interval is not None:
        start, end = interval
        stats = build_stats(csv, start=start, end=end, now=now)
        if with_offers:
            stats.update(offer_stats(product, start, now))
        elif options.buybox and product.get("buyBoxSellerIdHistory"):
            history = product["buyBoxSellerIdHistory"]
            winner = next((o for o in full.get("offers") or [] if o["sellerId"] == history[-1]
                           and o["condition"] == 1), None)
            stats.update(buy_box_fields(product, winner))
            stats["buyBoxStats"] = buy_box_stats(dict(product, offers=full.get("offers")), start, now)
        stats["deltaPercent90_monthlySold"] = monthly_sold_delta(full, now)
        product["stats"] = stats

    if options.days is not None:
        cutoff = now - options.days * DAY
        product["csv"] = [_trim(s, CsvType(i).step, cutoff) if s else s for i, s in enumerate(csv)]
        if product.get("salesRanks"):
            product["salesRanks"] = {k: _trim(v, 2, cutoff) for k, v in product["salesRanks"].items()}
        for key in ("buyBoxSellerIdHistory", "salesRankReferenceHistory"):
            if product.get(key):
                product[key] = _trim(product[key], 2, cutoff)
        if product.get("offers"):
            offers = product["offers"]
            _keep_offers(product, [i for i, o in enumerate(offers) if o["lastSeen"] >= cutoff])
            product["offers"] = [dict(o, offerCSV=_trim(o["offerCSV"], 3, cutoff)) for o in product["offers"]]

    if not options.history:
        product["csv"] = None
        for key in _HISTORY_KEYS:
            if key in product:
                product[key] = None
    return product


def product_cost(full: dict[str, Any], options: ProductOptions, now: int) -> int:
    """Tokens for one returned product, as Keepa charges them."""
    if options.offers is not None:
        if not offers_found(full):
            return 1  # the offer fetch failed: base price only
        live = len(full.get("liveOffersOrder") or [])
        cost = 6 * max(1, math.ceil(live / 10))
    else:
        cost = 1 + (2 if options.buybox else 0)
        if options.rating and full.get("lastRatingUpdate", 0) >= now - 14 * DAY:
            cost += 1
    if options.update == 0 and full.get("lastUpdate", 0) >= now - 60:
        cost += 1
    return cost
