"""Analytics: the decision-card calculators over what the caller knows about a product. No Keepa, no writes.

Each route runs ``arbvault.engine``'s calculators under the effective rules of the body's domain and category
(the only database access is reading those rules); the numbers follow docs/rules.md. What a client sees:

* fees, the storage rate and the returns rate are the business config's for the category unless the body
  states them. ``referral_fee_pct`` (alias ``referral_fee_percent``), ``fba_fee`` and ``prep_fee``
  state the whole fee model: closing and inbound are then 0 and no buffer is held back, so
  net = sell - buy - referral - FBA - prep - storage - returns. ``storage_cost_monthly`` (default: the
  config's ``fees.storage_per_unit_month``) runs over ``estimated_sale_cycle_days``; ``return_rate_pct``
  defaults to the config's ``fees.returns_pct``;
* ``profit`` itemises every cost line (the same shape as an analysis' ``metrics.profit``) and ``fee_schedule``
  says whose fees they are;
* velocity is the engine's one 0-100 scale from the sales rank against the category benchmark, refined by
  ``sales_rank_drops_30`` / ``sales_rank_drops_90`` when given (as an ingest does with Keepa's), with the rank
  trend reported beside it;
* ``next_steps`` is replaced by ``failed_criteria`` (which of the six criteria failed) and ``suggested_action``;
* errors are the one error envelope: 422 naming the field for bad input, never a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from arbvault.config.effective import effective_config
from arbvault.config.scopes import normalise_category
from arbvault.db import session_scope
from arbvault.engine.analytics import (
    AnalyticsInput,
    DeadInventory,
    Decision,
    RiskScore,
    RoiNet,
    StabilityInsight,
    VelocityInsight,
    competition,
    dead_inventory,
    product_decision,
    risk_score,
    roi_net,
    stability_insight,
    velocity_insight,
)
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.rules_document import read_config
from arbvault.identifiers import normalise
from arbvault.web.app import create_app, create_handler
from arbvault.web.identity import CurrentIdentity
from arbvault.web.openapi_errors import error_responses
from arbvault.web.schema_types import DomainId, Money, PriceIn, ProductIdentifier, Text, Timestamp

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"], responses=error_responses(503))

HISTORY_MAX = 1_000  # points per history: a year of daily points fits with room to spare



class BsrPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timestamp: Timestamp
    bsr: int = Field(ge=1, le=2**31 - 1)


class PricePoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price: Money
    timestamp: Timestamp | None = None


class AnalyticsIn(BaseModel):
    """What the caller knows about one product."""

    model_config = ConfigDict(extra="forbid")

    asin: ProductIdentifier
    title: Text | None = Field(default=None, max_length=500)
    category: Text = Field(default="books", min_length=1, max_length=41,
                          description="picks the fee schedule, rank benchmark, category risk and category rules")
    domain_id: DomainId = 1
    bsr: int | None = Field(default=None, ge=1, le=2**31 - 1)
    bsr_history: list[BsrPoint] = Field(default_factory=list, max_length=HISTORY_MAX)
    price_history: list[PricePoint] = Field(default_factory=list, max_length=HISTORY_MAX)
    buy_price: PriceIn
    sell_price: PriceIn
    weight_lb: Decimal | None = Field(default=None, gt=0, le=150, decimal_places=3)
    sales_rank_drops_30: int | None = Field(default=None, ge=0, le=1_000_000,
                                            description="rank drops (sales) Keepa saw in 30 days")
    sales_rank_drops_90: int | None = Field(default=None, ge=0, le=1_000_000,
                                            description="rank drops in 90 days (used when the 30-day count is absent)")
    seller_count: int | None = Field(default=None, ge=0, le=100_000)
    fba_seller_count: int | None = Field(default=None, ge=0, le=100_000)
    amazon_on_listing: bool = False
    amazon_has_buy_box: bool = False
    # ``referral_fee_percent`` is accepted as an older client's name for it.
    referral_fee_pct: Decimal | None = Field(default=None, ge=0, lt=100, decimal_places=2,
                                             validation_alias=AliasChoices("referral_fee_pct", "referral_fee_percent"))
    fba_fee: Money | None = Field(default=None, le=1_000, decimal_places=2)
    prep_fee: Money | None = Field(default=None, le=1_000, decimal_places=2)
    return_rate_pct: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=2)
    storage_cost_monthly: Money | None = Field(default=None, le=1_000, decimal_places=2)
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
    rank_score: float | None
    drops_score: float | None
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


class CostLinesOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    referral: float
    closing: float
    fulfilment: float
    inbound: float
    prep: float
    buffer: float
    storage: float
    returns: float
    total: float


class ProfitOut(BaseModel):
    """The engine's one profit shape (an analysis' ``metrics.profit`` has the same fields)."""

    model_config = ConfigDict(from_attributes=True)

    sell_price: float
    buy_price: float
    costs: CostLinesOut
    net_profit: float
    roi_pct: float
    margin_pct: float
    profitable: bool
    meets_target: bool
    tier: str


class FeeScheduleOut(BaseModel):
    source: str = Field(description="rules (the config's schedule for the category) or request (the body's fees)")
    category: str
    weight_lb: float


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
    profit: ProfitOut
    fee_schedule: FeeScheduleOut
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
        sale_cycle_days=body.estimated_sale_cycle_days,
        return_rate_pct=body.return_rate_pct,
        storage_cost_monthly=body.storage_cost_monthly,
        referral_fee_pct=body.referral_fee_pct,
        fba_fee=body.fba_fee,
        prep_fee=body.prep_fee,
        sales_rank_drops_30=body.sales_rank_drops_30,
        sales_rank_drops_90=body.sales_rank_drops_90,
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


def _optional(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _velocity(v: VelocityInsight) -> VelocityOut:
    return VelocityOut(
        score=float(v.velocity.score), rank_score=_optional(v.velocity.rank_score),
        drops_score=_optional(v.velocity.drops_score),
        velocity_tier=v.tier, rank_band=v.velocity.rank_band, benchmark_bsr=int(v.velocity.benchmark),
        est_daily_sales=float(v.velocity.est_daily_sales), est_monthly_sales=float(v.velocity.est_monthly_sales),
        sales_source=v.velocity.sales_source,
        trend=ScoreOut.model_validate(v.trend),
        risk_level=v.risk_level, days_to_sell=_optional(v.days_to_sell),
    )


def _stability(s: StabilityInsight) -> StabilityOut:
    return StabilityOut(score=s.stability.score, level=s.stability.level,
                        sufficient_data=s.stability.sufficient_data, volatility_pct=float(s.volatility_pct))


def _profit(r: RoiNet) -> dict[str, Any]:
    """The ``profit`` and ``fee_schedule`` fields of a response."""
    return {"profit": ProfitOut.model_validate(r.metrics.rounded()),
            "fee_schedule": FeeScheduleOut(source=r.fee_source, category=r.fees.category,
                                           weight_lb=float(r.fees.weight_lb))}


def _dead_inventory(d: DeadInventory) -> DeadInventoryOut:
    return DeadInventoryOut(at_risk=d.at_risk, risk_score=float(d.risk), threshold_bsr=int(d.threshold_bsr))


def _risk(r: RiskScore) -> RiskOut:
    components: dict[str, RiskComponentOut] = {name: RiskComponentOut.model_validate(c)
                                               for name, c in r.components.items()}
    return RiskOut(risk_score=float(r.score), risk_level=r.level, components=components,
                   recommendations=list(r.recommendations))


def _recommendation(d: Decision) -> RecommendationOut:
    return RecommendationOut(
        recommendation=d.verdict, confidence_pct=float(d.confidence_pct), criteria_passed=d.criteria_passed,
        criteria_total=d.criteria_total, failed_criteria=list(d.failed_criteria), reason=d.reason,
        suggested_action=d.suggested_action, roi_pct=float(d.roi_pct), velocity_score=float(d.velocity_score),
        risk_score=float(d.risk_score), net_profit=float(d.profit_per_unit), days_to_sell=_optional(d.days_to_sell),
    )


def _now() -> datetime:
    return datetime.now(UTC)


@router.post("/calculate-analytics", response_model=AnalyticsOut, summary="Velocity, stability, ROI, competition")
def calculate_analytics(body: AnalyticsIn, _: CurrentIdentity) -> AnalyticsOut:
    """Velocity, price stability, ROI net of fees and holding costs, competition and dead-inventory risk."""
    data, config = _input(body), _rules(body)
    return AnalyticsOut(
        asin=data.asin, title=data.title,
        velocity=_velocity(velocity_insight(data, config, now=_now())),
        price_stability=_stability(stability_insight(data, config)),
        **_profit(roi_net(data, config)),
        competition=CompetitionOut.model_validate(competition(data, config.analytics)),
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
        price_stability=_stability(card.stability), **_profit(card.roi),
        competition=CompetitionOut.model_validate(card.competition),
        dead_inventory_risk=_dead_inventory(card.dead_inventory), risk=_risk(card.risk),
        decision=_recommendation(card.decision),
    )


app = create_app(router, title="ArbitrageVault analytics")
handler = create_handler(app)
