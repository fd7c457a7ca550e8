"""Views: products scored for one screen of the app (dashboard, niches, ...) from ROI, velocity and stability.

Each view weighs the three metrics its own way; the score divides by the weight sum, so it stays on the
metrics' 0-100 scale (docs/rules.md#view-scores). Products come through the catalog's snapshots (0 tokens on a
repeat) and the engine, so a product has the same ROI here as in ingest. An unknown view is a 404 listing the
six, and an unknown product is an entry of ``errors`` instead of a failed request.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from arbvault.catalog.fetch_options import DEFAULT_STATS_DAYS, FetchOptions
from arbvault.catalog.screening import parse_identifiers
from arbvault.engine.conditions import BuyCondition
from arbvault.engine.view_scores import STRATEGY_BOOSTS, VIEW_NAMES, VIEW_WEIGHTS, Metric
from arbvault.views.schemas import AnalysedProductOut
from arbvault.views.scoring import ScoredProduct, score_view
from arbvault.web.app import create_app, create_handler
from arbvault.web.identity import CurrentIdentity
from arbvault.web.openapi_errors import error_responses
from arbvault.web.schema_types import DecimalNumber, DomainId, Offers, PriceIn, StrategyName

router = APIRouter(prefix="/api/v1/views", tags=["views"], responses=error_responses(503))

IDENTIFIERS_MAX = 100
ViewName = Annotated[str, Path(min_length=1, max_length=50, description=f"one of {', '.join(VIEW_NAMES)}")]


class ViewWeights(BaseModel):
    roi_weight: DecimalNumber
    velocity_weight: DecimalNumber
    stability_weight: DecimalNumber

    @classmethod
    def of(cls, weights: Mapping[Metric, Decimal]) -> ViewWeights:
        """Each weight's share of their sum (4 dp)."""
        total = sum(weights.values(), Decimal(0))
        return cls(**{f"{metric}_weight": round(weight / total, 4) for metric, weight in weights.items()})


class StrategyBoosts(BaseModel):
    roi_boost: DecimalNumber
    velocity_boost: DecimalNumber
    stability_boost: DecimalNumber


class ScoreComponents(BaseModel):
    roi_points: DecimalNumber
    velocity_points: DecimalNumber
    stability_points: DecimalNumber


class ViewOut(BaseModel):
    view_type: str
    weights: ViewWeights = Field(description="each metric's share of the score (they sum to 1)")


class ViewsOut(BaseModel):
    views: list[ViewOut]
    strategy_boosts: dict[str, StrategyBoosts] = Field(description="per strategy, a factor on each metric")


class ViewScoresIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identifiers: list[str] = Field(min_length=1, max_length=IDENTIFIERS_MAX,
                                   description="ASINs, ISBN-10s or ISBN-13s; duplicates count once")
    strategy: StrategyName | None = Field(default=None, description="analyse under this strategy and apply its "
                                          "boosts (textbook, velocity, balanced); else chosen per product")
    buy_price: PriceIn | None = Field(default=None, description="your acquisition cost; else the strategy's source")
    buy_condition: BuyCondition | None = Field(default=None, description="condition of the copy at buy_price; "
                                               "else the strategy's default condition")
    domain_id: DomainId = 1
    offers: Offers | None = None


class RawMetrics(BaseModel):
    roi_pct: DecimalNumber
    velocity_score: DecimalNumber
    stability_score: DecimalNumber


class ViewProductOut(AnalysedProductOut):
    rank: int
    score: DecimalNumber = Field(description="0-100")
    weights_applied: ViewWeights
    components: ScoreComponents = Field(description="each metric's contribution to the score, without boosts")
    raw_metrics: RawMetrics = Field(description="the metrics scored, clamped to 0-100")
    missing_metrics: list[str] = Field(description="metrics the data did not give; scored as ROI 0, velocity 0, "
                                       "stability 50")
    max_buy_price: DecimalNumber | None
    velocity_tier: str

    @classmethod
    def of(cls, scored: ScoredProduct) -> ViewProductOut:
        a = scored.analysed.analysis
        s = scored.score
        return cls(
            **cls.analysed_fields(scored.analysed), rank=scored.rank, score=s.score,
            weights_applied=ViewWeights.of(s.weights),
            components=ScoreComponents(**{f"{m}_points": points for m, points in s.components.items()}),
            raw_metrics=RawMetrics(roi_pct=s.raw_metrics["roi"], velocity_score=s.raw_metrics["velocity"],
                                   stability_score=s.raw_metrics["stability"]),
            missing_metrics=list(scored.missing_metrics), max_buy_price=a.max_buy_price,
            velocity_tier=a.velocity_tier)


class ProductErrorOut(BaseModel):
    identifier: str
    code: str = Field(description="PRODUCT_NOT_FOUND")
    message: str


class ScoringMetadata(BaseModel):
    view_type: str
    weights_used: ViewWeights
    strategy_requested: str | None
    total_products: int
    successful_scores: int
    failed_scores: int
    avg_score: DecimalNumber | None = Field(description="mean score of the products scored, 2 dp")


class ViewScoresOut(BaseModel):
    products: list[ViewProductOut] = Field(description="best score first, rank 1..n")
    errors: list[ProductErrorOut]
    metadata: ScoringMetadata
    tokens_used: int
    snapshot_hits: int = Field(description="products served from stored snapshots (0 tokens)")


@router.get("", summary="The views and their weights")
def list_views(_: CurrentIdentity) -> ViewsOut:
    """The six views with each metric's share of the score, and the strategies' boosts."""
    return ViewsOut(views=[ViewOut(view_type=view, weights=ViewWeights.of(VIEW_WEIGHTS[view])) for view in VIEW_NAMES],
                    strategy_boosts={name: StrategyBoosts(**{f"{m}_boost": b for m, b in boosts.items()})
                                     for name, boosts in STRATEGY_BOOSTS.items()})


@router.post("/{view_type}", summary="Score products for a view", responses=error_responses(404, 413, 429))
def post_view_scores(view_type: ViewName, body: ViewScoresIn, _: CurrentIdentity) -> ViewScoresOut:
    """Score each product for the view (0-100), best first; identifiers Keepa does not know are listed in
    ``errors``."""
    wanted = parse_identifiers(body.identifiers)
    result = score_view(view_type, wanted, strategy=body.strategy, buy_price=body.buy_price,
                        buy_condition=body.buy_condition,
                        domain_id=body.domain_id, options=FetchOptions(stats_days=DEFAULT_STATS_DAYS,
                                                                       offers=body.offers))
    errors = [ProductErrorOut(identifier=value, code="PRODUCT_NOT_FOUND", message="Keepa has no product for it")
              for value in result.not_found]
    metadata = ScoringMetadata(view_type=view_type, weights_used=ViewWeights.of(VIEW_WEIGHTS[view_type]),
                               strategy_requested=body.strategy, total_products=len(wanted),
                               successful_scores=len(result.products), failed_scores=len(errors),
                               avg_score=result.average_score)
    return ViewScoresOut(products=[ViewProductOut.of(p) for p in result.products], errors=errors,
                         metadata=metadata, tokens_used=result.tokens_consumed, snapshot_hits=result.snapshot_hits)


app = create_app(router, title="ArbitrageVault views")
handler = create_handler(app)
