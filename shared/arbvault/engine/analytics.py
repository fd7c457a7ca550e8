"""The decision-card calculators: velocity, price stability, ROI net, competition, dead inventory, risk, verdict.

They take what a caller knows about a product (no Keepa, no storage) and reuse the engine's one velocity
scale (rank drops included when the caller knows them), one stability score and one profit definition, with
storage over the caller's sale cycle and returns as cost lines. The fee schedule, storage rate and returns rate
are the rules' unless the caller states them; a caller stating any of referral %, FBA fee or prep fee states
the whole fee model (``fees.stated_fees``: closing and inbound 0) and no buffer is held back, so the profit is
then exactly sell - buy - referral - FBA - prep - storage - returns. Thresholds that mirror a business rule
(target ROI, rating minima, velocity tiers) come from the rules, and so do the risk weights and thresholds
(``analytics``); the component tables below are this calculator's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal

from arbvault.engine.config_view import AnalyticsRules, EngineConfig, RiskComponentName
from arbvault.engine.fees import FeeBreakdown, amazon_fees, fee_schedule, stated_fees
from arbvault.engine.money import HUNDRED, ZERO, clamp, round_half_up
from arbvault.engine.profit import ProfitMetrics, holding_costs, profit_metrics
from arbvault.engine.scores import Score, price_stability, price_volatility, velocity_trend
from arbvault.engine.velocity import (
    Velocity,
    VelocityTier,
    benchmark_for,
    velocity_score,
    velocity_tier,
    very_slow_rank,
)

Level = Literal["LOW", "MEDIUM", "HIGH"]
RiskLevel = Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"]
Verdict = Literal["STRONG_BUY", "BUY", "CONSIDER", "WATCH", "SKIP", "AVOID"]

# Category risk by words in the category name; checked in this order ("nonfiction" before "fiction").
CATEGORY_RISK: Final = (("textbook", 45), ("nonfiction", 40), ("non-fiction", 40), ("fiction", 35),
                        ("technical", 30))
DEFAULT_CATEGORY_RISK: Final = 50
CRITERIA_TOTAL: Final = 6
VERDICT_BY_PASSED: Final[Mapping[int, Verdict]] = MappingProxyType(
    {6: "STRONG_BUY", 5: "BUY", 4: "CONSIDER", 3: "WATCH"})
ACTIONS: Final[Mapping[Verdict, str]] = MappingProxyType({
    "STRONG_BUY": "Buy now at or below the estimated buy price.",
    "BUY": "Buy, watching the criterion that failed.",
    "CONSIDER": "Buy only below the estimated buy price.",
    "WATCH": "Track the price and rank before buying.",
    "SKIP": "Do not buy at this price.",
    "AVOID": "Do not buy: Amazon sells this product and holds the Buy Box.",
})


@dataclass(frozen=True)
class AnalyticsInput:
    """What the caller knows about one product; money in dollars, rates in percent.

    The fee and holding-cost fields left as None take the rules' values.
    """

    asin: str
    buy_price: Decimal
    sell_price: Decimal
    sale_cycle_days: int
    return_rate_pct: Decimal | None = None
    storage_cost_monthly: Decimal | None = None
    referral_fee_pct: Decimal | None = None
    fba_fee: Decimal | None = None
    prep_fee: Decimal | None = None
    sales_rank_drops_30: int | None = None
    sales_rank_drops_90: int | None = None
    title: str | None = None
    category: str = "books"
    bsr: int | None = None
    bsr_history: Sequence[tuple[datetime, int]] = ()
    price_history: Sequence[Decimal] = ()
    seller_count: int | None = None
    fba_seller_count: int | None = None
    amazon_on_listing: bool = False
    amazon_has_buy_box: bool = False
    weight_lb: Decimal | None = None


@dataclass(frozen=True)
class VelocityInsight:
    """The product on the one velocity scale, its rank trend, and the sell-through risk that implies."""

    velocity: Velocity
    tier: VelocityTier
    trend: Score
    risk_level: Level | Literal["NO_DATA"]
    days_to_sell: Decimal | None


@dataclass(frozen=True)
class StabilityInsight:
    """Price stability score and the coefficient of variation (percent) behind it."""

    stability: Score
    volatility_pct: Decimal


@dataclass(frozen=True)
class RoiNet:
    """Profit after every cost line; ``fees`` says which schedule, category and weight the fee lines used."""

    metrics: ProfitMetrics
    fees: FeeBreakdown
    fee_source: Literal["rules", "request"]


@dataclass(frozen=True)
class Competition:
    """Competition score (100 = none), its level, and Amazon's presence as a risk."""

    score: Decimal
    level: Level | Literal["UNKNOWN"]
    amazon_risk: Literal["CRITICAL", "NONE"]


@dataclass(frozen=True)
class DeadInventory:
    """Risk (0-100) that stock sits unsold: the rank alone puts the product in the lowest velocity tier."""

    at_risk: bool
    risk: Decimal
    threshold_bsr: Decimal


@dataclass(frozen=True)
class RiskComponent:
    """One risk component: its score, weight and weighted share."""

    score: Decimal
    weight: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class RiskScore:
    """Weighted risk (0-100, 2 dp), its level, the components and what to do about the largest ones."""

    score: Decimal
    level: RiskLevel
    components: Mapping[RiskComponentName, RiskComponent]
    recommendations: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    """The verdict over six criteria, with its confidence and the numbers it rests on."""

    verdict: Verdict
    confidence_pct: Decimal
    criteria_passed: int
    criteria_total: int
    failed_criteria: tuple[str, ...]
    reason: str
    suggested_action: str
    profit_per_unit: Decimal
    roi_pct: Decimal
    velocity_score: Decimal
    risk_score: Decimal
    days_to_sell: Decimal | None


@dataclass(frozen=True)
class ProductDecision:
    """Every calculator's result for one product (the decision card)."""

    asin: str
    title: str | None
    velocity: VelocityInsight
    stability: StabilityInsight
    roi: RoiNet
    competition: Competition
    dead_inventory: DeadInventory
    risk: RiskScore
    decision: Decision


def velocity_insight(data: AnalyticsInput, config: EngineConfig, *, now: datetime) -> VelocityInsight:
    """Velocity from the rank against the category benchmark; risk LOW at medium tier or better, HIGH below slow."""
    velocity = velocity_score(data.bsr, rules=config.velocity,
                              benchmark=benchmark_for(config.velocity, (data.category,)),
                              drops30=data.sales_rank_drops_30, drops90=data.sales_rank_drops_90)
    tier = velocity_tier(velocity, config.velocity)
    trend = velocity_trend(data.bsr_history, now=now, rules=config.advanced)
    if tier == "unknown":
        risk: Level | Literal["NO_DATA"] = "NO_DATA"
    elif velocity.score >= config.velocity.medium:
        risk = "LOW"
    else:
        risk = "MEDIUM" if velocity.score >= config.velocity.slow else "HIGH"
    days = 1 / velocity.est_daily_sales if velocity.est_daily_sales > 0 else None
    return VelocityInsight(velocity, tier, trend, risk, round_half_up(days, 1) if days is not None else None)


def stability_insight(data: AnalyticsInput, config: EngineConfig) -> StabilityInsight:
    """Price stability of the given price history (the engine's one stability score)."""
    return StabilityInsight(price_stability(data.price_history, rules=config.advanced),
                            round_half_up(price_volatility([p for p in data.price_history if p > 0]) * HUNDRED))


def roi_net(data: AnalyticsInput, config: EngineConfig) -> RoiNet:
    """The one profit definition with storage over the sale cycle and returns as cost lines (see the module
    docstring for the caller's fee inputs)."""
    category, schedule = fee_schedule(config, (data.category,))
    stated = data.referral_fee_pct is not None or data.fba_fee is not None or data.prep_fee is not None
    if stated:
        fees = stated_fees(data.sell_price, schedule, category=category, weight_lb=data.weight_lb,
                           referral_pct=data.referral_fee_pct, fba_fee=data.fba_fee, prep_fee=data.prep_fee)
    else:
        fees = amazon_fees(data.sell_price, schedule, category=category, weight_lb=data.weight_lb)
    storage_rate = data.storage_cost_monthly if data.storage_cost_monthly is not None else config.storage_per_unit_month
    returns_pct = data.return_rate_pct if data.return_rate_pct is not None else config.returns_pct
    storage, returns = holding_costs(data.sell_price, storage_per_unit_month=storage_rate,
                                     days=Decimal(data.sale_cycle_days), returns_pct=returns_pct)
    metrics = profit_metrics(data.sell_price, data.buy_price, fees=fees,
                             buffer_pct=ZERO if stated else config.buffer_pct, rules=config.roi, storage=storage,
                             returns=returns)
    return RoiNet(metrics, fees, "request" if stated else "rules")


def competition(data: AnalyticsInput, rules: AnalyticsRules) -> Competition:
    """Start at 100; crowded listings, FBA-heavy listings and Amazon lower it, three or fewer sellers raise it."""
    amazon_risk: Literal["CRITICAL", "NONE"] = "CRITICAL" if data.amazon_on_listing else "NONE"
    if data.seller_count is None:
        return Competition(Decimal(50), "UNKNOWN", amazon_risk)
    sellers = data.seller_count
    score = Decimal(100)
    if sellers > 50:
        score -= min(40, sellers // 10)
    if sellers <= 3:
        score += 20
    fba_share = Decimal(data.fba_seller_count) / sellers if data.fba_seller_count is not None and sellers > 0 else None
    if fba_share is not None and fba_share > rules.fba_heavy_share:
        score -= 15
    if data.amazon_on_listing:
        score -= 25
    score = clamp(score)
    level: Level = "LOW" if score >= 70 else "MEDIUM" if score >= 40 else "HIGH"
    return Competition(score, level, amazon_risk)


def dead_inventory(data: AnalyticsInput, config: EngineConfig) -> DeadInventory:
    """Past the rank T where the rank alone scores below the slow tier: risk = min(100, (BSR - T) / T x 50),
    +20 with <= 3 sellers."""
    threshold = very_slow_rank(config.velocity, benchmark_for(config.velocity, (data.category,)))
    if data.bsr is None or data.bsr <= threshold:
        return DeadInventory(False, ZERO, threshold)
    risk = min(HUNDRED, (data.bsr - threshold) / threshold * 50)
    if data.seller_count is not None and data.seller_count <= 3:
        risk = min(HUNDRED, risk + 20)
    return DeadInventory(True, round_half_up(risk), threshold)


def _competition_risk(sellers: int | None) -> Decimal:
    if sellers is None:
        return Decimal(50)
    for limit, risk in ((2, 10), (5, 25), (15, 45), (30, 65)):
        if sellers <= limit:
            return Decimal(risk)
    return Decimal(min(100, 80 + (sellers - 30) // 20))


def _category_risk(category: str) -> Decimal:
    name = category.lower()
    return Decimal(next((risk for word, risk in CATEGORY_RISK if word in name), DEFAULT_CATEGORY_RISK))


def _risk_level(score: Decimal, rules: AnalyticsRules) -> RiskLevel:
    if score >= rules.critical_risk:
        return "CRITICAL"
    if score >= rules.high_risk:
        return "HIGH"
    return "MEDIUM" if score >= rules.medium_risk else "LOW"


_RISK_ADVICE: Final = {
    "dead_inventory": "Sells slowly: buy one or two units at most.",
    "competition": "Crowded listing: expect price pressure.",
    "amazon_presence": "Amazon sells this product: it usually wins the Buy Box.",
    "price_stability": "Volatile price: re-check before listing.",
    "category": "Category prices swing with the season.",
}


def risk_score(data: AnalyticsInput, config: EngineConfig) -> RiskScore:
    """Weighted risk of dead inventory, competition, Amazon, price instability and category (see tables)."""
    dead, rules = dead_inventory(data, config), config.analytics
    stability = price_stability(data.price_history, rules=config.advanced)
    scores: dict[RiskComponentName, Decimal] = {
        "dead_inventory": min(HUNDRED, 50 + dead.risk) if dead.at_risk else ZERO,
        "competition": _competition_risk(data.seller_count),
        "amazon_presence": rules.amazon_present_risk if data.amazon_on_listing else rules.amazon_absent_risk,
        "price_stability": HUNDRED - stability.score,
        "category": _category_risk(data.category),
    }
    weights = rules.risk_weights
    components = {name: RiskComponent(score, weights[name], round_half_up(score * weights[name]))
                  for name, score in scores.items()}
    total = round_half_up(sum((score * weights[name] for name, score in scores.items()), ZERO))
    advice = tuple(_RISK_ADVICE[name] for name, score in scores.items() if score >= rules.advice_risk)
    return RiskScore(total, _risk_level(total, rules), components, advice)


def _decision(data: AnalyticsInput, config: EngineConfig, velocity: VelocityInsight, stability: StabilityInsight,
              roi: RoiNet, risk: RiskScore) -> Decision:
    """Verdict from six criteria (ROI, velocity, risk, days to sell, no Amazon, stability) and its confidence."""
    excellent, good, rules = config.rating("EXCELLENT"), config.rating("GOOD"), config.analytics
    roi_pct, score = roi.metrics.roi_pct, velocity.velocity.score
    days = velocity.days_to_sell if velocity.days_to_sell is not None else rules.unknown_days_to_sell
    criteria = {
        "roi": roi_pct >= config.roi.target_pct,
        "velocity": score >= excellent.min_velocity,
        "risk": risk.score < rules.max_good_risk,
        "days_to_sell": days <= rules.max_days_to_sell,
        "no_amazon": not data.amazon_on_listing,
        "stability": stability.stability.score >= good.min_stability,
    }
    passed = sum(criteria.values())
    failed = tuple(name for name, ok in criteria.items() if not ok)
    verdict: Verdict = VERDICT_BY_PASSED.get(passed, "SKIP")
    if data.amazon_on_listing and data.amazon_has_buy_box:
        verdict, reason = "AVOID", "Amazon is on the listing and holds the Buy Box"
    elif roi_pct < config.roi.min_for_buy:
        verdict, reason = "SKIP", f"ROI {round_half_up(roi_pct, 1)} % is below the {config.roi.min_for_buy} % minimum"
    elif risk.score > rules.skip_risk:
        verdict, reason = "SKIP", f"risk score {risk.score} is above {rules.skip_risk}"
    else:
        reason = f"{passed} of {CRITERIA_TOTAL} criteria met" + (f"; failed: {', '.join(failed)}" if failed else "")
    confidence = Decimal(passed) / CRITERIA_TOTAL * 60
    confidence += 15 if roi_pct >= config.roi.excellent else 10 if roi_pct >= config.roi.good else 0
    confidence += 10 if score >= config.velocity.fast else 5 if score >= config.velocity.medium else 0
    confidence += 10 if risk.score < rules.low_risk else 5 if risk.score < rules.max_good_risk else 0
    return Decision(
        verdict=verdict,
        confidence_pct=round_half_up(min(HUNDRED, confidence), 1),
        criteria_passed=passed,
        criteria_total=CRITERIA_TOTAL,
        failed_criteria=failed,
        reason=reason,
        suggested_action=ACTIONS[verdict],
        profit_per_unit=round_half_up(roi.metrics.net_profit),
        roi_pct=round_half_up(roi_pct),
        velocity_score=score,
        risk_score=risk.score,
        days_to_sell=velocity.days_to_sell,
    )


def product_decision(data: AnalyticsInput, config: EngineConfig, *, now: datetime) -> ProductDecision:
    """Run every calculator once and return the full decision card."""
    velocity = velocity_insight(data, config, now=now)
    stability = stability_insight(data, config)
    roi = roi_net(data, config)
    risk = risk_score(data, config)
    return ProductDecision(
        asin=data.asin,
        title=data.title,
        velocity=velocity,
        stability=stability,
        roi=roi,
        competition=competition(data, config.analytics),
        dead_inventory=dead_inventory(data, config),
        risk=risk,
        decision=_decision(data, config, velocity, stability, roi, risk),
    )
