"""Niches: curated templates scored over discovered products, the category analyzer, its CSV export, and counts.

Every paid route passes the token guard for its whole estimate first (429 with Retry-After and
required/balance/deficit when short; nothing is spent). Scoring more candidates than the ingest threshold
finds the candidates in the request (one finder request per template) and queues their analysis as a ``niche``
job: 202 with Location, results at ``/api/v1/batches/{id}/results``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from arbvault.catalog.clients import keepa_client
from arbvault.db import session_scope
from arbvault.discovery.categories import CATEGORIES
from arbvault.jobs.schemas import JobOut, accepted_headers
from arbvault.niches.analyzer import MIN_SAMPLE, RECOMMENDED_CATEGORIES, CategoryNiche, analyze_categories
from arbvault.niches.budget import affordable_count
from arbvault.niches.discover import ScoredNiche, score_niches
from arbvault.niches.export import ExportRow, niches_csv
from arbvault.niches.schemas import AnalyzeIn, DiscoverIn
from arbvault.niches.scoring import AnalysisQuality, CompetitionLevel, Confidence, MissingInput, SampleQuality
from arbvault.niches.templates import TEMPLATES, Family, NicheTemplate
from arbvault.web.app import create_app, create_handler
from arbvault.web.headers import IdempotencyKey
from arbvault.web.identity import AdminIdentity, CurrentIdentity, RoleCheckedRoute
from arbvault.web.openapi_errors import error_responses
from arbvault.web.schema_types import DecimalNumber, DomainId, Text

if TYPE_CHECKING:
    from arbvault.discovery.scoring import ScoredProduct
    from arbvault.keepa.client import KeepaClient

router = APIRouter(prefix="/api/v1/niches", tags=["niches"], responses=error_responses(503),
                   route_class=RoleCheckedRoute)


class TemplateOut(BaseModel):
    id: str
    name: str
    description: str
    family: Family
    category_id: int
    bsr_min: int
    bsr_max: int
    price_min: DecimalNumber
    price_max: DecimalNumber
    sellers_max: int
    roi_min: DecimalNumber = Field(description="percent a product must reach to count")
    velocity_min: DecimalNumber = Field(description="velocity score (0-100) a product must reach to count")

    @classmethod
    def of(cls, template: NicheTemplate) -> TemplateOut:
        return cls.model_validate(template, from_attributes=True)


class TemplatesOut(BaseModel):
    items: list[TemplateOut]
    count: int


class NicheProductOut(BaseModel):
    asin: str
    title: str | None
    bsr: int
    sell_price: DecimalNumber
    sell_price_source: str
    buy_price: DecimalNumber
    net_profit: DecimalNumber
    roi_pct: DecimalNumber
    velocity_score: DecimalNumber
    recommendation: str

    @classmethod
    def of(cls, scored: ScoredProduct) -> NicheProductOut:
        a = scored.analysis
        assert a.profit is not None and a.bsr is not None  # discovery leaves such products out
        return cls(asin=a.asin, title=a.title[:100] if a.title else None, bsr=a.bsr, sell_price=a.profit.sell_price,
                   sell_price_source=str(a.sell_price_source), buy_price=a.profit.buy_price,
                   net_profit=a.profit.net_profit, roi_pct=a.profit.roi_pct, velocity_score=a.velocity.score,
                   recommendation=a.recommendation.label)


class NicheOut(TemplateOut):
    products_found: int = Field(description="products reaching the template's ROI and velocity minima")
    candidates_considered: int
    avg_roi: DecimalNumber | None = Field(description="percent, one decimal; null without products")
    avg_velocity: DecimalNumber | None
    top_products: list[NicheProductOut] = Field(description="the best three")
    tokens_used: int

    @classmethod
    def of_scored(cls, niche: ScoredNiche) -> NicheOut:
        return cls.model_validate({
            **TemplateOut.of(niche.template).model_dump(), "products_found": len(niche.products),
            "candidates_considered": niche.candidates_considered, "avg_roi": niche.avg_roi,
            "avg_velocity": niche.avg_velocity, "tokens_used": niche.tokens_consumed,
            "top_products": [NicheProductOut.of(p) for p in niche.top_products]})


class DiscoverOut(BaseModel):
    niches: list[NicheOut]
    count: int
    tokens_estimated: int
    tokens_used: int
    timestamp: datetime


class EstimateOut(BaseModel):
    """What scoring these templates costs against the balance the guard would use now (free)."""

    templates: int
    tokens_per_niche: int
    tokens_required: int
    balance: int
    deficit: int
    sufficient: bool = Field(description="whether POST /discover would pass the token guard now")
    affordable_count: int = Field(description="templates the balance covers now (0: wait for refills)")
    retry_after_seconds: int | None = Field(description="when refills will have covered the deficit")
    capacity_exceeded: bool = Field(description="more than the plan's bucket ever holds: ask for fewer templates")
    runs_as_job: bool = Field(description="whether POST /discover would answer 202 with a job")


def _check_tokens(client: KeepaClient, required: int) -> None:
    """Pass when the balance covers ``required`` tokens; else nothing is spent: 429 with Retry-After, or 413
    when the plan's bucket never holds that many."""
    from arbvault.catalog.guard import check_tokens  # the token ledger: only the routes that spend tokens load it

    with session_scope() as session:
        check_tokens(session, client, required)


@router.get("/templates", summary="Curated niche templates")
def list_templates(_: CurrentIdentity) -> TemplatesOut:
    """Every template: category, sales-rank and price ranges, and the minima a product must reach."""
    return TemplatesOut(items=[TemplateOut.of(t) for t in TEMPLATES], count=len(TEMPLATES))


@router.post("/discover/estimate", summary="Estimate a niche discovery's Keepa token cost")
def estimate_discovery(body: DiscoverIn, _: CurrentIdentity) -> EstimateOut:
    """The tokens ``POST /discover`` with this body needs, and whether the guard would let it through now."""
    from arbvault.catalog.guard import would_pass  # the token ledger: only the routes that spend tokens load it

    plan = body.plan()
    required = plan.tokens_required
    client = keepa_client(body.domain_id)
    with session_scope() as session:
        answer = would_pass(session, client, required)
    current = answer.current
    return EstimateOut(templates=len(plan.templates), tokens_per_niche=plan.cost.per_niche, tokens_required=required,
                       balance=current.estimated, deficit=max(0, required - current.estimated),
                       sufficient=answer.sufficient,
                       affordable_count=affordable_count(current.estimated, plan.cost),
                       retry_after_seconds=answer.retry_after_seconds, capacity_exceeded=answer.capacity_exceeded,
                       runs_as_job=plan.runs_as_job)


@router.post("/discover", response_model=DiscoverOut, summary="Score curated niches",
             responses={202: {"model": JobOut, "description": "above the threshold: the analysis is a job"},
                        **error_responses(409, 413, 429)})
def discover(body: DiscoverIn, identity: CurrentIdentity,
             idempotency_key: IdempotencyKey = None) -> DiscoverOut | JSONResponse:
    """Score ``count`` templates: each one's candidates analysed by the engine, averages and the best three."""
    plan = body.plan()
    client = keepa_client(body.domain_id)
    _check_tokens(client, plan.tokens_required)
    if plan.runs_as_job:
        from arbvault.niches.jobs import submit_niche_job  # the job tables load only when a job is queued

        submitted = submit_niche_job(plan, owner_key_id=identity.key_id, request_body=body.model_dump(mode="json"),
                                     idempotency_key=idempotency_key, client=client)
        if submitted is not None:
            answer = JobOut.of(submitted.job)
            return JSONResponse(answer.model_dump(mode="json"), status_code=202, headers=accepted_headers(submitted))
    scored = score_niches(plan, client=client)
    niches = [NicheOut.of_scored(n) for n in scored]
    return DiscoverOut(niches=niches, count=len(niches), tokens_estimated=plan.tokens_required,
                       tokens_used=sum(n.tokens_consumed for n in scored), timestamp=datetime.now(UTC))


class MetricsOut(BaseModel):
    avg_sellers: float | None = Field(description="live NEW offers per product (null: no product has a count)")
    avg_bsr: float
    avg_price: float
    stability_ratio: float | None = Field(
        description="price stability, 0-1 (the engine's stability score / 100; null: no history long enough)")
    profit_margin: float = Field(description="average ROI on the buy price, percent")
    total_products: int
    viable_products: int
    competition_level: CompetitionLevel | None = Field(description="from avg_sellers (null with it)")


class CriteriaOut(BaseModel):
    bsr_min: int
    bsr_max: int
    sellers_max: int
    margin_min: float
    stability_min: float
    sample_size: int


class CategoryNicheOut(BaseModel):
    category_id: int
    category_name: Text | None = Field(max_length=200)
    metrics: MetricsOut
    niche_score: float = Field(ge=0, le=10, description="the weighted mean of the factors whose inputs are known")
    confidence_level: Confidence = Field(description="by sample size, one level lower per missing input")
    missing_inputs: list[MissingInput] = Field(
        description="inputs no product of the sample has: their metrics are null and their factor left out")
    sample_quality: SampleQuality
    criteria_used: CriteriaOut

    @classmethod
    def of(cls, niche: CategoryNiche, criteria: CriteriaOut) -> CategoryNicheOut:
        m = niche.metrics
        return cls(category_id=niche.category_id, category_name=niche.category_name,
                   metrics=MetricsOut(avg_sellers=m.avg_sellers, avg_bsr=m.avg_bsr, avg_price=m.avg_price,
                                      stability_ratio=m.price_stability, profit_margin=m.profit_margin,
                                      total_products=m.total_products, viable_products=m.viable_products,
                                      competition_level=m.competition_level),
                   niche_score=niche.niche_score, confidence_level=niche.confidence,
                   missing_inputs=list(m.missing_inputs), sample_quality=niche.sample_quality,
                   criteria_used=criteria)


class AnalyzeOut(BaseModel):
    discovered_niches: list[CategoryNicheOut]
    total_categories_analyzed: int
    categories_skipped: list[int] = Field(description=f"fewer than {MIN_SAMPLE} analysable products in the rank range")
    analysis_duration_seconds: float
    criteria_used: CriteriaOut
    avg_niche_score: float | None
    best_niche_score: float | None
    analysis_quality: AnalysisQuality
    tokens_estimated: int
    tokens_used: int


@router.post("/analyze", summary="Analyze categories as niches", responses=error_responses(413, 429))
def analyze(body: AnalyzeIn, _: CurrentIdentity) -> AnalyzeOut:
    """Sample each category's products in the rank range, analyse them, and score each category 1-10."""
    plan = body.plan()
    required = plan.tokens_required
    client = keepa_client(body.domain_id)
    _check_tokens(client, required)
    result = analyze_categories(plan.criteria, list(plan.category_ids), max_results=body.max_results,
                                domain_id=body.domain_id, offers=plan.offers, client=client)
    used = CriteriaOut(**body.criteria.model_dump())
    scores = [n.niche_score for n in result.niches]
    return AnalyzeOut(
        discovered_niches=[CategoryNicheOut.of(n, used) for n in result.niches],
        total_categories_analyzed=result.categories_analysed, categories_skipped=result.categories_skipped,
        analysis_duration_seconds=round((result.finished_at - result.started_at).total_seconds(), 3),
        criteria_used=used,
        avg_niche_score=round(sum(scores) / len(scores), 1) if scores else None,
        best_niche_score=max(scores, default=None), analysis_quality=result.quality,
        tokens_estimated=required, tokens_used=result.tokens_consumed)


class CategoryOut(BaseModel):
    category_id: int
    category_name: str
    parent_category_id: int | None
    recommended: bool = Field(description="analysed when a request names no categories")


class CategoriesOut(BaseModel):
    categories: list[CategoryOut]
    count: int
    recommended_category_ids: list[int]


@router.get("/categories", summary="Categories the analyzer can score")
def categories(_: CurrentIdentity) -> CategoriesOut:
    """The book subjects (not the department roots) the analyzer samples, and the recommended ones."""
    items = [CategoryOut(category_id=c.id, category_name=c.name, parent_category_id=c.parent_id,
                         recommended=c.id in RECOMMENDED_CATEGORIES) for c in CATEGORIES if not c.is_root]
    return CategoriesOut(categories=items, count=len(items), recommended_category_ids=list(RECOMMENDED_CATEGORIES))


class ExportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    niches: list[CategoryNicheOut] = Field(min_length=1, max_length=500,
                                           description="niches as POST /analyze returned them")


@router.post("/export", summary="Export niches as CSV", response_class=Response,
             responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                              "description": "RFC 4180 CSV, a header and one line per niche"}})
def export(body: ExportIn, identity: CurrentIdentity) -> Response:
    """The niches as CSV (13 columns); text that a spreadsheet would run as a formula is prefixed with '."""
    rows = [ExportRow(category_name=n.category_name or str(n.category_id), niche_score=n.niche_score,
                      avg_sellers=n.metrics.avg_sellers, avg_bsr=n.metrics.avg_bsr,
                      profit_margin_pct=n.metrics.profit_margin, price_stability=n.metrics.stability_ratio,
                      viable_products=n.metrics.viable_products, competition_level=n.metrics.competition_level,
                      confidence_level=n.confidence_level, recommended_bsr_min=n.criteria_used.bsr_min,
                      recommended_bsr_max=n.criteria_used.bsr_max,
                      recommended_sellers_max=n.criteria_used.sellers_max,
                      recommended_margin_min_pct=n.criteria_used.margin_min) for n in body.niches]
    filename = f"niches_{identity.key_id}_{int(time.time())}.csv"
    return Response(niches_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class StatsOut(BaseModel):
    template_count: int
    category_count: int
    recommended_category_count: int
    niche_jobs_by_status: dict[str, int]
    niche_products_queued: int = Field(description="products all niche jobs were given")
    candidate_lists_stored: int
    candidate_lists_fresh: int = Field(description="younger than the discovery TTL (served without tokens)")


@router.get("/stats", summary="Niche counts (admin)")
def stats(_: AdminIdentity, domain_id: DomainId = 1) -> StatsOut:
    """Real counts from the database for one Keepa domain: niche jobs per status, products queued, candidate
    lists stored."""
    from arbvault.niches.stats import niche_stats  # the job and cache tables: this admin route alone reads them

    with session_scope() as session:
        counts = niche_stats(session, domain_id=domain_id)
    return StatsOut(template_count=len(TEMPLATES), category_count=sum(not c.is_root for c in CATEGORIES),
                    recommended_category_count=len(RECOMMENDED_CATEGORIES),
                    niche_jobs_by_status=counts.niche_jobs_by_status,
                    niche_products_queued=counts.niche_products_queued,
                    candidate_lists_stored=counts.candidate_lists_stored,
                    candidate_lists_fresh=counts.candidate_lists_fresh)


app = create_app(router, title="ArbitrageVault niches")
handler = create_handler(app)
