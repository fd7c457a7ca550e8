"""Analytics: the decision-card calculators over what the caller knows about a product. No Keepa, no writes.

Each route runs ``arbvault.analysis``'s calculators under the effective rules of the body's domain and category
(the only database access is reading those rules). Differences from the original a client would notice:

* fees are the business config's fee schedule for the category (one fee model everywhere), so the original's
  ``referral_fee_percent``, ``fba_fee`` and ``prep_fee`` are refused (422); send ``weight_lb`` instead;
* velocity is the engine's one 0-100 scale from the sales rank against the category benchmark, with the rank
  trend reported beside it;
* ``next_steps`` is replaced by ``failed_criteria`` (which of the six criteria failed) and ``suggested_action``;
* errors are the one error envelope: 422 naming the field for bad input, never a 500.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from arbvault.analysis import (
    AnalyticsInput,
    DeadInventory,
    Decision,
    EngineConfig,
    RiskScore,
    RoiNet,
    StabilityInsight,
    VelocityInsight,
    competition,
    dead_inventory,
    product_decision,
    read_config,
    risk_score,
    roi_net,
    round_half_up,
    stability_insight,
    velocity_insight,
)
from arbvault.config import effective_config, normalise_category
from arbvault.db import session_scope
from arbvault.identifiers import normalise
from arbvault.web import PRICE_MAX, CurrentIdentity, PriceIn, create_app, create_handler
from arbvault.web.openapi_errors import error_responses
from arbvault.web.schema_types import ProductIdentifier, RulesDomainId, Text, Timestamp

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"], responses=error_responses(503))

HISTORY_MAX = 1_000  # points per history: a year of daily points fits with room to spare



class BsrPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timestamp: Timestamp
    bsr: int = Field(ge=1, le=2**31 - 1)


class PricePoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price: Decimal = Field(ge=0, le=PRICE_MAX)
    timestamp: Timestamp | None = None


class AnalyticsIn(BaseModel):
    """What the caller knows about one product."""

    model_config = ConfigDict(extra="forbid")

    asin: ProductIdentifier
    title: Text | None = Field(default=None, max_length=500)
    category: Text = Field(default="books", min_length=1, max_length=41,
                          description="picks the fee schedule, rank benchmark, category risk and category rules")
    domain_id: RulesDomainId = 1
    bsr: int | None = Field(default=None, ge=1, le=2**31 - 1)
    bsr_history: list[BsrPoint] = Field(default_factory=list, max_length=HISTORY_MAX)
    price_history: list[PricePoint] = Field(default_factory=list, max_length=HISTORY_MAX)
    buy_price: PriceIn
    sell_price: PriceIn
    weight_lb: Decimal | None = Field(default=None, gt=0, le=150, decimal_places=3)
    seller_count: int | None = Field(default=None, ge=0, le=100_000)
    fba_seller_count: int | None = Field(default=None, ge=0, le=100_000)
    amazon_on_listing: bool = False
    amazon_has_buy_box: bool = False
    return_rate_pct: Decimal = Field(default=Decimal(2), ge=0, le=100)
    storage_cost_monthly: Decimal = Field(default=Decimal("0.87"), ge=0, le=1_000)
    estimated_sale_cycle_days: int = Field(default=30, ge=1, le=3_650)

    # Fields validate in declaration order, so each check below sees the field it depends on.
    @field_validator("fba_seller_count")
    @classmethod
    def _fba_within_sellers(cls, value: int | None, info: ValidationInfo) -> int | None:
        sellers = info.data.get("seller_count")
        if value is not None and sellers is not None and value > sellers:
            raise ValueError(f"must not exceed seller_count ({sellers})")
        return value

    @field_validator("amazon_has_buy_box")
    @classmethod
    def _buybox_needs_listing(cls, value: bool, info: ValidationInfo) -> bool:
        if value and not info.data.get("amazon_on_listing"):
            raise ValueError("Amazon can hold the Buy Box only when amazon_on_listing is true")
        return value


class ScoreOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    score: int
    level: str
    sufficient_data: bool


class VelocityOut(BaseModel):
    score: float
    velocity_tier: str
    rank_band: str
    benchmark_bsr: int
    est_daily_sales: float
    est_monthly_sales: float
    sales_source: str
    trend: ScoreOut
    risk_level: str
    days_to_sell: float | None


class StabilityOut(ScoreOut):
    volatility_pct: float


class FeesOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    category: str
    weight_lb: float
    referral: float
    closing: float
    fulfilment: float
    inbound_shipping: float
    prep: float
    total: float


class RoiOut(BaseModel):
    sell_price: float
    buy_price: float
    fees: float = Field(description="the total of fee_breakdown")
    fee_breakdown: FeesOut
    buffer: float
    storage_cost: float
    returns_cost: float
    net_profit: float
    roi_pct: float
    margin_pct: float
    profitable: bool
    meets_target: bool
    profit_tier: str


class CompetitionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    score: float
    level: str
    amazon_risk: str


class DeadInventoryOut(BaseModel):
    at_risk: bool
    risk_score: float = Field(description="0-100")
    threshold_bsr: int


class RiskComponentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    score: float
    weight: float
    weighted: float


class RiskOut(BaseModel):
    risk_score: float
    risk_level: str
    components: dict[str, RiskComponentOut]
    recommendations: list[str]


class RecommendationOut(BaseModel):
    recommendation: str
    confidence_pct: float
    criteria_passed: int
    criteria_total: int
    failed_criteria: list[str]
    reason: str
    suggested_action: str
    roi_pct: float
    velocity_score: float
    risk_score: float
    net_profit: float
    days_to_sell: float | None


class AnalyticsOut(BaseModel):
    asin: str
    title: str | None
    velocity: VelocityOut
    price_stability: StabilityOut
    roi: RoiOut
    competition: CompetitionOut
    dead_inventory_risk: DeadInventoryOut


class RiskScoreOut(RiskOut):
    asin: str


class GeneratedRecommendationOut(RecommendationOut):
    asin: str
    title: str | None


class ProductDecisionOut(AnalyticsOut):
    risk: RiskOut
    decision: RecommendationOut


def _input(body: AnalyticsIn) -> AnalyticsInput:
    return AnalyticsInput(
        asin=normalise(body.asin, field="body.asin").value,
        buy_price=body.buy_price,
        sell_price=body.sell_price,
        return_rate_pct=body.return_rate_pct,
        storage_cost_monthly=body.storage_cost_monthly,
        sale_cycle_days=body.estimated_sale_cycle_days,
        title=body.title,
        category=body.category,
        bsr=body.bsr,
        bsr_history=[(point.timestamp, point.bsr) for point in body.bsr_history],
        price_history=[point.price for point in body.price_history],
        seller_count=body.seller_count,
        fba_seller_count=body.fba_seller_count,
        amazon_on_listing=body.amazon_on_listing,
        amazon_has_buy_box=body.amazon_has_buy_box,
        weight_lb=body.weight_lb,
    )


def _rules(body: AnalyticsIn) -> EngineConfig:
    layer = normalise_category(body.category, field="body.category")
    with session_scope() as session:
        return read_config(effective_config(session, domain_id=body.domain_id, category=layer).document)


def _velocity(v: VelocityInsight) -> VelocityOut:
    return VelocityOut(
        score=v.velocity.score, velocity_tier=v.tier, rank_band=v.velocity.rank_band,
        benchmark_bsr=int(v.velocity.benchmark),
        est_daily_sales=v.velocity.est_daily_sales, est_monthly_sales=v.velocity.est_monthly_sales,
        sales_source=v.velocity.sales_source,
        trend=ScoreOut.model_validate(v.trend),
        risk_level=v.risk_level, days_to_sell=v.days_to_sell,
    )


def _stability(s: StabilityInsight) -> StabilityOut:
    return StabilityOut(score=s.stability.score, level=s.stability.level,
                        sufficient_data=s.stability.sufficient_data, volatility_pct=s.volatility_pct)


def _roi(r: RoiNet) -> RoiOut:
    m = r.metrics.rounded()
    return RoiOut(
        sell_price=m.sell_price, buy_price=m.buy_price,
        fees=m.fees, fee_breakdown=FeesOut.model_validate(r.fees.rounded()),
        buffer=m.buffer, storage_cost=round_half_up(r.storage_cost), returns_cost=round_half_up(r.returns_cost),
        net_profit=m.net_profit, roi_pct=m.roi_pct, margin_pct=m.margin_pct, profitable=m.profitable,
        meets_target=m.meets_target, profit_tier=m.tier,
    )


def _dead_inventory(d: DeadInventory) -> DeadInventoryOut:
    return DeadInventoryOut(at_risk=d.at_risk, risk_score=d.risk, threshold_bsr=d.threshold_bsr)


def _risk(r: RiskScore) -> RiskOut:
    components = {name: RiskComponentOut.model_validate(c) for name, c in r.components.items()}
    return RiskOut(risk_score=r.score, risk_level=r.level, components=components,
                   recommendations=list(r.recommendations))


def _recommendation(d: Decision) -> RecommendationOut:
    return RecommendationOut(
        recommendation=d.verdict, confidence_pct=d.confidence_pct, criteria_passed=d.criteria_passed,
        criteria_total=d.criteria_total, failed_criteria=list(d.failed_criteria), reason=d.reason,
        suggested_action=d.suggested_action, roi_pct=d.roi_pct, velocity_score=d.velocity_score,
        risk_score=d.risk_score, net_profit=d.profit_per_unit, days_to_sell=d.days_to_sell,
    )


def _now() -> datetime:
    return datetime.now(timezone.utc)


@router.post("/calculate-analytics", response_model=AnalyticsOut, summary="Velocity, stability, ROI, competition")
def calculate_analytics(body: AnalyticsIn, _: CurrentIdentity) -> AnalyticsOut:
    """Velocity, price stability, ROI net of fees and holding costs, competition and dead-inventory risk."""
    data, config = _input(body), _rules(body)
    return AnalyticsOut(
        asin=data.asin, title=data.title,
        velocity=_velocity(velocity_insight(data, config, now=_now())),
        price_stability=_stability(stability_insight(data, config)),
        roi=_roi(roi_net(data, config)),
        competition=CompetitionOut.model_validate(competition(data)),
        dead_inventory_risk=_dead_inventory(dead_inventory(data, config)),
    )


@router.post("/calculate-risk-score", response_model=RiskScoreOut, summary="Weighted risk score")
def calculate_risk_score(body: AnalyticsIn, _: CurrentIdentity) -> RiskScoreOut:
    """Risk 0-100 from dead inventory, competition, Amazon, price instability and category, with advice."""
    data, config = _input(body), _rules(body)
    return RiskScoreOut(asin=data.asin, **_risk(risk_score(data, config)).model_dump())


@router.post("/generate-recommendation", response_model=GeneratedRecommendationOut, summary="Buy recommendation")
def generate_recommendation(body: AnalyticsIn, _: CurrentIdentity) -> GeneratedRecommendationOut:
    """The verdict over six criteria (ROI, velocity, risk, time to sell, no Amazon, stability) and its confidence."""
    data, config = _input(body), _rules(body)
    decision = product_decision(data, config, now=_now()).decision
    return GeneratedRecommendationOut(asin=data.asin, title=data.title, **_recommendation(decision).model_dump())


@router.post("/product-decision", response_model=ProductDecisionOut, summary="Decision card")
def decision_card(body: AnalyticsIn, _: CurrentIdentity) -> ProductDecisionOut:
    """Every calculator at once: the full decision card."""
    data, config = _input(body), _rules(body)
    card = product_decision(data, config, now=_now())
    return ProductDecisionOut(
        asin=card.asin, title=card.title, velocity=_velocity(card.velocity),
        price_stability=_stability(card.stability), roi=_roi(card.roi), competition=CompetitionOut.model_validate(card.competition),
        dead_inventory_risk=_dead_inventory(card.dead_inventory), risk=_risk(card.risk),
        decision=_recommendation(card.decision),
    )


app = create_app(router, title="ArbitrageVault analytics")
handler = create_handler(app)
