"""Marketplace offers (``offers=`` requests): conditions, the flat ``offerCSV`` layout, buy-box ownership.

``offerCSV`` is ``[t, price, shipping, t, price, shipping, ...]`` oldest first, so the current price is the
second-to-last element and the shipping the last one (read newest-first, no price is ever found). Condition 2
is used, like new.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import IntEnum
from typing import Any

from arbvault.keepa.time import keepa_minutes_to_datetime
from arbvault.keepa.units import cents_to_decimal

AMAZON_SELLER_ID = "ATVPDKIKX0DER"
"""Amazon.com's merchant id (Amazon Warehouse, ``A2L77EE7U53NWQ``, is a separate seller, not ``isAmazon``)."""


class Condition(IntEnum):
    """Offer condition codes."""

    UNKNOWN = 0
    NEW = 1
    USED_LIKE_NEW = 2
    USED_VERY_GOOD = 3
    USED_GOOD = 4
    USED_ACCEPTABLE = 5
    REFURBISHED = 6
    COLLECTIBLE_LIKE_NEW = 7
    COLLECTIBLE_VERY_GOOD = 8
    COLLECTIBLE_GOOD = 9
    COLLECTIBLE_ACCEPTABLE = 10

    @property
    def is_used(self) -> bool:
        return Condition.USED_LIKE_NEW <= self <= Condition.USED_ACCEPTABLE

    @property
    def is_collectible(self) -> bool:
        return self >= Condition.COLLECTIBLE_LIKE_NEW

    @classmethod
    def of(cls, code: Any) -> Condition:
        """The condition for a wire code; anything unrecognised is ``UNKNOWN``."""
        known = _CONDITIONS.get(code) if type(code) is int else None  # skips Enum's call machinery (~0.4 us)
        if known is not None:
            return known
        try:
            return cls(int(code))
        except (TypeError, ValueError):
            return cls.UNKNOWN


_CONDITIONS = {condition.value: condition for condition in Condition}


@dataclass(slots=True)
class Offer:
    """One marketplace offer with its current price. Read-only (not frozen: see ``product``)."""

    offer_id: int
    seller_id: str
    condition: Condition
    is_fba: bool
    is_amazon: bool
    is_prime: bool
    is_warehouse_deal: bool
    is_live: bool
    """Listed now: the offer's index is in ``liveOffersOrder``."""
    price: Decimal | None
    """Current item price (second-to-last ``offerCSV`` element); ``None`` when unknown."""
    shipping: Decimal | None
    """Current shipping (last element): 0 is free, ``None`` when unknown or not shippable."""
    last_seen: datetime | None
    condition_comment: str | None

    @property
    def landed_price(self) -> Decimal | None:
        """Price plus shipping (shipping counted as 0 when unknown), ``None`` without a price."""
        if self.price is None:
            return None
        return self.price + (self.shipping or Decimal("0.00"))


def current_offer_price(offer_csv: Sequence[int] | None) -> tuple[Decimal | None, Decimal | None]:
    """``(price, shipping)`` from the newest triple of a flat ``offerCSV`` list."""
    if not offer_csv or len(offer_csv) < 3:
        return None, None
    return cents_to_decimal(offer_csv[-2]), cents_to_decimal(offer_csv[-1])


def parse_offers(raw: Mapping[str, Any]) -> tuple[Offer, ...]:
    """Every offer of a raw product, in wire order, flagged live when listed in ``liveOffersOrder``.

    Without ``liveOffersOrder`` an offer counts as live when its ``lastSeen`` equals the newest ``lastSeen``.
    """
    items = raw.get("offers") or []
    order = raw.get("liveOffersOrder")
    if order is not None:
        live = {int(i) for i in order}
    else:
        newest = max((item.get("lastSeen") or -1 for item in items), default=-1)
        live = {i for i, item in enumerate(items) if (item.get("lastSeen") or -1) == newest >= 0}
    offers = []
    for index, item in enumerate(items):
        get = item.get
        price, shipping = current_offer_price(get("offerCSV"))
        offers.append(Offer(
            offer_id=int(get("offerId", index)),
            seller_id=str(get("sellerId") or ""),
            condition=Condition.of(get("condition")),
            is_fba=bool(get("isFBA")),
            is_amazon=bool(get("isAmazon")),
            is_prime=bool(get("isPrime")),
            is_warehouse_deal=bool(get("isWarehouseDeal")),
            is_live=index in live,
            price=price,
            shipping=shipping,
            last_seen=keepa_minutes_to_datetime(get("lastSeen")),
            condition_comment=get("conditionComment"),
        ))
    return tuple(offers)


def buy_box_seller_id(raw: Mapping[str, Any]) -> str | None:
    """The current buy-box winner: the last id of ``buyBoxSellerIdHistory``, else ``stats.buyBoxSellerId``.

    Keepa writes ``"-1"`` (nobody holds the buy box) and ``"-2"`` (unknown seller); both give ``None``.
    """
    history = raw.get("buyBoxSellerIdHistory") or []
    seller = history[-1] if len(history) >= 2 else (raw.get("stats") or {}).get("buyBoxSellerId")
    if not seller or seller in ("-1", "-2"):
        return None
    return str(seller)


def amazon_on_listing(raw: Mapping[str, Any], offers: Sequence[Offer], current_amazon_price: Decimal | None) -> bool:
    """Amazon sells this product now.

    With offers: any live offer flagged ``isAmazon`` (domain rule 4.7; historical offers do not count).
    Without offers Keepa sends none, so Amazon's current price (csv 0) decides instead.
    """
    if raw.get("offers"):
        return any(offer.is_amazon and offer.is_live for offer in offers)
    return current_amazon_price is not None


def amazon_owns_buy_box(raw: Mapping[str, Any], offers: Sequence[Offer]) -> bool:
    """Amazon holds the buy box.

    The last seller id in ``buyBoxSellerIdHistory`` is Amazon (its merchant id or an ``isAmazon`` offer's seller),
    else the first index of ``liveOffersOrder`` points at an Amazon offer (Amazon's seller id is not 1).
    """
    return amazon_owns_buy_box_given(buy_box_seller_id(raw), raw, offers)


def amazon_owns_buy_box_given(seller: str | None, raw: Mapping[str, Any], offers: Sequence[Offer]) -> bool:
    """``amazon_owns_buy_box`` with the buy-box seller already read (``buy_box_seller_id``)."""
    if seller is not None:
        return seller == AMAZON_SELLER_ID or any(offer.is_amazon and offer.seller_id == seller for offer in offers)
    order = raw.get("liveOffersOrder") or []
    if order and 0 <= int(order[0]) < len(offers):
        return offers[int(order[0])].is_amazon
    return False
