"""``KeepaProduct``: everything the analysis engine needs from one Keepa product object, typed.

``parsing.parse_product`` builds it from the raw JSON object.

Money is ``Decimal`` dollars (cents / 100); Keepa's "no data" markers (-1, -2, null) become ``None``.
Histories are ``(datetime, value)`` tuples, oldest first, with the no-data points left out. Only the two the
engine reads are parsed (sales rank, new price); ``history.count_history``/``price_history`` date any other.

The parse results are plain (not frozen) slots dataclasses, treated as read-only (why: ``bench/NOTES.md``).
Nothing hashes them (non-frozen dataclasses with ``eq`` are unhashable).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from arbvault.keepa.offers import Offer
from arbvault.keepa.sales_rank import SalesRank
from arbvault.keepa.stats import KeepaStats
from arbvault.keepa.units import grams_to_pounds, millimetres_to_inches

PricePoint = tuple[datetime, Decimal]
CountPoint = tuple[datetime, int]


@dataclass(slots=True)
class CategoryNode:
    """One node of ``categoryTree`` (root first). Read-only."""

    id: int
    name: str


@dataclass(slots=True)
class Prices:
    """Current prices in dollars; types with a shipping component are landed (price + shipping). Read-only."""

    amazon: Decimal | None = None
    new: Decimal | None = None
    used: Decimal | None = None
    new_fba: Decimal | None = None
    new_fbm: Decimal | None = None
    buy_box: Decimal | None = None
    buy_box_used: Decimal | None = None
    list_price: Decimal | None = None
    collectible: Decimal | None = None
    refurbished: Decimal | None = None
    used_like_new: Decimal | None = None
    used_very_good: Decimal | None = None
    used_good: Decimal | None = None
    used_acceptable: Decimal | None = None


@dataclass(slots=True)
class OfferCounts:
    """Current offer counts; ``None`` when Keepa did not report the count. Read-only."""

    new: int | None = None
    used: int | None = None
    collectible: int | None = None
    refurbished: int | None = None
    new_fba: int | None = None
    """New FBA offers including Amazon's own (csv 34)."""
    new_fbm: int | None = None
    fba_third_party: int | None = None
    """Third-party FBA offers (``stats.offerCountFBA``; only with ``offers=``)."""
    total: int | None = None


@dataclass(slots=True)
class PackageDimensions:
    """Package size as Keepa reports it (millimetres, grams); ``None`` where unknown. Read-only."""

    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    weight_g: int | None

    @property
    def weight_lb(self) -> Decimal | None:
        """Weight in pounds, to 0.001 lb."""
        return grams_to_pounds(self.weight_g)

    @property
    def length_in(self) -> Decimal | None:
        return millimetres_to_inches(self.length_mm)

    @property
    def width_in(self) -> Decimal | None:
        return millimetres_to_inches(self.width_mm)

    @property
    def height_in(self) -> Decimal | None:
        return millimetres_to_inches(self.height_mm)


@dataclass(slots=True)
class KeepaProduct:
    """One parsed Keepa product (see ``parse_product``); treated as read-only, as are its parts."""

    asin: str
    domain_id: int
    product_type: int
    title: str | None
    isbn13: str | None
    """First valid ISBN-13 in ``eanList`` (Keepa has no ``isbn`` field)."""
    ean_list: tuple[str, ...]
    author: str | None
    publisher: str | None
    binding: str | None
    product_group: str | None
    publication_year: int | None
    categories: tuple[CategoryNode, ...]
    """``categoryTree``, root first."""
    root_category_id: int | None
    root_category_name: str | None
    category_name: str | None
    """The leaf (most specific) category name, else the root's, else ``productGroup``/``binding``."""
    prices: Prices
    sales_rank: SalesRank
    sales_rank_drops_30: int | None
    sales_rank_drops_90: int | None
    sales_rank_drops_180: int | None
    monthly_sold: int | None
    offer_counts: OfferCounts
    offers: tuple[Offer, ...]
    """Every offer Keepa returned, historical ones included; see ``live_offers``."""
    offers_fetched: bool
    """The request used ``offers=`` and Keepa fetched them (``offersSuccessful``)."""
    buy_box_seller_id: str | None
    amazon_on_listing: bool
    amazon_owns_buy_box: bool
    availability_amazon: int | None
    package: PackageDimensions | None
    referral_fee_percent: Decimal | None
    variable_closing_fee: Decimal | None
    fba_pick_and_pack_fee: Decimal | None
    bsr_history: tuple[CountPoint, ...]
    new_price_history: tuple[PricePoint, ...]
    stats: KeepaStats | None
    last_update: datetime | None
    last_price_change: datetime | None
    tracking_since: datetime | None

    @property
    def bsr(self) -> int | None:
        """The best sales rank value (``sales_rank.value``)."""
        return self.sales_rank.value

    @property
    def weight_lb(self) -> Decimal | None:
        """Package weight in pounds, ``None`` when Keepa has no weight."""
        return self.package.weight_lb if self.package else None

    @property
    def live_offers(self) -> tuple[Offer, ...]:
        """Offers currently listed (in ``liveOffersOrder``)."""
        return tuple(offer for offer in self.offers if offer.is_live)

