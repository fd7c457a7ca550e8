"""Market signals read from a product's Keepa data for the strategic views: seller counts, Amazon's presence
and Buy Box share, and the strategic score's inputs. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from arbvault.engine.strategic import (
    SalesEstimate,
    StrategicInputs,
    demand_consistency,
    price_volatility,
    sales_estimate,
)
from arbvault.keepa.csv_types import CsvType
from arbvault.keepa.history import points, series
from arbvault.keepa.offers import AMAZON_SELLER_ID, Condition

if TYPE_CHECKING:
    from arbvault.keepa.product import KeepaProduct
    from arbvault.views.products import AnalysedProduct

AmazonReason = Literal["AMAZON_OWNS_BUY_BOX", "AMAZON_ON_LISTING", "AMAZON_IN_STOCK", "AMAZON_RECENT_PRICE",
                       "AMAZON_RECENT_BUY_BOX"]
RECENT_AMAZON_PRICES: Final = 20  # newest points of Amazon's own price history looked at
RECENT_BUY_BOX_WINNERS: Final = 30  # newest entries of the Buy Box seller history looked at


@dataclass(frozen=True)
class SellerCounts:
    """New-condition sellers now and how many of them ship FBA (``None`` where Keepa gave no count)."""

    sellers: int | None
    fba_sellers: int | None
    source: Literal["offers", "offer_counts"]


def seller_counts(product: KeepaProduct) -> SellerCounts:
    """From the live offers when the lookup fetched them, else from Keepa's current offer counts."""
    if product.offers_fetched:
        live = [offer for offer in product.live_offers if offer.condition == Condition.NEW]
        return SellerCounts(len({o.seller_id for o in live}), len({o.seller_id for o in live if o.is_fba}),
                            "offers")
    counts = product.offer_counts
    return SellerCounts(counts.new, counts.new_fba, "offer_counts")


def amazon_buy_box_share(product: KeepaProduct) -> Decimal | None:
    """Amazon's share (percent) of the Buy Box over the stats window; ``None`` when Keepa sent no Buy Box stats."""
    shares = product.stats.buy_box_stats if product.stats is not None else ()
    if not shares:
        return None
    return next((share.percentage_won for share in shares if share.seller_id == AMAZON_SELLER_ID), Decimal(0))


def _recent_amazon_winner(raw: Mapping[str, Any]) -> bool:
    history = raw.get("buyBoxSellerIdHistory") or []
    winners = history[1::2][-RECENT_BUY_BOX_WINNERS:]
    return AMAZON_SELLER_ID in winners


def _recent_amazon_price(raw: Mapping[str, Any]) -> bool:
    recent = points(series(raw, CsvType.AMAZON), CsvType.AMAZON)[-RECENT_AMAZON_PRICES:]
    return any(value > 0 for _, value in recent)


def amazon_presence(product: KeepaProduct, raw: Mapping[str, Any]) -> tuple[AmazonReason, ...]:
    """Why Amazon competes on this listing (empty when it does not): it holds the Buy Box or sells now, is in
    stock, had a price among its last 20 points, won the Buy Box recently or holds a share of it."""
    share = amazon_buy_box_share(product)
    checks: tuple[tuple[AmazonReason, bool], ...] = (
        ("AMAZON_OWNS_BUY_BOX", product.amazon_owns_buy_box),
        ("AMAZON_ON_LISTING", product.amazon_on_listing),
        ("AMAZON_IN_STOCK", product.availability_amazon is not None and product.availability_amazon >= 0),
        ("AMAZON_RECENT_PRICE", _recent_amazon_price(raw)),
        ("AMAZON_RECENT_BUY_BOX", _recent_amazon_winner(raw) or (share is not None and share > 0)),
    )
    return tuple(reason for reason, present in checks if present)


@dataclass(frozen=True)
class ProductSignals:
    """Everything a strategic view reads about one product besides its analysis."""

    sales: SalesEstimate
    sellers: SellerCounts
    amazon_buy_box_share_pct: Decimal | None
    amazon_reasons: tuple[AmazonReason, ...]
    inputs: StrategicInputs


def product_signals(analysed: AnalysedProduct) -> ProductSignals:
    """The strategic inputs of one analysed product, each from its own Keepa data."""
    product, analysis = analysed.product, analysed.analysis
    sales = sales_estimate(product.sales_rank_drops_30, product.sales_rank_drops_90, bsr=analysis.bsr,
                           root_category=product.root_category_name)
    sellers = seller_counts(product)
    profit = analysis.profit
    velocity = analysis.velocity
    inputs = StrategicInputs(
        roi_pct=profit.roi_pct if profit is not None else None,
        net_profit=profit.net_profit if profit is not None else None,
        velocity=velocity.score if velocity.sales_source != "none" else None,
        monthly_sales=sales.monthly,
        seller_count=sellers.sellers,
        amazon_owns_buy_box=product.amazon_owns_buy_box,
        volatility=price_volatility([price for _, price in product.new_price_history]),
        demand_consistency=demand_consistency(analysis.bsr, velocity.benchmark),
        engine_confidence=Decimal(analysis.confidence.score),
    )
    return ProductSignals(sales, sellers, amazon_buy_box_share(product),
                          amazon_presence(product, analysed.raw), inputs)
