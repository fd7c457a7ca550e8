"""The 36 Keepa ``csv`` history types, by index, and how each one is laid out.

Indices follow Keepa's own ``Product.CsvType`` enum. Easy to misread: rating is 16, review count 17 and the
buy box 18 (not 15, 16 and 12); the table below is the one to trust.
"""

from __future__ import annotations

from enum import IntEnum


class CsvType(IntEnum):
    """Index of a history in ``product["csv"]`` and of its value in every ``stats`` array."""

    AMAZON = 0
    NEW = 1
    USED = 2
    SALES = 3
    LISTPRICE = 4
    COLLECTIBLE = 5
    REFURBISHED = 6
    NEW_FBM_SHIPPING = 7
    LIGHTNING_DEAL = 8
    WAREHOUSE = 9
    NEW_FBA = 10
    COUNT_NEW = 11
    COUNT_USED = 12
    COUNT_REFURBISHED = 13
    COUNT_COLLECTIBLE = 14
    EXTRA_INFO_UPDATES = 15
    RATING = 16
    COUNT_REVIEWS = 17
    BUY_BOX_SHIPPING = 18
    USED_NEW_SHIPPING = 19
    USED_VERY_GOOD_SHIPPING = 20
    USED_GOOD_SHIPPING = 21
    USED_ACCEPTABLE_SHIPPING = 22
    COLLECTIBLE_NEW_SHIPPING = 23
    COLLECTIBLE_VERY_GOOD_SHIPPING = 24
    COLLECTIBLE_GOOD_SHIPPING = 25
    COLLECTIBLE_ACCEPTABLE_SHIPPING = 26
    REFURBISHED_SHIPPING = 27
    EBAY_NEW_SHIPPING = 28
    EBAY_USED_SHIPPING = 29
    TRADE_IN = 30
    RENT = 31
    BUY_BOX_USED_SHIPPING = 32
    PRIME_EXCL = 33
    COUNT_NEW_FBA = 34
    COUNT_NEW_FBM = 35

    @property
    def is_price(self) -> bool:
        """Values are amounts in the smallest currency unit (cents on .com)."""
        return self in PRICE_TYPES

    @property
    def has_shipping(self) -> bool:
        """Entries are ``[time, price, shipping]`` triples instead of ``[time, value]`` pairs."""
        return self in SHIPPING_TYPES

    @property
    def step(self) -> int:
        """Length of one point in the flat csv list."""
        return 3 if self in SHIPPING_TYPES else 2

    @property
    def offers_only(self) -> bool:
        """Keepa fills this type only when the request fetched live offers (``offers=``)."""
        return self in OFFERS_ONLY_TYPES


CSV_LENGTH = 36

PRICE_TYPES = frozenset({
    CsvType.AMAZON, CsvType.NEW, CsvType.USED, CsvType.LISTPRICE, CsvType.COLLECTIBLE, CsvType.REFURBISHED,
    CsvType.NEW_FBM_SHIPPING, CsvType.LIGHTNING_DEAL, CsvType.WAREHOUSE, CsvType.NEW_FBA,
    CsvType.BUY_BOX_SHIPPING, CsvType.USED_NEW_SHIPPING, CsvType.USED_VERY_GOOD_SHIPPING,
    CsvType.USED_GOOD_SHIPPING, CsvType.USED_ACCEPTABLE_SHIPPING, CsvType.COLLECTIBLE_NEW_SHIPPING,
    CsvType.COLLECTIBLE_VERY_GOOD_SHIPPING, CsvType.COLLECTIBLE_GOOD_SHIPPING,
    CsvType.COLLECTIBLE_ACCEPTABLE_SHIPPING, CsvType.REFURBISHED_SHIPPING, CsvType.EBAY_NEW_SHIPPING,
    CsvType.EBAY_USED_SHIPPING, CsvType.TRADE_IN, CsvType.RENT, CsvType.BUY_BOX_USED_SHIPPING,
    CsvType.PRIME_EXCL,
})

SHIPPING_TYPES = frozenset(t for t in CsvType if t.name.endswith("_SHIPPING"))

OFFERS_ONLY_TYPES = frozenset({
    CsvType.NEW_FBM_SHIPPING, CsvType.WAREHOUSE, CsvType.NEW_FBA, CsvType.EXTRA_INFO_UPDATES, CsvType.RATING,
    CsvType.COUNT_REVIEWS, CsvType.BUY_BOX_SHIPPING, CsvType.USED_NEW_SHIPPING,
    CsvType.USED_VERY_GOOD_SHIPPING, CsvType.USED_GOOD_SHIPPING, CsvType.USED_ACCEPTABLE_SHIPPING,
    CsvType.COLLECTIBLE_NEW_SHIPPING, CsvType.COLLECTIBLE_VERY_GOOD_SHIPPING, CsvType.COLLECTIBLE_GOOD_SHIPPING,
    CsvType.COLLECTIBLE_ACCEPTABLE_SHIPPING, CsvType.REFURBISHED_SHIPPING, CsvType.RENT,
    CsvType.BUY_BOX_USED_SHIPPING, CsvType.PRIME_EXCL,
})
