"""Every stored fixture parses into the exact values its JSON holds."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from keepa_fixtures import FIXTURE_NOW

from arbvault.keepa.csv_types import CsvType
from arbvault.keepa.offers import Condition
from arbvault.keepa.parsing import is_found, parse_product
from arbvault.keepa.product import KeepaProduct

D = Decimal


def test_novel_with_offers(novel: dict[str, Any]) -> None:
    product = parse_product(novel, now=FIXTURE_NOW)
    assert (product.asin, product.isbn13, product.title) == (
        "1739104269", "9781739104269", "The Lantern Cartographer: A Novel")
    assert (product.author, product.publisher, product.binding, product.product_group, product.publication_year) == (
        "Mara Ellison", "Halcyon Street Press", "Paperback", "Book", 2024)
    assert [(c.id, c.name) for c in product.categories] == [
        (283155, "Books"), (25, "Science Fiction & Fantasy"), (16190, "Science Fiction"), (16272, "Time Travel")]
    assert (product.root_category_id, product.root_category_name, product.category_name) == (
        283155, "Books", "Time Travel")
    prices = product.prices
    assert (prices.amazon, prices.new, prices.used, prices.new_fba, prices.new_fbm) == (
        D("14.99"), D("14.52"), D("6.89"), D("14.52"), D("19.74"))
    assert (prices.buy_box, prices.buy_box_used, prices.list_price) == (D("14.99"), D("6.89"), D("18.99"))
    assert (prices.used_like_new, prices.used_very_good, prices.used_good, prices.used_acceptable) == (
        D("8.99"), D("12.99"), D("6.89"), D("11.94"))
    assert (prices.collectible, prices.refurbished) == (None, None)
    assert (product.bsr, product.sales_rank.source, product.sales_rank.confidence) == (38214, "sales_ranks", 0.9)
    assert (product.sales_rank_drops_30, product.sales_rank_drops_90, product.sales_rank_drops_180) == (7, 8, 8)
    assert product.monthly_sold == 100
    counts = product.offer_counts
    assert (counts.new, counts.used, counts.new_fba, counts.new_fbm, counts.fba_third_party, counts.total) == (
        5, 4, 3, 2, 4, 9)
    assert (counts.collectible, counts.refurbished) == (None, None)
    assert product.offers_fetched and len(product.offers) == 10 and len(product.live_offers) == 9
    assert (product.buy_box_seller_id, product.amazon_on_listing, product.amazon_owns_buy_box) == (
        "ATVPDKIKX0DER", True, True)
    assert product.availability_amazon == 0
    assert product.package is not None
    assert (product.package.length_mm, product.package.width_mm, product.package.height_mm,
            product.package.weight_g) == (203, 135, 28, 318)
    assert product.weight_lb == D("0.701")
    assert (product.referral_fee_percent, product.variable_closing_fee, product.fba_pick_and_pack_fee) == (
        D("15.0"), D("1.80"), D("3.06"))
    assert (product.last_update, product.last_price_change, product.tracking_since) == (
        datetime(2026, 5, 31, 23, 13, tzinfo=UTC), datetime(2026, 5, 12, 16, 0, tzinfo=UTC),
        datetime(2024, 2, 20, 14, 6, tzinfo=UTC))


def test_novel_histories_are_oldest_first_without_no_data_points(novel: dict[str, Any]) -> None:
    product = parse_product(novel, now=FIXTURE_NOW)
    assert len(product.bsr_history) == 31
    assert product.bsr_history[0] == (datetime(2024, 3, 12, 7, 0, tzinfo=UTC), 680)
    assert product.bsr_history[-1][1] == 38214
    assert len(product.new_price_history) == 11
    assert product.new_price_history[0] == (datetime(2024, 2, 20, 14, 6, tzinfo=UTC), D("17.99"))
    assert product.new_price_history[-1][1] == D("14.52")
    times = [t for t, _ in product.bsr_history]
    assert times == sorted(times)


def test_novel_stats(novel: dict[str, Any]) -> None:
    stats = parse_product(novel, now=FIXTURE_NOW).stats
    assert stats is not None
    assert stats.value(CsvType.SALES) == 38214 and stats.value(CsvType.SALES, "avg30") == 33157
    assert stats.price(CsvType.NEW, "avg90") == D("15.21") and stats.price(CsvType.NEW, "avg180") == D("15.42")
    assert stats.value(CsvType.RATING) == 46 and stats.value(CsvType.COUNT_REVIEWS) == 1064
    assert stats.value(CsvType.COLLECTIBLE) is None
    assert stats.min[CsvType.NEW] == (datetime(2025, 11, 28, 6, 0, tzinfo=UTC), 1199)
    assert stats.max[CsvType.COLLECTIBLE] is None
    assert stats.out_of_stock_percentage_90[CsvType.AMAZON] == 9
    assert (stats.buy_box_price, stats.buy_box_shipping, stats.buy_box_seller_id) == (D("14.99"), D("0.00"),
                                                                                      "ATVPDKIKX0DER")
    assert (stats.buy_box_is_amazon, stats.buy_box_is_fba, stats.buy_box_is_used) == (True, True, False)
    assert (stats.offer_count_fba, stats.offer_count_fbm, stats.retrieved_offer_count) == (4, 4, 9)
    assert (stats.buy_box_used_price, stats.buy_box_used_shipping) == (D("6.89"), D("0.00"))
    assert stats.last_offers_update == datetime(2026, 5, 31, 23, 13, tzinfo=UTC)
    assert [(s.seller_id, s.percentage_won, s.avg_price) for s in stats.buy_box_stats] == [
        ("ATVPDKIKX0DER", D("90.79"), D("15.46")), ("A3KXQ2T7VN0E5P", D("9.21"), D("15.62"))]


def test_used_buy_box_is_landed_and_falls_back_to_the_current_csv_value(novel: dict[str, Any]) -> None:
    raw = copy.deepcopy(novel)
    raw["stats"].update(buyBoxUsedPrice=689, buyBoxUsedShipping=399)
    assert parse_product(raw, now=FIXTURE_NOW).prices.buy_box_used == D("10.88")  # 6.89 + 3.99
    raw["stats"].update(buyBoxUsedPrice=-2, buyBoxUsedShipping=-2)  # not collected: stats.current[32] instead
    raw["stats"]["current"][CsvType.BUY_BOX_USED_SHIPPING] = 725
    assert parse_product(raw, now=FIXTURE_NOW).prices.buy_box_used == D("7.25")


def test_textbook_without_offers(textbook: dict[str, Any]) -> None:
    product = parse_product(textbook, now=FIXTURE_NOW)
    assert (product.asin, product.isbn13, product.author, product.publication_year) == (
        "1639584722", "9781639584727", "Idris Okonkwo-Hale", 2021)
    assert product.category_name == "Earth Sciences"
    prices = product.prices
    assert (prices.amazon, prices.new, prices.used, prices.list_price) == (None, D("167.75"), D("84.25"),
                                                                          D("199.99"))
    assert (prices.buy_box, prices.new_fba, prices.new_fbm) == (None, None, None)  # -2 / -1: not collected
    assert (product.bsr, product.sales_rank.source, product.sales_rank.confidence) == (61250, "sales_ranks", 0.9)
    assert (product.sales_rank_drops_30, product.sales_rank_drops_90, product.sales_rank_drops_180) == (3, 4, 4)
    assert (product.offer_counts.new, product.offer_counts.used, product.offer_counts.total) == (6, 10, 16)
    assert product.offer_counts.fba_third_party is None
    assert (product.offers, product.offers_fetched, product.buy_box_seller_id) == ((), False, None)
    assert (product.amazon_on_listing, product.amazon_owns_buy_box, product.availability_amazon) == (False, False, -1)
    assert product.weight_lb == D("3.501") and product.fba_pick_and_pack_fee == D("5.12")
    assert product.monthly_sold is None
    assert product.stats is not None and product.stats.buy_box_price is None and product.stats.buy_box_stats == ()


def test_paperback_never_sold_by_amazon(paperback: dict[str, Any]) -> None:
    product = parse_product(paperback, now=FIXTURE_NOW)
    assert (product.asin, product.isbn13, product.binding, product.publication_year) == (
        "0972351868", "9780972351867", "Mass Market Paperback", 1998)
    prices = product.prices
    assert (prices.amazon, prices.new, prices.used, prices.collectible, prices.list_price) == (
        None, None, D("3.95"), D("59.95"), D("6.99"))
    rank = product.sales_rank
    assert (rank.value, rank.source, rank.confidence, rank.valid) == (1_184_000, "sales_ranks", 0.5, True)
    counts = product.offer_counts
    assert (counts.new, counts.used, counts.collectible, counts.total) == (0, 9, 1, 10)
    assert (product.sales_rank_drops_30, product.sales_rank_drops_90) == (0, 0)
    assert product.weight_lb == D("0.280") and product.fba_pick_and_pack_fee is None
    assert product.category_name == "Baking" and not product.amazon_on_listing


def test_without_stats_current_values_come_from_csv(novel: dict[str, Any]) -> None:
    raw = {k: v for k, v in novel.items() if k != "stats"}
    product = parse_product(raw, now=FIXTURE_NOW)
    assert product.stats is None
    assert (product.prices.new, product.prices.amazon, product.prices.buy_box) == (D("14.52"), D("14.99"),
                                                                                  D("14.99"))
    assert (product.offer_counts.new, product.offer_counts.used, product.offer_counts.total) == (5, 4, 9)


def test_history_zero_gives_empty_histories(textbook: dict[str, Any]) -> None:
    raw = dict(textbook, csv=None, salesRanks=None)
    product = parse_product(raw, now=FIXTURE_NOW)
    assert product.bsr_history == () and product.new_price_history == ()
    assert (product.bsr, product.sales_rank.source) == (61250, "current")


def test_unknown_fields_are_ignored(paperback: dict[str, Any]) -> None:
    product = parse_product(dict(paperback, launchpad=True, g=7, salesRankDisplayGroup="book_display_on_website"))
    assert isinstance(product, KeepaProduct) and product.asin == "0972351868"


@pytest.mark.parametrize(
    ("raw", "found"),
    [
        ({"asin": "B000000000", "productType": 4, "title": None, "csv": None}, False),
        ({"asin": "B000000000", "productType": 3, "title": "Gone"}, False),
        ({"asin": "B000000000", "productType": 0, "title": None, "csv": None}, False),
        ({"asin": "B000000000", "productType": 0, "title": "Real"}, True),
    ],
)
def test_is_found(raw: dict[str, Any], found: bool) -> None:
    assert is_found(raw) is found


def test_placeholder_parses_without_errors() -> None:
    product = parse_product({"asin": "B000000000", "domainId": 1, "productType": 4, "title": None, "csv": None})
    assert (product.bsr, product.prices.new, product.offers, product.package) == (None, None, (), None)


def test_offer_conditions_of_the_novel(novel: dict[str, Any]) -> None:
    offers = parse_product(novel, now=FIXTURE_NOW).offers
    assert [o.condition for o in offers] == [Condition(c) for c in (1, 1, 1, 1, 1, 2, 3, 4, 5, 4)]


# The csv index each field reads, as Keepa's CsvType enum numbers them (restated here, not imported: the test
# checks parsing against Keepa's numbering, not against our own table).
PRICE_TYPES = {"amazon": 0, "new": 1, "used": 2, "list_price": 4, "collectible": 5, "refurbished": 6, "new_fbm": 7,
               "new_fba": 10, "buy_box": 18, "used_like_new": 19, "used_very_good": 20, "used_good": 21,
               "used_acceptable": 22, "buy_box_used": 32}
COUNT_TYPES = {"new": 11, "used": 12, "refurbished": 13, "collectible": 14, "new_fba": 34, "new_fbm": 35}


@pytest.mark.parametrize("with_stats", [True, False])
def test_each_price_and_count_reads_its_own_type(with_stats: bool) -> None:
    # A distinct value per type (1000 + index), from stats.current or else from each series' newest point.
    if with_stats:
        raw: dict[str, Any] = {"stats": {"current": [1000 + kind for kind in range(36)], "totalOfferCount": 7}}
    else:
        raw = {"csv": [[8_000_000, 1000 + kind] + ([0] if CsvType(kind).has_shipping else []) for kind in range(36)]}
    product = parse_product(raw, now=FIXTURE_NOW)
    assert {name: getattr(product.prices, name) for name in PRICE_TYPES} == {
        name: D(1000 + kind) / 100 for name, kind in PRICE_TYPES.items()}
    assert {name: getattr(product.offer_counts, name) for name in COUNT_TYPES} == {
        name: 1000 + kind for name, kind in COUNT_TYPES.items()}
    assert product.offer_counts.total == (7 if with_stats else 4050)  # else the four condition counts summed
