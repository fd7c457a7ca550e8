"""Strategic views over a list of products: ranked and filtered per view, and target sell prices per view."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from arbvault.engine.money import HUNDRED, ZERO, round_half_up
from arbvault.engine.strategic import (
    STRATEGIC_VIEWS,
    StrategicScore,
    StrategicView,
    ViewKey,
    opportunity_grade,
    opportunity_score,
    strategic_score,
)
from arbvault.engine.targets import SellTarget, target_sell_price, view_roi_target
from arbvault.views.scoring import UnknownViewError
from arbvault.views.signals import ProductSignals, product_signals

if TYPE_CHECKING:
    from arbvault.catalog.fetch_options import FetchOptions
    from arbvault.identifiers import Identifier
    from arbvault.views.products import AnalysedProduct

# Views as their URL names.
VIEW_PATHS: dict[str, ViewKey] = {key.replace("_", "-"): key for key in STRATEGIC_VIEWS}


def strategic_view_of(path_name: str) -> StrategicView:
    """The view named ``path_name`` (``profit-hunter``, ...); ``UnknownViewError`` (404) listing the five."""
    key = VIEW_PATHS.get(path_name)
    if key is None:
        raise UnknownViewError(path_name, list(VIEW_PATHS))
    return STRATEGIC_VIEWS[key]



class TargetSummary(TypedDict):
    """The figures over every product of a target-price answer."""

    total_products: int
    achievable_opportunities: int
    achievable_percentage: Decimal | None
    avg_target_price: Decimal | None
    avg_strategic_score: Decimal | None
    total_potential_profit: Decimal

@dataclass(frozen=True)
class StrategicProduct:
    """One product as a strategic view sees it."""

    analysed: AnalysedProduct
    signals: ProductSignals
    score: StrategicScore
    opportunity_score: Decimal | None
    opportunity_grade: str | None
    cashflow_potential: Decimal | None

    def sort_value(self, view: StrategicView) -> Decimal | None:
        profit = self.analysed.analysis.profit
        monthly = self.signals.sales.monthly
        values = {"roi_pct": profit.roi_pct if profit is not None else None,
                  "monthly_sales": Decimal(monthly) if monthly is not None else None,
                  "cashflow_potential": self.cashflow_potential,
                  "opportunity_score": self.opportunity_score}
        return values[view.sort_by]


def strategic_product(view: StrategicView, analysed: AnalysedProduct) -> StrategicProduct:
    signals = product_signals(analysed)
    profit = analysed.analysis.profit
    opportunity = grade = cashflow = None
    if profit is not None:
        opportunity = opportunity_score(profit.roi_pct, signals.sales.monthly, profit.net_profit)
        grade = opportunity_grade(opportunity)
        if signals.sales.monthly is not None:
            cashflow = round_half_up(signals.sales.monthly * profit.net_profit)
    score = strategic_score(view, signals.inputs, risk_weights=analysed.config.analytics.strategic_risk_weights)
    return StrategicProduct(analysed, signals, score, opportunity, grade, cashflow)


@dataclass(frozen=True)
class ViewFilters:
    """Absent filters do not restrict; a product whose value is unknown does not pass a filter on it."""

    roi_min: Decimal | None = None
    sales_min: int | None = None
    velocity_tiers: Collection[str] | None = None

    def passes(self, product: StrategicProduct) -> bool:
        profit = product.analysed.analysis.profit
        sales = product.signals.sales
        if self.roi_min is not None and (profit is None or profit.roi_pct < self.roi_min):
            return False
        if self.sales_min is not None and (sales.monthly is None or sales.monthly < self.sales_min):
            return False
        return not self.velocity_tiers or sales.tier in self.velocity_tiers


@dataclass(frozen=True)
class StrategicRanking:
    view: StrategicView
    analysed_count: int
    matched: int
    products: list[StrategicProduct]
    not_found: tuple[str, ...]
    tokens_consumed: int
    snapshot_hits: int


def rank_for_view(view: StrategicView, products: Sequence[StrategicProduct]) -> list[StrategicProduct]:
    """Best first by the view's sort value; products without one last (request order among equals)."""
    valued = [(value, p) for p in products if (value := p.sort_value(view)) is not None]
    unknown = [p for p in products if p.sort_value(view) is None]
    return [p for _, p in sorted(valued, key=lambda pair: pair[0], reverse=True)] + unknown


def strategic_ranking(path_name: str, identifiers: Sequence[Identifier], *, filters: ViewFilters, limit: int,
                      buy_price: Decimal | None, strategy: str | None, domain_id: int,
                      options: FetchOptions, buy_condition: str | None = None) -> StrategicRanking:
    """The products ranked for the view, filtered, at most ``limit``."""
    from arbvault.views.products import analyse_products  # the catalog and the engine: only a ranking loads them

    view = strategic_view_of(path_name)
    lookup = analyse_products(identifiers, domain_id=domain_id, buy_price=buy_price, buy_condition=buy_condition,
                              strategy=strategy, options=options)
    products = [strategic_product(view, analysed) for analysed in lookup.products]
    matching = rank_for_view(view, [p for p in products if filters.passes(p)])
    return StrategicRanking(view, len(products), len(matching), matching[:limit], lookup.not_found,
                            lookup.tokens_consumed, lookup.snapshot_hits)


@dataclass(frozen=True)
class TargetPrice:
    """A product's target sell price for the view (``None`` with ``error`` when it cannot be computed)."""

    product: StrategicProduct
    target: SellTarget | None
    error: str | None


@dataclass(frozen=True)
class ExcludedProduct:
    asin: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class TargetPrices:
    view: StrategicView
    roi_target: Decimal
    products: list[TargetPrice]
    amazon_filter: bool
    excluded: list[ExcludedProduct]
    not_found: tuple[str, ...]
    tokens_consumed: int
    snapshot_hits: int

    @property
    def achievable(self) -> list[TargetPrice]:
        return [p for p in self.products if p.target is not None and p.target.achievable]

    def summary(self) -> TargetSummary:
        priced = [p.target.target_price for p in self.products if p.target is not None]
        scores = [s for p in self.products if (s := p.product.score.score) is not None]
        profits = [p.product.analysed.analysis.profit.net_profit for p in self.achievable
                   if p.product.analysed.analysis.profit is not None]
        count = len(self.products)
        return {
            "total_products": count,
            "achievable_opportunities": len(self.achievable),
            "achievable_percentage": round_half_up(Decimal(len(self.achievable)) / count * HUNDRED, 1)
            if count else None,
            "avg_target_price": round_half_up(sum(priced, ZERO) / len(priced)) if priced else None,
            "avg_strategic_score": round_half_up(sum(scores, ZERO) / len(scores)) if scores else None,
            "total_potential_profit": round_half_up(sum(profits, ZERO)),
        }


def _target(view: StrategicView, product: StrategicProduct) -> TargetPrice:
    """The view's target sell price under the engine's cost model at the product's sell price: the costs that
    do not scale with the price (closing, fulfilment, inbound, prep, storage over the strategy's holding time)
    added to the buy price, and every cost that is a share of the price (referral, buffer, returns) taken as
    the rate the target is grossed up by."""
    analysis, config = product.analysed.analysis, product.analysed.config
    profit = analysis.profit
    if analysis.sell_price is None:
        return TargetPrice(product, None, "no current sell price")
    if profit is None or profit.buy_price <= 0:
        return TargetPrice(product, None, "no buy price")
    costs = profit.costs
    price_share = (config.fees[analysis.fee_category].referral_pct + config.buffer_pct + config.returns_pct) / HUNDRED
    target = target_sell_price(profit.buy_price, fba_fee=costs.closing + costs.fulfilment + costs.inbound + costs.prep,
                               storage_fee=costs.storage, roi_target=view_roi_target(view.key),
                               referral_rate=price_share, market_price=analysis.sell_price)
    return TargetPrice(product, target, None)


def target_prices(path_name: str, identifiers: Sequence[Identifier], *, amazon_filter: bool,
                  buy_price: Decimal | None, strategy: str | None, domain_id: int,
                  options: FetchOptions, buy_condition: str | None = None) -> TargetPrices:
    """Each product's target sell price for the view's ROI target, after leaving out (with ``amazon_filter``)
    the products Amazon competes on; best strategic score first."""
    from arbvault.views.products import analyse_products  # the catalog and the engine: only a pricing loads them

    view = strategic_view_of(path_name)
    lookup = analyse_products(identifiers, domain_id=domain_id, buy_price=buy_price, buy_condition=buy_condition,
                              strategy=strategy, options=options)
    kept: list[StrategicProduct] = []
    excluded: list[ExcludedProduct] = []
    for analysed in lookup.products:
        product = strategic_product(view, analysed)
        reasons = product.signals.amazon_reasons
        if amazon_filter and reasons:
            excluded.append(ExcludedProduct(analysed.analysis.asin, reasons))
        else:
            kept.append(product)
    kept.sort(key=lambda p: (p.score.score is not None, p.score.score or ZERO), reverse=True)
    return TargetPrices(view, view_roi_target(view.key), [_target(view, p) for p in kept], amazon_filter,
                        excluded, lookup.not_found, lookup.tokens_consumed, lookup.snapshot_hits)
