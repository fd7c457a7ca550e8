"""Analyse one Keepa product under one business-rules document: every number the API returns, in one result.

Steps: pick the strategy (requested, else by price and rank), choose the buy price (a caller's price wins, else
the strategy's buy source: by default the cheapest live offer in an allowed condition) and the sell price in the
condition bought, charge the category's fees at the product's weight and the holding costs (storage over the
strategy's holding days, returns), then profit/ROI (unknown without both prices), the most to pay for the
target ROI, velocity, the advanced scores with the product's real data age, the verdict (recommendation,
rating, summary, risks from one table) and what each offer condition would return. Money leaves rounded to
cents; comparisons use the unrounded values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from arbvault.engine.conditions import BUY_CONDITIONS
from arbvault.engine.config_view import EngineConfig, FeeSchedule, Rating, Strategy
from arbvault.engine.exceptions import InvalidPriceError
from arbvault.engine.fees import FeeBreakdown, amazon_fees, fee_schedule
from arbvault.engine.money import ZERO, pct_of, round_half_up
from arbvault.engine.profit import ProfitMetrics, holding_costs, net_and_roi, profit_metrics
from arbvault.engine.rules_document import read_config
from arbvault.engine.scores import Score, confidence, data_age_days, price_stability, velocity_trend
from arbvault.engine.strategy import (
    SELECTION_SOURCE,
    BuyOption,
    BuyPriceSource,
    MarketPrices,
    PriceField,
    SourcedPrice,
    choose_prices,
    named_strategy,
    price_from,
    select_strategy,
    sell_price,
)
from arbvault.engine.targets import max_buy_price
from arbvault.engine.velocity import Velocity, VelocityTier, benchmark_for, velocity_score, velocity_tier
from arbvault.engine.verdict import RatingInputs, Recommendation, ScoreLevels, combined_score, decide
from arbvault.keepa.csv_types import CsvType
from arbvault.keepa.offers import Condition

if TYPE_CHECKING:
    from arbvault.keepa.offers import Offer
    from arbvault.keepa.product import KeepaProduct

# The buy conditions as offer-condition enum members, in the rules' order: an offer is tested by a dict lookup
# (IntEnum hashes as its int) rather than through the enum's ``name`` property.
_ACQUISITION_NAMES = {Condition[name.upper()]: name for name in BUY_CONDITIONS}
_ROI = attrgetter("roi_pct")


@dataclass
class ConditionOption:
    """Buying the cheapest live offer of one condition (landed price) and selling at the strategy's sell price
    for that condition (conditions without one are left out).

    Read-only (not frozen: see ``Analysis``).
    """

    condition: str
    buy_price: Decimal
    offers: int
    net_profit: Decimal
    roi_pct: Decimal
    profitable: bool


@dataclass
class Analysis:
    """One product's analysis. Money in dollars (cents), rates in percent (2 dp), scores 0-100.

    Fees and the max buy prices are None without a sell price; profit is None (ROI unknown) without a buy price
    or a sell price. ``buy_condition`` is the condition of the copy bought (``used`` when Keepa's lowest used
    price stood in, grade unknown); without a buy price, the strategy's default condition the sell price is for.

    Read-only, like every result the engine builds, though not frozen (see ``bench/NOTES.md``): nothing hashes
    or mutates them.
    """

    asin: str
    title: str | None
    category: str | None
    root_category: str | None
    fee_category: str
    bsr: int | None
    bsr_source: str
    bsr_confidence: float
    strategy: str
    strategy_auto_selected: bool
    prices: MarketPrices
    sell_price: Decimal | None
    sell_price_source: PriceField | None
    buy_price: Decimal | None
    buy_price_source: BuyPriceSource | None
    buy_condition: str
    fees: FeeBreakdown | None
    profit: ProfitMetrics | None
    target_roi_pct: Decimal
    max_buy_price: Decimal | None
    breakeven_buy_price: Decimal | None
    velocity: Velocity
    velocity_tier: VelocityTier
    velocity_trend: Score
    stability: Score
    confidence: Score
    data_age_days: Decimal | None
    overall_rating: Rating
    primary_issue: str | None
    summary: str
    risk_factors: tuple[str, ...]
    recommendation: Recommendation
    combined_score: Decimal
    amazon_on_listing: bool
    amazon_owns_buy_box: bool
    condition_options: tuple[ConditionOption, ...]
    best_condition: str | None
    analyzed_at: datetime


def _cents(value: Decimal | None) -> Decimal | None:
    return round_half_up(value) if value is not None else None


def _live_offers(offers: tuple[Offer, ...]) -> tuple[dict[str, list[Decimal]], Decimal | None]:
    """Landed prices of the live offers per buy condition, and the cheapest live used FBA offer."""
    by_condition: dict[str, list[Decimal]] = {}
    used_fba: Decimal | None = None
    for offer in offers:
        # The live ones (what ``KeepaProduct.live_offers`` lists), tested here rather than gathered into a tuple.
        name = _ACQUISITION_NAMES.get(offer.condition) if offer.is_live else None
        if name is not None:
            landed = offer.landed_price
            if landed is not None and landed > 0:
                by_condition.setdefault(name, []).append(landed)
                if offer.is_fba and offer.condition.is_used and (used_fba is None or landed < used_fba):
                    used_fba = landed
    return by_condition, used_fba


def market_prices(product: KeepaProduct, used_fba: Decimal | None = None) -> MarketPrices:
    """The product's current prices (and the 90-day average Buy Box) as the strategies read them; ``used_fba`` is
    the cheapest live used FBA offer (``_live_offers``)."""
    avg90 = product.stats.price(CsvType.BUY_BOX_SHIPPING, "avg90") if product.stats is not None else None
    current = product.prices
    return MarketPrices(
        buy_box=current.buy_box,
        buy_box_avg90=avg90,
        fba=current.new_fba,
        new=current.new,
        used=current.used,
        buy_box_used=current.buy_box_used,
        used_fba=used_fba,
    )


def _condition_options(by_condition: Mapping[str, list[Decimal]], prices: MarketPrices, strategy: Strategy,
                       costs_at: Mapping[Decimal, Decimal], buffer_pct: Decimal) -> tuple[ConditionOption, ...]:
    options = []
    assert strategy.sell_price_source is not None
    for name in BUY_CONDITIONS:
        landed = by_condition.get(name)
        sell = sell_price(strategy.sell_price_source, name, prices) if landed else None
        if landed and sell is not None:
            cheapest = min(landed)
            # Net and ROI only: the full metrics (margin, tier, a dataclass) were most of an option's cost.
            net, roi = net_and_roi(sell.price, cheapest, costs=costs_at[sell.price] + pct_of(sell.price, buffer_pct))
            options.append(ConditionOption(
                condition=name,
                buy_price=round_half_up(cheapest),
                offers=len(landed),
                net_profit=round_half_up(net),
                roi_pct=round_half_up(roi),
                profitable=net > 0,
            ))
    return tuple(options)


def _missing_price(buy: BuyOption | None, sell: SourcedPrice | None) -> str:
    if buy is None and sell is None:
        return "no buy or sell price"
    return "no buy price" if buy is None else "no sell price"


def check_buy(buy_price: Decimal | None, buy_condition: str | None) -> None:
    """Raise ``InvalidPriceError`` for a negative buy price or an unknown buy condition."""
    if buy_price is not None and buy_price < 0:
        raise InvalidPriceError("buy price must not be negative",
                                details=[{"field": "buy_price", "message": "must not be negative"}])
    if buy_condition is not None and buy_condition not in BUY_CONDITIONS:
        raise InvalidPriceError(f"unknown buy condition {buy_condition!r}",
                                details=[{"field": "buy_condition",
                                          "message": f"must be one of {', '.join(BUY_CONDITIONS)}"}])


def analyze(product: KeepaProduct, rules: EngineConfig | Mapping[str, Any], *, now: datetime,
            buy_price: Decimal | None = None, buy_condition: str | None = None,
            strategy: str | None = None) -> Analysis:
    """Analyse ``product`` under ``rules`` (a business-rules document, or one already read by ``read_config``).

    ``now`` is the analysis time (data age and the trend window count from it). ``buy_price`` is what the
    caller would pay, for a copy in ``buy_condition`` (default: the strategy's default condition);
    ``strategy`` forces a strategy instead of auto-selection. Raises ``RulesConfigError`` for unusable rules,
    ``UnknownStrategyError`` for a strategy without price sources and ``InvalidPriceError`` for a negative buy
    price or an unknown buy condition (all 422).
    """
    check_buy(buy_price, buy_condition)
    config = rules if isinstance(rules, EngineConfig) else read_config(rules)
    bsr = product.bsr
    by_condition, used_fba = _live_offers(product.offers)
    prices = market_prices(product, used_fba)
    names = (product.root_category_name, product.category_name)
    if strategy is not None:
        chosen = named_strategy(strategy, config)
    else:
        selection = price_from(SELECTION_SOURCE, prices)
        chosen = select_strategy(selection.price if selection else None, bsr, config)
    cheapest = ({name: min(landed) for name, landed in by_condition.items()}
                if by_condition or product.offers_fetched else None)
    buy, sell, condition = choose_prices(chosen, prices, cheapest, requested=buy_price,
                                         requested_condition=buy_condition)
    fee_category, schedule = fee_schedule(config, names)

    costs_at = _CostsBySellPrice(config, schedule, fee_category, product.weight_lb, chosen.holding_days)
    fees = costs_at.fees(sell.price) if sell is not None else None
    max_buy = breakeven = profit = None
    if sell is not None and fees is not None:
        storage, returns = costs_at.holding(sell.price)
        if buy is not None:
            profit = profit_metrics(sell.price, buy.price, fees=fees, buffer_pct=config.buffer_pct, rules=config.roi,
                                    storage=storage, returns=returns)
        total = costs_at[sell.price]
        max_buy = max_buy_price(sell.price, total, target_roi_pct=config.roi.target_pct, buffer_pct=config.buffer_pct)
        breakeven = max_buy_price(sell.price, total, target_roi_pct=ZERO, buffer_pct=config.buffer_pct)
    options = _condition_options(by_condition, prices, chosen, costs_at, config.buffer_pct)

    velocity = velocity_score(bsr, rules=config.velocity, benchmark=benchmark_for(config.velocity, names),
                              drops30=product.sales_rank_drops_30, drops90=product.sales_rank_drops_90,
                              drops180=product.sales_rank_drops_180)
    trend = velocity_trend(product.bsr_history, now=now, rules=config.advanced)
    new_prices = [price for _, price in product.new_price_history if price > 0]
    stability = price_stability(new_prices, rules=config.advanced)
    age = data_age_days(product.last_update, now)
    trust = confidence(age_days=age, price_points=len(new_prices), has_bsr=bool(product.bsr_history) or bsr is not None,
                       rules=config.advanced)
    roi = profit.roi_pct if profit is not None else None
    measures = RatingInputs(roi, velocity.score, Decimal(stability.score), Decimal(trust.score))
    levels = ScoreLevels(config.advanced.velocity_levels.level(velocity.score), stability.level, trust.level)
    verdict = decide(measures, profitable=profit is not None and profit.profitable, levels=levels,
                     amazon_on_listing=product.amazon_on_listing, config=config,
                     missing_price=_missing_price(buy, sell))
    rounded = profit.rounded() if profit is not None else None  # its sell and buy prices are the cents ones too
    return Analysis(
        asin=product.asin,
        title=product.title,
        category=product.category_name,
        root_category=product.root_category_name,
        fee_category=fee_category,
        bsr=bsr,
        bsr_source=product.sales_rank.source,
        bsr_confidence=product.sales_rank.confidence,
        strategy=chosen.name,
        strategy_auto_selected=strategy is None,
        prices=prices,
        sell_price=round_half_up(sell.price) if sell is not None else None,
        sell_price_source=sell.field if sell is not None else None,
        buy_price=round_half_up(buy.price) if buy is not None else None,
        buy_price_source=buy.source if buy is not None else None,
        buy_condition=condition,
        fees=fees.rounded() if fees is not None else None,
        profit=rounded,
        target_roi_pct=config.roi.target_pct,
        max_buy_price=round_half_up(max_buy) if max_buy is not None else None,
        breakeven_buy_price=round_half_up(breakeven) if breakeven is not None else None,
        velocity=velocity,
        velocity_tier=velocity_tier(velocity, config.velocity),
        velocity_trend=trend,
        stability=stability,
        confidence=trust,
        data_age_days=round_half_up(age, 2) if age is not None else None,
        overall_rating=verdict.rating,
        primary_issue=verdict.primary_issue,
        summary=verdict.summary,
        risk_factors=verdict.risk_factors,
        recommendation=verdict.recommendation,
        combined_score=combined_score(roi_pct=roi, velocity=velocity.score, config=config),
        amazon_on_listing=product.amazon_on_listing,
        amazon_owns_buy_box=product.amazon_owns_buy_box,
        condition_options=options,
        best_condition=max(options, key=_ROI).condition if options else None,
        analyzed_at=now,
    )


class _CostsBySellPrice(dict[Decimal, Decimal]):
    """Every cost but the buffer (fees, storage over the strategy's holding days, returns) by sell price, each
    computed once (an analysis sells new and used copies at up to two prices)."""

    def __init__(self, config: EngineConfig, schedule: FeeSchedule, category: str, weight_lb: Decimal | None,
                 holding_days: Decimal) -> None:
        super().__init__()
        self._schedule, self._category, self._weight = schedule, category, weight_lb
        self._storage_rate, self._returns_pct = config.storage_per_unit_month, config.returns_pct
        self._days = holding_days
        self._fees: dict[Decimal, FeeBreakdown] = {}

    def fees(self, sell: Decimal) -> FeeBreakdown:
        found = self._fees.get(sell)
        if found is None:
            found = self._fees[sell] = amazon_fees(sell, self._schedule, category=self._category,
                                                   weight_lb=self._weight)
        return found

    def holding(self, sell: Decimal) -> tuple[Decimal, Decimal]:
        """(storage, returns) of one unit sold at ``sell``."""
        return holding_costs(sell, storage_per_unit_month=self._storage_rate, days=self._days,
                             returns_pct=self._returns_pct)

    def __missing__(self, sell: Decimal) -> Decimal:
        storage, returns = self.holding(sell)
        total = self[sell] = self.fees(sell).total + storage + returns  # summed once per price
        return total
