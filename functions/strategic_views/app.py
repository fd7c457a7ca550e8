"""Strategic views: five rankings of a product list (profit hunter, velocity, cashflow hunter, volume player,
balanced score), their filters, and target sell prices per view's ROI target.

Every input comes from the product's Keepa data through the catalog's snapshots (0 tokens on a repeat) and the
engine: ROI and profit from the same buy price and fee model as ingest, monthly and quarterly sales from
sales-rank drops, sellers from the offers, Amazon's presence from its offers, price history and Buy Box history,
volatility from the price history, demand consistency from the rank against the category benchmark and
confidence from the real data age. An input the data does not give is listed in ``missing_inputs``; it never
takes a made-up value. The views live under ``/strategic-views`` (``/views`` is the view scores), an unknown
view is a 404 listing the five, and the filters are ``roi_min`` and ``sales_min``. Scores and target prices:
docs/rules.md#strategic-views.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from arbvault.catalog.fetch_options import DEFAULT_STATS_DAYS, FetchOptions
from arbvault.catalog.screening import parse_identifiers
from arbvault.engine.conditions import BuyCondition
from arbvault.engine.strategic import SALES_TIERS, STRATEGIC_VIEWS, StrategicView
from arbvault.engine.targets import view_roi_target
from arbvault.exceptions import InvalidInputError
from arbvault.identifiers import Identifier
from arbvault.views.schemas import AnalysedProductOut
from arbvault.views.strategic import (
    VIEW_PATHS,
    StrategicProduct,
    TargetPrice,
    ViewFilters,
    strategic_ranking,
    strategic_view_of,
    target_prices,
)
from arbvault.web.app import create_app, create_handler
from arbvault.web.identity import CurrentIdentity
from arbvault.web.openapi_errors import error_responses
from arbvault.web.schema_types import DecimalNumber, DomainId, Offers, Percent, PriceIn, StrategyName, Text

router = APIRouter(prefix="/api/v1/strategic-views", tags=["strategic-views"], responses=error_responses(503))

RANKING_MAX = 50
TARGETS_MAX = 20
TIERS = [tier for _, tier in SALES_TIERS] + ["DEAD"]
ViewType = Annotated[str, Path(min_length=1, max_length=50, description=", ".join(VIEW_PATHS))]
AsinList = Annotated[Text, Field(max_length=1000)]
Asins = Annotated[list[AsinList], Query(min_length=1, max_length=RANKING_MAX,
                                        description="ASINs or ISBNs, comma-separated and/or repeated")]
BuyPrice = Annotated[PriceIn | None, Query(description="your acquisition cost; else the strategy's buy source")]
BuyConditionQuery = Annotated[BuyCondition | None, Query(description="condition of the copy at buy_price; else the "
                                                                     "strategy's default condition")]
Strategy = Annotated[StrategyName | None, Query()]


def _options(offers: int | None) -> FetchOptions:
    # The Buy Box history tells whether Amazon wins the Buy Box (2 tokens a product; offers include it).
    return FetchOptions(stats_days=DEFAULT_STATS_DAYS, offers=offers, buybox=True)


def _asins(given: list[str], maximum: int) -> list[Identifier]:
    values = [value.strip() for text in given for value in text.split(",")]
    if any(not value for value in values):
        raise InvalidInputError("asins has an empty entry",
                                details=[{"field": "query.asins", "code": "asins_empty_entry",
                                          "message": "remove the empty entries"}])
    wanted = parse_identifiers(values, field_name="asins")
    if len(wanted) > maximum:
        raise InvalidInputError(f"at most {maximum} distinct identifiers per request, {len(wanted)} given",
                                details=[{"field": "query.asins", "code": "too_many_identifiers",
                                          "message": f"at most {maximum}"}])
    return wanted


class StrategicViewOut(BaseModel):
    view_type: str
    name: str
    description: str
    best_for: str
    roi_target_pct: DecimalNumber
    sorted_by: str


def _view_out(view: StrategicView) -> StrategicViewOut:
    return StrategicViewOut(view_type=view.key.replace("_", "-"), name=view.name, description=view.description,
                            best_for=view.best_for, roi_target_pct=view_roi_target(view.key) * 100,
                            sorted_by=view.sort_by)


class StrategicViewsOut(BaseModel):
    views: list[StrategicViewOut]


class StrategicProductOut(AnalysedProductOut):
    category: str | None
    roi_pct: DecimalNumber | None = Field(description="null without a buy or a sell price")
    velocity_score: DecimalNumber | None = Field(description="the engine's 0-100 velocity; null without rank or drops")
    monthly_sales: int | None = Field(description="from 30-day sales-rank drops")
    quarterly_sales: int | None = Field(description="from 90-day sales-rank drops")
    sales_tier: str | None = Field(description="PREMIUM, HIGH, MEDIUM, LOW or DEAD by monthly sales")
    opportunity_score: DecimalNumber | None
    opportunity_grade: str | None
    cashflow_potential: DecimalNumber | None = Field(description="monthly sales x net profit")
    seller_count: int | None
    fba_seller_count: int | None
    seller_count_source: str
    amazon_buy_box_share_pct: DecimalNumber | None
    competition_level: str | None = Field(description="LOW, MEDIUM or HIGH")
    price_volatility: DecimalNumber | None = Field(description="0-1, newest price against the history's average")
    demand_consistency: DecimalNumber | None = Field(description="0-1, rank against the category benchmark")
    data_confidence: DecimalNumber = Field(description="0-1: data age, completeness, inputs present")
    data_age_days: DecimalNumber | None
    risk_index: DecimalNumber = Field(description="0-1: volatility, inconsistent demand, low confidence")
    strategic_score: DecimalNumber | None = Field(description="0-100 under the view's weights; null while the ROI "
                                                  "is unknown")
    missing_inputs: list[str] = Field(description="inputs the data did not give: roi, monthly_sales, seller_count, "
                                      "volatility, demand_consistency")

    @classmethod
    def of(cls, product: StrategicProduct) -> StrategicProductOut:
        analysed, signals, score = product.analysed, product.signals, product.score
        a, inputs = analysed.analysis, signals.inputs
        return cls(
            **cls.analysed_fields(analysed), category=a.category, velocity_score=inputs.velocity,
            monthly_sales=signals.sales.monthly, quarterly_sales=signals.sales.quarterly,
            sales_tier=signals.sales.tier, opportunity_score=product.opportunity_score,
            opportunity_grade=product.opportunity_grade, cashflow_potential=product.cashflow_potential,
            seller_count=signals.sellers.sellers, fba_seller_count=signals.sellers.fba_sellers,
            seller_count_source=signals.sellers.source, amazon_buy_box_share_pct=signals.amazon_buy_box_share_pct,
            competition_level=score.competition, price_volatility=inputs.volatility,
            demand_consistency=inputs.demand_consistency, data_confidence=score.data_confidence,
            data_age_days=a.data_age_days, risk_index=score.risk, strategic_score=score.score,
            missing_inputs=list(score.missing_inputs))


class RankingOut(BaseModel):
    view_type: str
    total_analyzed: int
    results_found: int = Field(description="products passing the filters")
    results_returned: int
    results: list[StrategicProductOut]
    not_found_identifiers: list[str]
    sorted_by: str
    filters_applied: dict[str, Any]
    tokens_used: int
    snapshot_hits: int


class TargetPriceOut(StrategicProductOut):
    target_price: DecimalNumber | None
    roi_target_pct: DecimalNumber
    total_costs: DecimalNumber | None = Field(description="buy price plus the costs that do not scale with the "
                                              "price: closing, FBA, inbound, prep, storage")
    price_achievable: bool | None = Field(description="target at most 5 % above the market (sell) price")
    price_gap_pct: DecimalNumber | None = Field(description="(target - market) / market, percent")
    target_error: str | None

    @classmethod
    def of_target(cls, entry: TargetPrice, roi_target: Decimal) -> TargetPriceOut:
        target = entry.target
        return cls(**StrategicProductOut.of(entry.product).model_dump(),
                   target_price=round(target.target_price, 2) if target else None,
                   roi_target_pct=roi_target * 100, total_costs=round(target.total_costs, 2) if target else None,
                   price_achievable=target.achievable if target else None,
                   price_gap_pct=round(target.gap_pct, 2) if target and target.gap_pct is not None else None,
                   target_error=entry.error)


class ExcludedOut(BaseModel):
    asin: str
    reasons: list[str]


class AmazonFilterOut(BaseModel):
    enabled: bool
    excluded_count: int
    excluded_products: list[ExcludedOut]


class TargetSummaryOut(BaseModel):
    total_products: int
    achievable_opportunities: int
    achievable_percentage: DecimalNumber | None
    avg_target_price: DecimalNumber | None
    avg_strategic_score: DecimalNumber | None
    total_potential_profit: DecimalNumber = Field(description="net profit at the market price, achievable ones")
    amazon_exclusions: AmazonFilterOut


class TargetPricesOut(BaseModel):
    view_type: str
    name: str
    description: str
    roi_target_pct: DecimalNumber
    products_count: int
    products: list[TargetPriceOut] = Field(description="best strategic score first")
    summary: TargetSummaryOut
    not_found_identifiers: list[str]
    tokens_used: int
    snapshot_hits: int


@router.get("", summary="The strategic views")
def list_strategic_views(_: CurrentIdentity) -> StrategicViewsOut:
    """The five views: what each is for, its ROI target and what it sorts by."""
    return StrategicViewsOut(views=[_view_out(view) for view in STRATEGIC_VIEWS.values()])


def _tiers(text: str | None) -> list[str] | None:
    if text is None:
        return None
    tiers = [value.strip().upper() for value in text.split(",") if value.strip()]
    unknown = [tier for tier in tiers if tier not in TIERS]
    if unknown:
        raise InvalidInputError(f"unknown velocity tier(s): {', '.join(unknown)}",
                                details=[{"field": "query.velocity_tiers", "code": "velocity_tier_unknown",
                                          "message": f"use {', '.join(TIERS)}"}])
    return tiers or None


@router.get("/{view_type}", summary="Rank products for a strategic view", responses=error_responses(404, 413, 429))
def get_strategic_view(
    view_type: ViewType,
    asins: Asins,
    _: CurrentIdentity,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    roi_min: Annotated[Percent | None, Query(description="minimum ROI, percent")] = None,
    sales_min: Annotated[int | None, Query(ge=0, le=1_000_000, description="minimum monthly sales")] = None,
    velocity_tiers: Annotated[Text | None, Query(max_length=200, description=f"comma-separated: {', '.join(TIERS)}")]
    = None,
    buy_price: BuyPrice = None,
    buy_condition: BuyConditionQuery = None,
    strategy: Strategy = None,
    domain_id: Annotated[DomainId, Query()] = 1,
    offers: Annotated[Offers | None, Query()] = None,
) -> RankingOut:
    """Up to 50 products ranked for the view: profit-hunter by ROI, velocity and volume-player by monthly sales,
    cashflow-hunter by monthly sales x profit, balanced-score by opportunity score (products without the value
    last)."""
    view = strategic_view_of(view_type)
    tiers = _tiers(velocity_tiers)
    filters = ViewFilters(roi_min=roi_min, sales_min=sales_min, velocity_tiers=tiers)
    ranking = strategic_ranking(view_type, _asins(asins, RANKING_MAX), filters=filters, limit=limit,
                                buy_price=buy_price, buy_condition=buy_condition, strategy=strategy,
                                domain_id=domain_id, options=_options(offers))
    applied = {"roi_min": roi_min, "sales_min": sales_min, "velocity_tiers": tiers, "limit": limit}
    return RankingOut(view_type=view_type, total_analyzed=ranking.analysed_count, results_found=ranking.matched,
                      results_returned=len(ranking.products),
                      results=[StrategicProductOut.of(p) for p in ranking.products],
                      not_found_identifiers=list(ranking.not_found), sorted_by=view.sort_by,
                      filters_applied={k: float(v) if isinstance(v, Decimal) else v
                                       for k, v in applied.items() if v is not None},
                      tokens_used=ranking.tokens_consumed, snapshot_hits=ranking.snapshot_hits)


@router.get("/{view_type}/target-prices", summary="Target sell prices for a strategic view",
            responses=error_responses(404, 413, 429))
def get_target_prices(
    view_type: ViewType,
    asins: Asins,
    _: CurrentIdentity,
    amazon_filter: Annotated[bool, Query(description="leave out products Amazon competes on")] = True,
    buy_price: BuyPrice = None,
    buy_condition: BuyConditionQuery = None,
    strategy: Strategy = None,
    domain_id: Annotated[DomainId, Query()] = 1,
    offers: Annotated[Offers | None, Query()] = None,
) -> TargetPricesOut:
    """Up to 20 products: the sell price that meets the view's ROI target on the product's buy price and fees,
    whether the market price reaches it, and the strategic score."""
    view = strategic_view_of(view_type)
    result = target_prices(view_type, _asins(asins, TARGETS_MAX), amazon_filter=amazon_filter,
                           buy_price=buy_price, buy_condition=buy_condition, strategy=strategy, domain_id=domain_id,
                           options=_options(offers))
    excluded = [ExcludedOut(asin=e.asin, reasons=list(e.reasons)) for e in result.excluded]
    summary = TargetSummaryOut(**result.summary(), amazon_exclusions=AmazonFilterOut(
        enabled=amazon_filter, excluded_count=len(excluded), excluded_products=excluded))
    return TargetPricesOut(view_type=view_type, name=view.name, description=view.description,
                           roi_target_pct=result.roi_target * 100, products_count=len(result.products),
                           products=[TargetPriceOut.of_target(p, result.roi_target) for p in result.products],
                           summary=summary, not_found_identifiers=list(result.not_found),
                           tokens_used=result.tokens_consumed, snapshot_hits=result.snapshot_hits)


app = create_app(router, title="ArbitrageVault strategic views")
handler = create_handler(app)
