"""``parse_product``: a raw Keepa product object into a ``KeepaProduct`` (pure; no I/O).

Current values come from ``stats.current`` when the request had ``stats=``, else from the newest csv point;
the buy box prefers ``stats.buyBoxPrice`` + ``buyBoxShipping`` (collected with ``offers=``/``buybox=``), the used
buy box ``stats.buyBoxUsedPrice`` + ``buyBoxUsedShipping`` (``offers=``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from arbvault.identifiers import is_valid_isbn13
from arbvault.keepa.csv_types import CsvType
from arbvault.keepa.history import count_history, last_value, price_history
from arbvault.keepa.offers import amazon_on_listing, amazon_owns_buy_box_given, buy_box_seller_id, parse_offers
from arbvault.keepa.product import CategoryNode, KeepaProduct, OfferCounts, PackageDimensions, Prices
from arbvault.keepa.sales_rank import extract_sales_rank
from arbvault.keepa.stats import KeepaStats, parse_stats
from arbvault.keepa.time import keepa_minutes_to_datetime
from arbvault.keepa.units import cents_to_decimal

# Product types Keepa uses for ASINs it cannot describe (3 UNACCESSIBLE, 4 INVALID).
UNUSABLE_PRODUCT_TYPES = frozenset({3, 4})

_PRICE_TYPES: dict[str, CsvType] = {
    "amazon": CsvType.AMAZON, "new": CsvType.NEW, "used": CsvType.USED, "new_fba": CsvType.NEW_FBA,
    "new_fbm": CsvType.NEW_FBM_SHIPPING, "buy_box": CsvType.BUY_BOX_SHIPPING,
    "buy_box_used": CsvType.BUY_BOX_USED_SHIPPING, "list_price": CsvType.LISTPRICE,
    "collectible": CsvType.COLLECTIBLE, "refurbished": CsvType.REFURBISHED,
    "used_like_new": CsvType.USED_NEW_SHIPPING, "used_very_good": CsvType.USED_VERY_GOOD_SHIPPING,
    "used_good": CsvType.USED_GOOD_SHIPPING, "used_acceptable": CsvType.USED_ACCEPTABLE_SHIPPING,
}
"""The csv type each ``Prices`` field reads."""
_COUNT_TYPES = (CsvType.COUNT_NEW, CsvType.COUNT_USED, CsvType.COUNT_COLLECTIBLE, CsvType.COUNT_REFURBISHED,
                CsvType.COUNT_NEW_FBA, CsvType.COUNT_NEW_FBM)


def is_found(raw: Mapping[str, Any]) -> bool:
    """The product object describes a real product (not an invalid/unaccessible placeholder)."""
    if raw.get("productType") in UNUSABLE_PRODUCT_TYPES:
        return False
    return raw.get("title") is not None or bool(raw.get("csv"))


def _current(raw: Mapping[str, Any], stats: KeepaStats | None, kinds: Iterable[CsvType]) -> list[int | None]:
    """Each type's current value: ``stats.current`` when Keepa computed stats, else the newest csv point."""
    if stats is None:
        return [last_value(raw, kind) for kind in kinds]
    current = stats.current  # read directly: ``stats.value`` costs a getattr per type (20 types per product)
    return [value if (value := current[kind]) >= 0 else None for kind in kinds]


def _prices(raw: Mapping[str, Any], stats: KeepaStats | None) -> Prices:
    current = _current(raw, stats, _PRICE_TYPES.values())
    prices = {name: cents_to_decimal(cents) for name, cents in zip(_PRICE_TYPES, current, strict=True)}
    if stats is not None:
        prices["buy_box"] = stats.buy_box_landed_price
        prices["buy_box_used"] = stats.buy_box_used_landed_price
    return Prices(**prices)


def _offer_counts(raw: Mapping[str, Any], stats: KeepaStats | None) -> OfferCounts:
    new, used, collectible, refurbished, new_fba, new_fbm = _current(raw, stats, _COUNT_TYPES)
    total = stats.total_offer_count if stats is not None else None
    if total is None and any(c is not None for c in (new, used, collectible, refurbished)):
        total = sum(c or 0 for c in (new, used, collectible, refurbished))
    fba_third_party = stats.offer_count_fba if stats is not None else None
    return OfferCounts(new=new, used=used, collectible=collectible, refurbished=refurbished, new_fba=new_fba,
                       new_fbm=new_fbm, fba_third_party=fba_third_party, total=total)


def _positive(value: Any) -> int | None:
    is_int = type(value) is int or (isinstance(value, int) and not isinstance(value, bool))
    return value if is_int and value > 0 else None


def _package(raw: Mapping[str, Any]) -> PackageDimensions | None:
    get = raw.get
    dimensions = {"length_mm": _positive(get("packageLength")), "width_mm": _positive(get("packageWidth")),
                  "height_mm": _positive(get("packageHeight")), "weight_g": _positive(get("packageWeight"))}
    return PackageDimensions(**dimensions) if any(v is not None for v in dimensions.values()) else None


def _categories(raw: Mapping[str, Any]) -> tuple[CategoryNode, ...]:
    nodes = []
    for node in raw.get("categoryTree") or []:
        if node.get("catId") is not None and node.get("name"):
            nodes.append(CategoryNode(int(node["catId"]), str(node["name"])))
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
    get = raw.get
    stats = parse_stats(get("stats"))
    offers = parse_offers(raw)
    prices = _prices(raw, stats)
    categories = _categories(raw)
    ean_list = tuple(map(str, get("eanList") or []))
    fba_fees = get("fbaFees") or {}
    leaf_name = categories[-1].name if categories else (get("productGroup") or get("binding"))
    availability = get("availabilityAmazon")
    seller = buy_box_seller_id(raw)
    return KeepaProduct(
        asin=str(get("asin") or ""),
        domain_id=int(get("domainId") or 1),
        product_type=int(get("productType") or 0),
        title=get("title"),
        isbn13=next((ean for ean in ean_list if is_valid_isbn13(ean)), None),
        ean_list=ean_list,
        author=_author(raw),
        publisher=get("manufacturer") or get("publisher"),
        binding=get("binding"),
        product_group=get("productGroup"),
        publication_year=_publication_year(raw),
        categories=categories,
        root_category_id=_positive(get("rootCategory")) or (categories[0].id if categories else None),
        root_category_name=categories[0].name if categories else None,
        category_name=leaf_name,
        prices=prices,
        sales_rank=extract_sales_rank(raw, now=now),
        sales_rank_drops_30=stats.sales_rank_drops_30 if stats else None,
        sales_rank_drops_90=stats.sales_rank_drops_90 if stats else None,
        sales_rank_drops_180=stats.sales_rank_drops_180 if stats else None,
        monthly_sold=_positive(get("monthlySold")),
        offer_counts=_offer_counts(raw, stats),
        offers=offers,
        offers_fetched=bool(get("offersSuccessful")) and get("offers") is not None,
        buy_box_seller_id=seller,
        amazon_on_listing=amazon_on_listing(raw, offers, prices.amazon),
        amazon_owns_buy_box=amazon_owns_buy_box_given(seller, raw, offers),
        availability_amazon=availability if isinstance(availability, int) else None,
        package=_package(raw),
        referral_fee_percent=_fee_percent(raw),
        variable_closing_fee=cents_to_decimal(get("variableClosingFee")),
        fba_pick_and_pack_fee=cents_to_decimal(fba_fees.get("pickAndPackFee")),
        bsr_history=count_history(raw, CsvType.SALES),
        new_price_history=price_history(raw, CsvType.NEW),
        stats=stats,
        last_update=keepa_minutes_to_datetime(_positive(get("lastUpdate"))),
        last_price_change=keepa_minutes_to_datetime(_positive(get("lastPriceChange"))),
        tracking_since=keepa_minutes_to_datetime(_positive(get("trackingSince"))),
    )
