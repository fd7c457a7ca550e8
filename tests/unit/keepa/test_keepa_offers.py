"""Offers: the flat offerCSV layout, conditions, live flags, Amazon presence and buy-box ownership (domain 4.7)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from keepa_fixtures import FIXTURE_NOW

from arbvault.keepa.offers import AMAZON_SELLER_ID, Condition, amazon_owns_buy_box, current_offer_price, parse_offers
from arbvault.keepa.parsing import parse_product

D = Decimal


def _offer(offer_id: int, seller: str, csv: list[int], *, condition: int = 1, amazon: bool = False,
           fba: bool = False, last_seen: int = 8107153) -> dict[str, Any]:
    return {"offerId": offer_id, "sellerId": seller, "offerCSV": csv, "condition": condition, "isAmazon": amazon,
            "isFBA": fba, "isPrime": fba, "lastSeen": last_seen}


@pytest.mark.parametrize(
    ("offer_csv", "price", "shipping"),
    [
        ([6909966, 1799, 0, 8044440, 1499, 0], D("14.99"), D("0.00")),   # newest triple is last
        ([6970680, 1760, 399, 7909560, 1575, 399], D("15.75"), D("3.99")),
        ([7726020, 1590, 499], D("15.90"), D("4.99")),
        ([7726020, -2, -2], None, None),                                   # -2: unknown
        ([7726020, 1590, -1], D("15.90"), None),                           # -1 shipping: not shippable
        ([], None, None),
        (None, None, None),
    ],
)
def test_current_price_is_second_to_last_and_shipping_last(offer_csv: list[int] | None, price: Decimal | None,
                                                           shipping: Decimal | None) -> None:
    assert current_offer_price(offer_csv) == (price, shipping)


def test_novel_offers_parsed(novel: dict[str, Any]) -> None:
    offers = parse_offers(novel)
    by_id = {o.offer_id: o for o in offers}
    assert (by_id[0].seller_id, by_id[0].is_amazon, by_id[0].price) == (AMAZON_SELLER_ID, True, D("14.99"))
    assert (by_id[3].price, by_id[3].shipping, by_id[3].landed_price, by_id[3].is_fba) == (
        D("15.75"), D("3.99"), D("19.74"), False)
    assert (by_id[5].condition, by_id[5].condition.is_used, by_id[5].price) == (Condition.USED_LIKE_NEW, True,
                                                                               D("8.99"))
    assert by_id[5].condition_comment == "Like new, unread copy. Ships from an Amazon warehouse."
    assert (by_id[7].condition, by_id[7].price, by_id[7].is_fba) == (Condition.USED_GOOD, D("6.89"), True)
    assert not by_id[9].is_live and all(o.is_live for o in offers if o.offer_id != 9)  # 9 is historical
    new_prices = sorted(o.landed_price for o in offers if o.is_live and o.condition == Condition.NEW)
    assert new_prices[0] == D("14.52")  # matches csv NEW: the cheapest live new offer


def test_without_live_offers_order_the_newest_last_seen_is_live() -> None:
    raw = {"offers": [_offer(0, "A1", [1, 500, 0], last_seen=100), _offer(1, "A2", [1, 400, 0], last_seen=90)]}
    assert [o.is_live for o in parse_offers(raw)] == [True, False]


@pytest.mark.parametrize(
    ("code", "condition", "used", "collectible"),
    [(1, Condition.NEW, False, False), (2, Condition.USED_LIKE_NEW, True, False),
     (5, Condition.USED_ACCEPTABLE, True, False), (6, Condition.REFURBISHED, False, False),
     (7, Condition.COLLECTIBLE_LIKE_NEW, False, True), (10, Condition.COLLECTIBLE_ACCEPTABLE, False, True),
     (99, Condition.UNKNOWN, False, False), (None, Condition.UNKNOWN, False, False)],
)
def test_conditions(code: Any, condition: Condition, used: bool, collectible: bool) -> None:
    parsed = Condition.of(code)
    assert (parsed, parsed.is_used, parsed.is_collectible) == (condition, used, collectible)


def test_buy_box_owner_from_history_matches_amazon_offer(novel: dict[str, Any]) -> None:
    product = parse_product(novel, now=FIXTURE_NOW)
    assert product.amazon_owns_buy_box


def test_third_party_in_buy_box_history_means_amazon_does_not_own_it(novel: dict[str, Any]) -> None:
    raw = dict(novel, buyBoxSellerIdHistory=["6909966", AMAZON_SELLER_ID, "8032500", "A3KXQ2T7VN0E5P"])
    product = parse_product(raw, now=FIXTURE_NOW)
    assert (product.buy_box_seller_id, product.amazon_owns_buy_box, product.amazon_on_listing) == (
        "A3KXQ2T7VN0E5P", False, True)


def test_without_history_first_live_offer_decides() -> None:
    offers_raw = [_offer(0, "AZAMZ", [1, 500, 0], amazon=True), _offer(1, "A2", [1, 400, 0])]
    raw: dict[str, Any] = {"offers": offers_raw, "liveOffersOrder": [0, 1], "buyBoxSellerIdHistory": None}
    assert amazon_owns_buy_box(raw, parse_offers(raw))
    raw["liveOffersOrder"] = [1, 0]
    assert not amazon_owns_buy_box(raw, parse_offers(raw))


def test_seller_id_one_is_not_amazon() -> None:
    raw = {"buyBoxSellerIdHistory": ["8000000", "1"], "offers": [], "liveOffersOrder": []}
    assert not amazon_owns_buy_box(raw, ())


@pytest.mark.parametrize("marker", ["-1", "-2"])
def test_no_buy_box_markers(marker: str, novel: dict[str, Any]) -> None:
    product = parse_product(dict(novel, buyBoxSellerIdHistory=["8107000", marker], stats=None), now=FIXTURE_NOW)
    assert product.buy_box_seller_id is None


def test_historical_amazon_offer_is_not_on_listing() -> None:
    raw = {"offers": [_offer(0, AMAZON_SELLER_ID, [1, 500, 0], amazon=True, last_seen=90),
                      _offer(1, "A2", [1, 400, 0], last_seen=100)],
           "liveOffersOrder": [1], "offersSuccessful": True, "title": "x"}
    assert not parse_product(raw).amazon_on_listing


def test_without_offers_amazon_price_means_amazon_on_listing(textbook: dict[str, Any]) -> None:
    stats = dict(textbook["stats"], current=[15899, *textbook["stats"]["current"][1:]])
    assert parse_product(dict(textbook, stats=stats), now=FIXTURE_NOW).amazon_on_listing
