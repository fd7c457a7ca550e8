"""Analyse one Keepa product under one business-rules document: every number the API returns, in one result.

Steps: pick the strategy (requested, else by price and rank), read its sell and buy prices (a caller's buy
price wins; with no buy price at all, the price that meets the strategy's ROI floor is used and labelled so),
charge the category's fees at the product's weight and the holding costs (storage over the strategy's
holding days, returns), then profit/ROI, the most to pay for the target ROI, velocity, the advanced scores
with the product's real data age, rating, recommendation and what each offer condition would return. Money leaves rounded to cents; comparisons use the unrounded values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal

from arbvault.analysis.config_view import EngineConfig, FeeSchedule, Strategy, read_config
from arbvault.analysis.exceptions import InvalidPriceError
from arbvault.analysis.fees import FeeBreakdown, amazon_fees, fee_schedule
from arbvault.analysis.money import ZERO, round_half_up
from arbvault.analysis.profit import ProfitMetrics, holding_costs, net_and_roi, profit_metrics
from arbvault.analysis.recommendation import PASS_LABEL, Recommendation, combined_score, recommend
from arbvault.analysis.scores import (
    Rating,
    RatingInputs,
    Score,
    confidence,
    data_age_days,
    overall_rating,
    price_stability,
    primary_issue,
    risk_factors,
    summary,
    velocity_trend,
)
from arbvault.analysis.strategy import (
    SELECTION_SOURCE,
    MarketPrices,
    PriceField,
    SourcedPrice,
    named_strategy,
    price_from,
    select_strategy,
    strategy_prices,
)
from arbvault.analysis.targets import max_buy_price, purchase_cost
from arbvault.analysis.velocity import Velocity, VelocityTier, benchmark_for, velocity_score, velocity_tier
from arbvault.keepa import Condition, CsvType

if TYPE_CHECKING:
    from arbvault.keepa import KeepaProduct, Offer

BuyPriceSource = Literal["requested", "strategy_target"] | PriceField
# Conditions a reseller buys in, as named on the wire enum; collectible and refurbished are left out.
ACQUISITION_CONDITIONS = ("NEW", "USED_LIKE_NEW", "USED_VERY_GOOD", "USED_GOOD", "USED_ACCEPTABLE")
# The same conditions as enum members, in that order, with their output names: an offer is tested by a dict
# lookup (IntEnum hashes as its int) rather than through the enum's ``name`` property.
_ACQUISITION_NAMES = {Condition[name]: name.lower() for name in ACQUISITION_CONDITIONS}
_ROI = attrgetter("roi_pct")


@dataclass
class ConditionOption:
    """Buying the cheapest live offer of one condition (landed price) and selling at the analysis sell price.

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

    Profit fields are None when the product has no current sell price (no Buy Box, FBA or new offer).

    Read-only, like every result the engine builds, though not frozen: a frozen dataclass sets each field
    through ``object.__setattr__``, four times slower than a plain one, and an analysis builds some 150 fields.
    Nothing hashes or mutates them. The engine builds them with positional arguments, in field order: called
    with keywords, a class first packs them into a dict and unpacks it again for ``__init__``; for the 38
    fields here that was 3 % of the instructions of an analysis and its row.
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


def market_prices(product: KeepaProduct) -> MarketPrices:
    """The product's current prices (and the 90-day average Buy Box) as the strategies read them."""
    avg90 = product.stats.price(CsvType.BUY_BOX_SHIPPING, "avg90") if product.stats is not None else None
    current = product.prices
    # Fields in order (see Analysis on positional construction): buy_box, buy_box_avg90, fba, new, used.
    return MarketPrices(current.buy_box, avg90, current.new_fba, current.new, current.used)


def _condition_options(offers: tuple[Offer, ...], sell: Decimal, costs: Decimal) -> tuple[ConditionOption, ...]:
    by_condition: dict[Condition, list[Decimal]] = {}
    for offer in offers:
        # The live ones (what ``KeepaProduct.live_offers`` lists), tested here rather than gathered into a tuple.
        if offer.is_live and offer.condition in _ACQUISITION_NAMES:
            landed = offer.landed_price
            if landed is not None and landed > 0:
                by_condition.setdefault(offer.condition, []).append(landed)
    options = []
    for condition, name in _ACQUISITION_NAMES.items():
        prices = by_condition.get(condition)
        if prices:
            cheapest = min(prices)
            # Net and ROI only: the full metrics (margin, tier, a dataclass) were most of an option's cost.
            net, roi = net_and_roi(sell, cheapest, costs=costs)
            options.append(ConditionOption(name, round_half_up(cheapest), len(prices), round_half_up(net),
                                           round_half_up(roi), net > 0))
    return tuple(options)


@dataclass
class _Pricing:
    """The money side of an analysis, unrounded; absent entirely without a sell price."""

    fees: FeeBreakdown
    buy_price: Decimal
    buy_source: BuyPriceSource
    profit: ProfitMetrics
    max_buy: Decimal
    breakeven: Decimal
    options: tuple[ConditionOption, ...]


def _pricing(product: KeepaProduct, config: EngineConfig, *, sell: SourcedPrice, strategy: Strategy,
             strategy_buy: SourcedPrice | None, buy_price: Decimal | None, fee_category: str,
             schedule: FeeSchedule) -> _Pricing:
    fees = amazon_fees(sell.price, schedule, category=fee_category, weight_lb=product.weight_lb)
    storage, returns = holding_costs(sell.price, storage_per_unit_month=config.storage_per_unit_month,
                                     days=strategy.holding_days, returns_pct=config.returns_pct)
    total = fees.total + storage + returns  # every cost but the buffer, which the price targets add themselves
    source: BuyPriceSource
    if buy_price is not None:
        source = "requested"
    elif strategy_buy is not None:
        buy_price, source = strategy_buy.price, strategy_buy.field
    else:
        buy_price = purchase_cost(sell.price, total, config=config, strategy=strategy.name)
        source = "strategy_target"
    profit = profit_metrics(sell.price, buy_price, fees=fees, buffer_pct=config.buffer_pct, rules=config.roi,
                            storage=storage, returns=returns)
    max_buy = max_buy_price(sell.price, total, target_roi_pct=config.roi.target_pct, buffer_pct=config.buffer_pct)
    breakeven = max_buy_price(sell.price, total, target_roi_pct=ZERO, buffer_pct=config.buffer_pct)
    options = _condition_options(product.offers, sell.price, profit.costs.total)
    return _Pricing(fees, buy_price, source, profit, max_buy, breakeven, options)  # fields in order


def analyze(product: KeepaProduct, rules: EngineConfig | Mapping[str, Any], *, now: datetime,
            buy_price: Decimal | None = None, strategy: str | None = None) -> Analysis:
    """Analyse ``product`` under ``rules`` (a business-rules document, or one already read by ``read_config``).

    ``now`` is the analysis time (data age and the trend window count from it). ``buy_price`` is what the
    caller would pay; ``strategy`` forces a strategy instead of auto-selection. Raises ``RulesConfigError``
    for unusable rules, ``UnknownStrategyError`` for a strategy without price sources and
    ``InvalidPriceError`` for a negative buy price (all 422).
    """
    if buy_price is not None and buy_price < 0:
        raise InvalidPriceError("buy price must not be negative",
                                details=[{"field": "buy_price", "message": "must not be negative"}])
    config = rules if isinstance(rules, EngineConfig) else read_config(rules)
    bsr = product.bsr
    prices = market_prices(product)
    names = (product.root_category_name, product.category_name)
    if strategy is not None:
        chosen = named_strategy(strategy, config)
    else:
        selection = price_from(SELECTION_SOURCE, prices)
        chosen = select_strategy(selection.price if selection else None, bsr, config)
    sell, strategy_buy = strategy_prices(chosen, prices)
    fee_category, schedule = fee_schedule(config, names)

    money = (_pricing(product, config, sell=sell, strategy=chosen, strategy_buy=strategy_buy, buy_price=buy_price,
                      fee_category=fee_category, schedule=schedule) if sell is not None else None)
    profit = money.profit if money is not None else None

    velocity = velocity_score(bsr, rules=config.velocity, benchmark=benchmark_for(config.velocity, names),
                              drops30=product.sales_rank_drops_30, drops90=product.sales_rank_drops_90,
                              drops180=product.sales_rank_drops_180)
    trend = velocity_trend(product.bsr_history, now=now, rules=config.advanced)
    new_prices = [price for _, price in product.new_price_history if price > 0]
    stability = price_stability(new_prices, rules=config.advanced)
    age = data_age_days(product.last_update, now)
    trust = confidence(age_days=age, price_points=len(new_prices), has_bsr=bool(product.bsr_history) or bsr is not None,
                       rules=config.advanced)
    roi = profit.roi_pct if profit is not None else ZERO
    measures = RatingInputs(roi, velocity.score, Decimal(stability.score), Decimal(trust.score))
    rating = overall_rating(measures, config)
    issue = primary_issue(measures, config)  # the summary template may name it whatever the rating
    velocity_level = config.advanced.velocity_levels.level(velocity.score)
    recommendation = (recommend(roi_pct=roi, velocity=velocity.score, profitable=profit.profitable, config=config)
                      if profit is not None else Recommendation(PASS_LABEL, "no current sell price", None))
    rounded = profit.rounded() if profit is not None else None  # its sell and buy prices are the cents ones too
    text = summary(rating, measures, velocity_level=velocity_level, stability_level=stability.level,
                   confidence_level=trust.level, config=config, issue=issue)
    risks = tuple(risk_factors(measures, amazon_on_listing=product.amazon_on_listing, config=config))
    return Analysis(  # positional, in field order (see Analysis)
        product.asin,  # asin
        product.title,  # title
        product.category_name,  # category
        product.root_category_name,  # root_category
        fee_category,  # fee_category
        bsr,  # bsr
        product.sales_rank.source,  # bsr_source
        product.sales_rank.confidence,  # bsr_confidence
        chosen.name,  # strategy
        strategy is None,  # strategy_auto_selected
        prices,  # prices
        rounded.sell_price if rounded else None,  # sell_price
        sell.field if sell else None,  # sell_price_source
        rounded.buy_price if rounded else _cents(buy_price),  # buy_price
        money.buy_source if money else "requested" if buy_price is not None else None,  # buy_price_source
        money.fees.rounded() if money else None,  # fees
        rounded,  # profit
        config.roi.target_pct,  # target_roi_pct
        round_half_up(money.max_buy) if money else None,  # max_buy_price
        round_half_up(money.breakeven) if money else None,  # breakeven_buy_price
        velocity,  # velocity
        velocity_tier(velocity, config.velocity),  # velocity_tier
        trend,  # velocity_trend
        stability,  # stability
        trust,  # confidence
        round_half_up(age, 2) if age is not None else None,  # data_age_days
        rating,  # overall_rating
        issue if rating == "PASS" else None,  # primary_issue
        text,  # summary
        risks,  # risk_factors
        recommendation,  # recommendation
        combined_score(roi_pct=roi, velocity=velocity.score, config=config),  # combined_score
        product.amazon_on_listing,  # amazon_on_listing
        product.amazon_owns_buy_box,  # amazon_owns_buy_box
        money.options if money else (),  # condition_options
        max(money.options, key=_ROI).condition if money and money.options else None,  # best_condition
        now,  # analyzed_at
    )
