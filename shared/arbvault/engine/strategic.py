"""Strategic views: five ways of ranking products (profit, speed, cash flow, volume, balance), pure rules.

Per product the inputs are its engine analysis (ROI, net profit, velocity, confidence) plus what Keepa says about
demand and competition: monthly and quarterly sales from sales-rank drops, seller counts, Amazon's presence,
price volatility against the history's average and demand consistency from the rank against the category
benchmark. A missing input is ``None``: it is listed in ``missing_inputs``, left out of the strategic score's
weighted mean, and lowers the data confidence by its share of the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from types import MappingProxyType
from typing import Final, Literal

from arbvault.engine.config_view import StrategicRiskName
from arbvault.engine.money import HUNDRED, ZERO, clamp, round_half_up

ViewKey = Literal["profit_hunter", "velocity", "cashflow_hunter", "volume_player", "balanced_score"]
SortKey = Literal["roi_pct", "monthly_sales", "cashflow_potential", "opportunity_score"]
CompetitionLevel = Literal["LOW", "MEDIUM", "HIGH"]
SalesTier = Literal["PREMIUM", "HIGH", "MEDIUM", "LOW", "DEAD"]
ScoreMetric = Literal["roi", "velocity", "profit", "competition", "risk"]

_ONE: Final = Decimal(1)
MONTHLY_SALES_CAP: Final = 1000
QUARTERLY_SALES_CAP: Final = 3000
QUARTER_DAMPING: Final = Decimal("0.9")  # a 90-day count is less current than a 30-day one
PROFIT_SCALE: Final = Decimal(50)  # a net profit of $50 or more is a full profit score
HIGH_COMPETITION_SELLERS: Final = 10
MEDIUM_COMPETITION_SELLERS: Final = 5
COMPETITION_SCORES: Final[Mapping[CompetitionLevel, Decimal]] = MappingProxyType(
    {"LOW": Decimal("0.8"), "MEDIUM": Decimal("0.5"), "HIGH": Decimal("0.2")})
# Demand consistency by sales rank as a share of the category benchmark: (upper share, consistency).
CONSISTENCY_BANDS: Final = ((Decimal("0.1"), Decimal("0.95")), (Decimal("0.5"), Decimal("0.80")),
                            (_ONE, Decimal("0.65")), (Decimal(2), Decimal("0.45")))
LEAST_CONSISTENCY: Final = Decimal("0.25")
# Sales multipliers by root category (first word of its name); other categories are not adjusted.
CATEGORY_SALES_FACTORS: Final = MappingProxyType({
    "books": _ONE, "electronics": Decimal("1.2"), "health": Decimal("0.9"), "sports": Decimal("1.1"),
    "home": Decimal("0.8")})
# (rank below, monthly factor, quarterly factor): a top rank sells more than its drops show.
RANK_SALES_FACTORS: Final = ((10_000, Decimal("1.5"), Decimal("1.4")), (50_000, Decimal("1.2"), Decimal("1.1")))
SLOW_RANK: Final = 500_000
SLOW_RANK_FACTORS: Final = (Decimal("0.7"), Decimal("0.8"))
SALES_TIERS: Final[tuple[tuple[int, SalesTier], ...]] = ((100, "PREMIUM"), (50, "HIGH"), (20, "MEDIUM"), (5, "LOW"))
GRADES: Final = ((80, "A+"), (60, "A"), (45, "B+"), (30, "B"), (20, "C+"), (10, "C"))
INPUTS: Final = ("roi", "monthly_sales", "seller_count", "volatility", "demand_consistency")


def _weights(roi: str, velocity: str, profit: str, competition: str, risk: str) -> Mapping[ScoreMetric, Decimal]:
    return MappingProxyType({"roi": Decimal(roi), "velocity": Decimal(velocity), "profit": Decimal(profit),
                             "competition": Decimal(competition), "risk": Decimal(risk)})


@dataclass(frozen=True)
class StrategicView:
    """One strategic view: what it is for, how it sorts, and how it weighs the score's five metrics."""

    key: ViewKey
    name: str
    description: str
    best_for: str
    sort_by: SortKey
    weights: Mapping[ScoreMetric, Decimal]


STRATEGIC_VIEWS: Final[Mapping[ViewKey, StrategicView]] = MappingProxyType({
    "profit_hunter": StrategicView(
        "profit_hunter", "Profit Hunter", "Highest return on each unit bought",
        "resellers with capital who can wait for the sale", "roi_pct",
        _weights("2.0", "0.5", "2.0", "0.3", "0.4")),
    "velocity": StrategicView(
        "velocity", "Velocity", "Products that sell fastest", "quick turnover and fast reinvestment",
        "monthly_sales", _weights("0.7", "2.0", "0.8", "0.5", "0.3")),
    "cashflow_hunter": StrategicView(
        "cashflow_hunter", "Cashflow Hunter", "Most profit per month: sales times profit per unit",
        "steady monthly income", "cashflow_potential", _weights("1.3", "1.3", "1.2", "0.4", "0.5")),
    "volume_player": StrategicView(
        "volume_player", "Volume Player", "Largest sales volume at a thin margin",
        "high-volume operations with low cost per unit", "monthly_sales",
        _weights("0.6", "1.8", "0.4", "0.2", "0.2")),
    "balanced_score": StrategicView(
        "balanced_score", "Balanced Score", "Return, speed and profit together (opportunity score)",
        "a first look at an unknown list", "opportunity_score", _weights("1.0", "1.0", "1.0", "1.0", "1.0")),
})


@dataclass(frozen=True)
class SalesEstimate:
    """Sales over 30 and 90 days estimated from rank drops (``None`` when Keepa reported no drops count)."""

    monthly: int | None
    quarterly: int | None
    tier: SalesTier | None


def category_sales_factor(root_category: str | None) -> Decimal:
    words = (root_category or "").lower().split()
    return CATEGORY_SALES_FACTORS.get(words[0], _ONE) if words else _ONE


def _rank_factors(bsr: int | None) -> tuple[Decimal, Decimal]:
    if bsr is None or bsr <= 0:
        return _ONE, _ONE
    for below, monthly, quarterly in RANK_SALES_FACTORS:
        if bsr < below:
            return monthly, quarterly
    return SLOW_RANK_FACTORS if bsr > SLOW_RANK else (_ONE, _ONE)


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(ROUND_FLOOR))


def sales_tier(monthly: int) -> SalesTier:
    return next((tier for floor, tier in SALES_TIERS if monthly >= floor), "DEAD")


def sales_estimate(drops30: int | None, drops90: int | None, *, bsr: int | None,
                   root_category: str | None) -> SalesEstimate:
    """Monthly sales = drops30 x category factor x rank factor (floored, cap 1000); quarterly likewise from
    drops90 with a 0.9 damping (cap 3000). Without a count the estimate is missing, not zero."""
    category = category_sales_factor(root_category)
    monthly_factor, quarterly_factor = _rank_factors(bsr)
    monthly = (min(MONTHLY_SALES_CAP, _floor(drops30 * category * monthly_factor))
               if drops30 is not None else None)
    quarterly = (min(QUARTERLY_SALES_CAP, _floor(drops90 * category * QUARTER_DAMPING * quarterly_factor))
                 if drops90 is not None else None)
    return SalesEstimate(monthly, quarterly, sales_tier(monthly) if monthly is not None else None)


def opportunity_score(roi_pct: Decimal, monthly_sales: int | None, net_profit: Decimal) -> Decimal:
    """(ROI / 100) x sqrt(max(sales, 1)) x profit, 1 dp; 0 when ROI or profit is not positive.

    Without a sales estimate the square root's floor of one sale applies (the score then rests on profit alone).
    """
    if roi_pct <= 0 or net_profit <= 0:
        return ZERO
    sales = Decimal(max(monthly_sales or 0, 1))
    return round_half_up(roi_pct / HUNDRED * sales.sqrt() * net_profit, 1)


def opportunity_grade(score: Decimal) -> str:
    return next((grade for floor, grade in GRADES if score >= floor), "D")


def competition_level(seller_count: int | None, *, amazon_owns_buy_box: bool) -> CompetitionLevel | None:
    """HIGH when Amazon holds the Buy Box or more than 10 sellers compete, MEDIUM above 5, else LOW."""
    if amazon_owns_buy_box:
        return "HIGH"
    if seller_count is None:
        return None
    if seller_count > HIGH_COMPETITION_SELLERS:
        return "HIGH"
    return "MEDIUM" if seller_count > MEDIUM_COMPETITION_SELLERS else "LOW"


def price_volatility(prices: Sequence[Decimal]) -> Decimal | None:
    """How far the newest price sits from the history's average: min(1, 2 |current - avg| / avg), 2 dp.

    ``prices`` oldest first; fewer than two positive prices give ``None`` (nothing to compare with).
    """
    positive = [price for price in prices if price > 0]
    if len(positive) < 2:
        return None
    average = sum(positive, ZERO) / len(positive)
    return round_half_up(min(_ONE, 2 * abs(positive[-1] - average) / average))


def demand_consistency(bsr: int | None, benchmark: Decimal) -> Decimal | None:
    """0.95 for a rank under 10 % of the category benchmark, down to 0.25 beyond twice it; ``None`` unranked."""
    if bsr is None or bsr <= 0:
        return None
    share = Decimal(bsr) / benchmark
    return next((value for upper, value in CONSISTENCY_BANDS if share < upper), LEAST_CONSISTENCY)


@dataclass(frozen=True)
class StrategicInputs:
    """What the score reads for one product; ``None`` is missing."""

    roi_pct: Decimal | None
    net_profit: Decimal | None
    velocity: Decimal | None
    """Engine velocity, 0-100 (``None`` when neither rank nor drops are known)."""
    monthly_sales: int | None
    seller_count: int | None
    amazon_owns_buy_box: bool
    volatility: Decimal | None
    demand_consistency: Decimal | None
    engine_confidence: Decimal
    """The engine's confidence (data age, completeness, rank), 0-100."""


@dataclass(frozen=True)
class StrategicScore:
    """A view's score (0-100, ``None`` while the ROI is unknown) with its parts (0-1) and what was missing."""

    score: Decimal | None
    normalised: Mapping[ScoreMetric, Decimal]
    competition: CompetitionLevel | None
    risk: Decimal
    data_confidence: Decimal
    missing_inputs: tuple[str, ...]


def missing_inputs(inputs: StrategicInputs) -> tuple[str, ...]:
    present = {"roi": inputs.roi_pct is not None, "monthly_sales": inputs.monthly_sales is not None,
               "seller_count": inputs.seller_count is not None, "volatility": inputs.volatility is not None,
               "demand_consistency": inputs.demand_consistency is not None}
    return tuple(name for name in INPUTS if not present[name])


def data_confidence(engine_confidence: Decimal, missing: Sequence[str]) -> Decimal:
    """The engine's confidence as a fraction, times the share of strategic inputs present (2 dp)."""
    present = Decimal(len(INPUTS) - len(missing)) / len(INPUTS)
    return round_half_up(clamp(engine_confidence, ZERO, HUNDRED) / HUNDRED * present)


def risk(volatility: Decimal | None, consistency: Decimal | None, confidence: Decimal, *,
         weights: Mapping[StrategicRiskName, Decimal]) -> Decimal:
    """Weighted mean (0-1, 2 dp) of volatility, 1 - consistency and 1 - confidence over the parts known, by the
    rules' ``analytics.strategic_risk_weights``."""
    parts: dict[StrategicRiskName, Decimal] = {"uncertainty": _ONE - confidence}
    if volatility is not None:
        parts["volatility"] = volatility
    if consistency is not None:
        parts["inconsistency"] = _ONE - consistency
    total = sum((weights[name] for name in parts), ZERO)
    if total == 0:
        return ZERO
    return round_half_up(clamp(sum((weights[n] * v for n, v in parts.items()), ZERO) / total, ZERO, _ONE))


def strategic_score(view: StrategicView, inputs: StrategicInputs, *,
                    risk_weights: Mapping[StrategicRiskName, Decimal]) -> StrategicScore:
    """sum(normalised metric x weight) / sum(weights of the metrics known) x 100, 2 dp.

    Normalised: ROI / 100 and profit / 50 (each 0-1), velocity / 100, competition LOW 0.8 / MEDIUM 0.5 /
    HIGH 0.2, and 1 - risk. Without a buy or a sell price ROI and profit are unknown: the score is then ``None``.
    """
    missing = missing_inputs(inputs)
    confidence = data_confidence(inputs.engine_confidence, missing)
    level = competition_level(inputs.seller_count, amazon_owns_buy_box=inputs.amazon_owns_buy_box)
    product_risk = risk(inputs.volatility, inputs.demand_consistency, confidence, weights=risk_weights)
    normalised: dict[ScoreMetric, Decimal] = {"risk": _ONE - product_risk}
    if inputs.roi_pct is not None and inputs.net_profit is not None:
        normalised["roi"] = clamp(inputs.roi_pct / HUNDRED, ZERO, _ONE)
        normalised["profit"] = clamp(inputs.net_profit / PROFIT_SCALE, ZERO, _ONE)
    if inputs.velocity is not None:
        normalised["velocity"] = clamp(inputs.velocity / HUNDRED, ZERO, _ONE)
    if level is not None:
        normalised["competition"] = COMPETITION_SCORES[level]
    score = None
    if "roi" in normalised:
        total = sum((view.weights[m] for m in normalised), ZERO)
        score = round_half_up(sum((view.weights[m] * v for m, v in normalised.items()), ZERO) / total * HUNDRED)
    rounded = {metric: round_half_up(value, 3) for metric, value in normalised.items()}
    return StrategicScore(score, rounded, level, product_risk, confidence, missing)
