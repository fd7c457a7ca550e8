"""Keepa: the wire-protocol client and pure parsing of its product objects into typed values.

Parsing, values and errors import nothing heavy; the client names (which import httpx) load on first use,
so ``arbvault.web`` can map Keepa errors without putting httpx on every function's cold start.

Example::

    from arbvault.keepa import get_keepa_client

    lookup = get_keepa_client().get_products(["1739104269", "9781639584727"], stats=90)
    product = lookup.found["1739104269"]
    product.prices.buy_box, product.sales_rank, lookup.balance.tokens_left
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from arbvault.keepa.csv_types import CSV_LENGTH, CsvType
from arbvault.keepa.exceptions import (
    KeepaError,
    KeepaRequestError,
    KeepaUnavailableError,
    TokensExhaustedError,
)
from arbvault.keepa.offers import AMAZON_SELLER_ID, Condition, Offer, parse_offers
from arbvault.keepa.parsing import is_found, parse_product
from arbvault.keepa.product import CategoryNode, KeepaProduct, OfferCounts, PackageDimensions, Prices
from arbvault.keepa.results import (
    BestSellers,
    FinderResult,
    KeepaCategory,
    ProductLookup,
    RawProductLookup,
)
from arbvault.keepa.sales_rank import SalesRank, extract_sales_rank, rank_confidence
from arbvault.keepa.stats import BuyBoxShare, ExtremePoints, KeepaStats, parse_stats
from arbvault.keepa.time import (
    KEEPA_EPOCH_OFFSET_MINUTES,
    datetime_to_keepa_minutes,
    keepa_minutes_to_datetime,
)
from arbvault.keepa.tokens import TokenBalance
from arbvault.keepa.units import cents_to_decimal, grams_to_pounds

if TYPE_CHECKING:
    from arbvault.keepa.client import KeepaClient, RetryPolicy, get_keepa_client, reset_keepa_client

_LAZY = {"KeepaClient", "RetryPolicy", "get_keepa_client", "reset_keepa_client"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module("arbvault.keepa.client"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AMAZON_SELLER_ID",
    "CSV_LENGTH",
    "KEEPA_EPOCH_OFFSET_MINUTES",
    "BestSellers",
    "BuyBoxShare",
    "CategoryNode",
    "Condition",
    "CsvType",
    "ExtremePoints",
    "FinderResult",
    "KeepaCategory",
    "KeepaClient",
    "KeepaError",
    "KeepaProduct",
    "KeepaRequestError",
    "KeepaStats",
    "KeepaUnavailableError",
    "Offer",
    "OfferCounts",
    "PackageDimensions",
    "Prices",
    "ProductLookup",
    "RawProductLookup",
    "RetryPolicy",
    "SalesRank",
    "TokenBalance",
    "TokensExhaustedError",
    "cents_to_decimal",
    "datetime_to_keepa_minutes",
    "extract_sales_rank",
    "get_keepa_client",
    "grams_to_pounds",
    "is_found",
    "keepa_minutes_to_datetime",
    "parse_offers",
    "parse_product",
    "parse_stats",
    "rank_confidence",
    "reset_keepa_client",
]
