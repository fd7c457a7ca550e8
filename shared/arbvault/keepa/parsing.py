"""``parse_product``: a raw Keepa product object into a ``KeepaProduct`` (pure; no I/O).

Current values come from ``stats.current`` when the request had ``stats=``, else from the newest csv point;
the buy box prefers ``stats.buyBoxPrice`` + ``buyBoxShipping`` (collected with ``offers=``/``buybox=``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from arbvault.identifiers import is_valid_isbn13
from arbvault.keepa.csv_types import CsvType
from arbvault.keepa.history import count_history, last_value, price_history
from arbvault.keepa.offers import amazon_on_listing, amazon_owns_buy_box, buy_box_seller_id, parse_offers
from arbvault.keepa.product import CategoryNode, KeepaProduct, OfferCounts, PackageDimensions, Prices
from arbvault.keepa.sales_rank import extract_sales_rank
from arbvault.keepa.stats import KeepaStats, parse_stats
from arbvault.keepa.time import keepa_minutes_to_datetime
from arbvault.keepa.units import cents_to_decimal

# Product types Keepa uses for ASINs it cannot describe (3 UNACCESSIBLE, 4 INVALID).
UNUSABLE_PRODUCT_TYPES = frozenset({3, 4})
_NO_PACKAGE = PackageDimensions(None, None, None, None)


def is_found(raw: Mapping[str, Any]) -> bool:
    """The product object describes a real product (not an invalid/unaccessible placeholder)."""
    if raw.get("productType") in UNUSABLE_PRODUCT_TYPES:
        return False
    return raw.get("title") is not None or bool(raw.get("csv"))


def _current(raw: Mapping[str, Any], stats: KeepaStats | None) -> Callable[[CsvType], int | None]:
    """Reads a type's current value: ``stats.current`` when Keepa computed stats, else the newest csv point."""
    if stats is None:
        return partial(last_value, raw)
    current = stats.current  # read directly: ``stats.value`` costs a getattr per type (20 types per product)
    return lambda kind: current[kind] if current[kind] >= 0 else None


def _prices(raw: Mapping[str, Any], stats: KeepaStats | None) -> Prices:
    current = _current(raw, stats)

    def price(kind: CsvType) -> Decimal | None:
        return cents_to_decimal(current(kind))

    buy_box = stats.buy_box_landed_price if stats is not None else price(CsvType.BUY_BOX_SHIPPING)
    return Prices(
        amazon=price(CsvType.AMAZON), new=price(CsvType.NEW), used=price(CsvType.USED),
        new_fba=price(CsvType.NEW_FBA), new_fbm=price(CsvType.NEW_FBM_SHIPPING), buy_box=buy_box,
        buy_box_used=price(CsvType.BUY_BOX_USED_SHIPPING), list_price=price(CsvType.LISTPRICE),
        collectible=price(CsvType.COLLECTIBLE), refurbished=price(CsvType.REFURBISHED),
        used_like_new=price(CsvType.USED_NEW_SHIPPING), used_very_good=price(CsvType.USED_VERY_GOOD_SHIPPING),
        used_good=price(CsvType.USED_GOOD_SHIPPING), used_acceptable=price(CsvType.USED_ACCEPTABLE_SHIPPING),
    )


def _offer_counts(raw: Mapping[str, Any], stats: KeepaStats | None) -> OfferCounts:
    count = _current(raw, stats)
    counts = [count(kind) for kind in (CsvType.COUNT_NEW, CsvType.COUNT_USED, CsvType.COUNT_COLLECTIBLE,
                                       CsvType.COUNT_REFURBISHED)]
    total = stats.total_offer_count if stats is not None else None
    if total is None and any(c is not None for c in counts):
        total = sum(c or 0 for c in counts)
    return OfferCounts(
        new=counts[0], used=counts[1], collectible=counts[2], refurbished=counts[3],
        new_fba=count(CsvType.COUNT_NEW_FBA), new_fbm=count(CsvType.COUNT_NEW_FBM),
        fba_third_party=stats.offer_count_fba if stats is not None else None, total=total,
    )


def _positive(value: Any) -> int | None:
    is_int = type(value) is int or (isinstance(value, int) and not isinstance(value, bool))
    return value if is_int and value > 0 else None


def _package(raw: Mapping[str, Any]) -> PackageDimensions | None:
    package = PackageDimensions(
        length_mm=_positive(raw.get("packageLength")), width_mm=_positive(raw.get("packageWidth")),
        height_mm=_positive(raw.get("packageHeight")), weight_g=_positive(raw.get("packageWeight")),
    )
    return None if package == _NO_PACKAGE else package


def _categories(raw: Mapping[str, Any]) -> tuple[CategoryNode, ...]:
    nodes = []
    for node in raw.get("categoryTree") or []:
        if node.get("catId") is not None and node.get("name"):
            nodes.append(CategoryNode(id=int(node["catId"]), name=str(node["name"])))
    return tuple(nodes)


def _publication_year(raw: Mapping[str, Any]) -> int | None:
    # YYYY, YYYYMM or YYYYMMDD; -1 or 0 when unknown.
    value = _positive(raw.get("publicationDate"))
    if value is None:
        return None
    text = str(value)
    return int(text[:4]) if len(text) in (4, 6, 8) else None


def _author(raw: Mapping[str, Any]) -> str | None:
    for entry in raw.get("contributors") or []:
        if len(entry) >= 2 and entry[1] == "author" and entry[0]:
            return str(entry[0])
    return raw.get("author") or None


def _fee_percent(raw: Mapping[str, Any]) -> Decimal | None:
    value = raw.get("referralFeePercentage")
    if value is None:
        value = raw.get("referralFeePercent")
    if value is None or value < 0:
        return None
    return Decimal(str(value))


def parse_product(raw: Mapping[str, Any], *, now: datetime | None = None) -> KeepaProduct:
    """Parse one raw product object; pure (``now`` only decides whether the newest csv rank is "recent").

    Example::

        product = parse_product(response["products"][0])
        product.prices.buy_box, product.sales_rank.value, product.weight_lb
    """
    stats = parse_stats(raw.get("stats"))
    offers = parse_offers(raw)
    prices = _prices(raw, stats)
    categories = _categories(raw)
    ean_list = tuple(str(ean) for ean in raw.get("eanList") or [])
    fba_fees = raw.get("fbaFees") or {}
    leaf_name = categories[-1].name if categories else (raw.get("productGroup") or raw.get("binding"))
    availability = raw.get("availabilityAmazon")
    return KeepaProduct(
        asin=str(raw.get("asin") or ""),
        domain_id=int(raw.get("domainId") or 1),
        product_type=int(raw.get("productType") or 0),
        title=raw.get("title"),
        isbn13=next((ean for ean in ean_list if is_valid_isbn13(ean)), None),
        ean_list=ean_list,
        author=_author(raw),
        publisher=raw.get("manufacturer") or raw.get("publisher"),
        binding=raw.get("binding"),
        product_group=raw.get("productGroup"),
        publication_year=_publication_year(raw),
        categories=categories,
        root_category_id=_positive(raw.get("rootCategory")) or (categories[0].id if categories else None),
        root_category_name=categories[0].name if categories else None,
        category_name=leaf_name,
        prices=prices,
        sales_rank=extract_sales_rank(raw, now=now),
        sales_rank_drops_30=stats.sales_rank_drops_30 if stats else None,
        sales_rank_drops_90=stats.sales_rank_drops_90 if stats else None,
        sales_rank_drops_180=stats.sales_rank_drops_180 if stats else None,
        monthly_sold=_positive(raw.get("monthlySold")),
        offer_counts=_offer_counts(raw, stats),
        offers=offers,
        offers_fetched=bool(raw.get("offersSuccessful")) and raw.get("offers") is not None,
        buy_box_seller_id=buy_box_seller_id(raw),
        amazon_on_listing=amazon_on_listing(raw, offers, prices.amazon),
        amazon_owns_buy_box=amazon_owns_buy_box(raw, offers),
        availability_amazon=availability if isinstance(availability, int) else None,
        package=_package(raw),
        referral_fee_percent=_fee_percent(raw),
        variable_closing_fee=cents_to_decimal(raw.get("variableClosingFee")),
        fba_pick_and_pack_fee=cents_to_decimal(fba_fees.get("pickAndPackFee")),
        bsr_history=count_history(raw, CsvType.SALES),
        new_price_history=price_history(raw, CsvType.NEW),
        stats=stats,
        last_update=keepa_minutes_to_datetime(_positive(raw.get("lastUpdate"))),
        last_price_change=keepa_minutes_to_datetime(_positive(raw.get("lastPriceChange"))),
        tracking_since=keepa_minutes_to_datetime(_positive(raw.get("trackingSince"))),
    )
