"""Stats parsing: short arrays pad with -1, not-collected buy-box fields read as None."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from arbvault.keepa.csv_types import CsvType
from arbvault.keepa.stats import ExtremePoints, parse_stats


def test_no_stats_block_is_none() -> None:
    assert parse_stats(None) is None and parse_stats({}) is None


def test_short_and_malformed_arrays_pad_with_no_data() -> None:
    stats = parse_stats({"current": [2499, 2999, 1999, 1234], "avg30": [None, True, 5], "min": [[8000000, 10], None]})
    assert stats is not None
    assert len(stats.current) == 36 and stats.value(CsvType.SALES) == 1234
    assert stats.value(CsvType.NEW_FBA) is None
    assert stats.value(CsvType.AMAZON, "avg30") is None and stats.value(CsvType.NEW, "avg30") is None
    assert stats.value(CsvType.USED, "avg30") == 5
    assert stats.price(CsvType.AMAZON) == Decimal("24.99")
    assert stats.min[0] is not None and stats.min[0][1] == 10 and stats.min[1] is None and len(stats.min) == 36


def test_not_collected_buy_box_fields(textbook: dict[str, Any]) -> None:
    stats = parse_stats(textbook["stats"])
    assert stats is not None
    assert (stats.buy_box_price, stats.buy_box_shipping, stats.buy_box_seller_id, stats.buy_box_is_amazon) == (
        None, None, None, None)
    assert (stats.offer_count_fba, stats.retrieved_offer_count, stats.last_offers_update) == (None, None, None)
    assert stats.buy_box_landed_price is None
    assert stats.total_offer_count == 16


def test_buy_box_landed_price_adds_shipping() -> None:
    stats = parse_stats({"current": [], "buyBoxPrice": 1500, "buyBoxShipping": 399})
    assert stats is not None and stats.buy_box_landed_price == Decimal("18.99")


ARRAYS = {"avg": "avg", "avg30": "avg30", "avg90": "avg90", "avg180": "avg180", "avg365": "avg365",
          "at_interval_start": "atIntervalStart", "out_of_stock_percentage_30": "outOfStockPercentage30",
          "out_of_stock_percentage_90": "outOfStockPercentage90"}
EXTREMES = {"min": "min", "max": "max", "min_in_interval": "minInInterval", "max_in_interval": "maxInInterval"}


def test_arrays_read_after_parsing_are_the_converted_raw_arrays(novel: dict[str, Any]) -> None:
    raw = novel["stats"]
    stats = parse_stats(raw)
    assert stats is not None
    for name, key in ARRAYS.items():
        values = getattr(stats, name)
        assert type(values) is tuple and len(values) == 36, name
        assert values == tuple((raw.get(key) or []) + [-1] * (36 - len(raw.get(key) or []))), name
        assert getattr(stats, name) is values  # converted once
    for name, key in EXTREMES.items():
        assert getattr(stats, name) == ExtremePoints(raw.get(key)), name
    assert stats.value(CsvType.NEW, "avg90") == raw["avg90"][CsvType.NEW]


def test_stats_compare_and_print_every_array() -> None:
    one = parse_stats({"current": [1], "avg90": [5, 6], "min": [[8_000_000, 7]]})
    assert one == parse_stats({"current": [1], "avg90": [5, 6, -1], "min": [[8_000_000, 7], None]})
    assert one != parse_stats({"current": [1], "avg90": [5, 7], "min": [[8_000_000, 7]]})
    assert one != parse_stats({"current": [1], "avg90": [5, 6], "min": [[8_000_000, 8]]})
    assert one is not None and "avg90=(5, 6, -1," in repr(one) and "min=((datetime.datetime(2026, 3, 18" in repr(one)
