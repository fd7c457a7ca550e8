"""What the strategic views read from Keepa data: Amazon's presence, its Buy Box share, and seller counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from arbvault.keepa.csv_types import CSV_LENGTH, CsvType
from arbvault.keepa.offers import AMAZON_SELLER_ID
from arbvault.keepa.parsing import parse_product
from arbvault.keepa.time import datetime_to_keepa_minutes
from arbvault.views.signals import amazon_buy_box_share, amazon_presence, seller_counts

NOW = datetime(2026, 11, 20, tzinfo=UTC)
T1, T2 = (datetime_to_keepa_minutes(NOW - timedelta(days=d)) for d in (10, 2))
OTHER = "A1THIRDPARTY00"


def _raw(**fields: Any) -> dict[str, Any]:
    csv: list[list[int] | None] = [None] * CSV_LENGTH
    csv[CsvType.NEW] = [T1, 2500, T2, 2400]
    return {"asin": "1111111111", "domainId": 1, "title": "t", "csv": csv, "availabilityAmazon": -1, **fields}


def _presence(raw: dict[str, Any]) -> tuple[str, ...]:
    return amazon_presence(parse_product(raw, now=NOW), raw)


def test_no_amazon_anywhere_gives_no_reason() -> None:
    assert _presence(_raw(buyBoxSellerIdHistory=[T1, OTHER])) == ()


def test_amazon_holding_the_buy_box_now() -> None:
    reasons = _presence(_raw(buyBoxSellerIdHistory=[T1, OTHER, T2, AMAZON_SELLER_ID]))
    assert reasons == ("AMAZON_OWNS_BUY_BOX", "AMAZON_RECENT_BUY_BOX")


def test_amazon_having_won_the_buy_box_recently() -> None:
    assert _presence(_raw(buyBoxSellerIdHistory=[T1, AMAZON_SELLER_ID, T2, OTHER])) == ("AMAZON_RECENT_BUY_BOX",)


def test_amazon_price_in_its_recent_history_and_in_stock() -> None:
    raw = _raw(availabilityAmazon=0)
    raw["csv"][CsvType.AMAZON] = [T1, 2300, T2, -1]
    assert _presence(raw) == ("AMAZON_IN_STOCK", "AMAZON_RECENT_PRICE")
    raw["csv"][CsvType.AMAZON] = [T1, -1, T2, 2300]
    assert "AMAZON_ON_LISTING" in _presence(raw)


def test_buy_box_share_from_the_buy_box_stats() -> None:
    current = [-1] * CSV_LENGTH
    shares = {OTHER: {"percentageWon": 62.5}, AMAZON_SELLER_ID: {"percentageWon": 37.5}}
    product = parse_product(_raw(stats={"current": current, "buyBoxStats": shares}), now=NOW)
    assert amazon_buy_box_share(product) == Decimal("37.5")
    product = parse_product(_raw(stats={"current": current, "buyBoxStats": {OTHER: {"percentageWon": 100}}}),
                            now=NOW)
    assert amazon_buy_box_share(product) == Decimal(0)
    assert amazon_buy_box_share(parse_product(_raw(stats={"current": current}), now=NOW)) is None


def _offer(seller: str, condition: int, *, fba: bool) -> dict[str, Any]:
    return {"sellerId": seller, "condition": condition, "isFBA": fba, "isAmazon": False, "lastSeen": T2,
            "offerCSV": [T2, 2000, 0]}


def test_sellers_from_live_new_offers() -> None:
    offers = [_offer("S1", 1, fba=True), _offer("S1", 1, fba=True), _offer("S2", 1, fba=False),
              _offer("S3", 3, fba=True), _offer("S4", 1, fba=True)]
    raw = _raw(offers=offers, liveOffersOrder=[0, 1, 2, 3], offersSuccessful=True)
    counts = seller_counts(parse_product(raw, now=NOW))
    # Live new offers: S1 (FBA, twice) and S2; S3 is used and S4 is not live.
    assert (counts.sellers, counts.fba_sellers, counts.source) == (2, 1, "offers")


def test_sellers_from_offer_counts_without_offers() -> None:
    current = [-1] * CSV_LENGTH
    current[CsvType.COUNT_NEW] = 9
    counts = seller_counts(parse_product(_raw(stats={"current": current}), now=NOW))
    assert (counts.sellers, counts.fba_sellers, counts.source) == (9, None, "offer_counts")
