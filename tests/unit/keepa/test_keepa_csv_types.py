"""The csv index table matches Keepa's CsvType enum, including the indices easy to misread."""

from __future__ import annotations

import pytest

from arbvault.keepa.csv_types import CSV_LENGTH, CsvType

EXPECTED = [
    "AMAZON", "NEW", "USED", "SALES", "LISTPRICE", "COLLECTIBLE", "REFURBISHED", "NEW_FBM_SHIPPING",
    "LIGHTNING_DEAL", "WAREHOUSE", "NEW_FBA", "COUNT_NEW", "COUNT_USED", "COUNT_REFURBISHED", "COUNT_COLLECTIBLE",
    "EXTRA_INFO_UPDATES", "RATING", "COUNT_REVIEWS", "BUY_BOX_SHIPPING", "USED_NEW_SHIPPING",
    "USED_VERY_GOOD_SHIPPING", "USED_GOOD_SHIPPING", "USED_ACCEPTABLE_SHIPPING", "COLLECTIBLE_NEW_SHIPPING",
    "COLLECTIBLE_VERY_GOOD_SHIPPING", "COLLECTIBLE_GOOD_SHIPPING", "COLLECTIBLE_ACCEPTABLE_SHIPPING",
    "REFURBISHED_SHIPPING", "EBAY_NEW_SHIPPING", "EBAY_USED_SHIPPING", "TRADE_IN", "RENT", "BUY_BOX_USED_SHIPPING",
    "PRIME_EXCL", "COUNT_NEW_FBA", "COUNT_NEW_FBM",
]


def test_every_index_has_keepas_name() -> None:
    assert [t.name for t in CsvType] == EXPECTED
    assert [int(t) for t in CsvType] == list(range(CSV_LENGTH)) and CSV_LENGTH == 36


@pytest.mark.parametrize(
    ("kind", "index"),
    [(CsvType.RATING, 16), (CsvType.COUNT_REVIEWS, 17), (CsvType.BUY_BOX_SHIPPING, 18), (CsvType.COUNT_USED, 12),
     (CsvType.EXTRA_INFO_UPDATES, 15)],
)
def test_indices_the_original_misread(kind: CsvType, index: int) -> None:
    assert kind == index


def test_shipping_types_are_triples() -> None:
    triples = {t for t in CsvType if t.has_shipping}
    assert triples == {CsvType(i) for i in (7, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 32)}
    assert all(t.step == 3 for t in triples) and CsvType.NEW.step == 2


def test_price_types_exclude_ranks_counts_and_rating() -> None:
    not_prices = {t for t in CsvType if not t.is_price}
    assert not_prices == {CsvType(i) for i in (3, 11, 12, 13, 14, 15, 16, 17, 34, 35)}


def test_offer_only_types() -> None:
    assert {int(t) for t in CsvType if t.offers_only} == {7, 9, 10, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
                                                          27, 31, 32, 33}
