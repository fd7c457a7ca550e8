"""Products: discovery (Keepa's product finder or best sellers), discovery with scoring, categories, stock estimate.

Discovery results are kept 24 hours per filter set, products come through the catalog's snapshots, and every
paid Keepa call passes the token guard first (429 with Retry-After and required/balance/deficit when short).
Liveness of this function is the health function's job, so there is no /products/health route.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from arbvault.discovery.candidates import find_candidates
from arbvault.discovery.categories import BOOKS, CATEGORIES, US_DOMAIN, Category
from arbvault.discovery.filters import DiscoveryFilters, Exclusion
from arbvault.engine.conditions import BuyCondition
from arbvault.web.app import create_app, create_handler
from arbvault.web.identity import CurrentIdentity
from arbvault.web.openapi_errors import error_responses
from arbvault.web.schema_types import DomainId, Money, Percent, PriceIn, ProductIdentifier, Score, StrategyName

if TYPE_CHECKING:
    from arbvault.discovery.scoring import ScoredProduct

router = APIRouter(prefix="/api/v1/products", tags=["products"], responses=error_responses(503))

TITLE_MAX = 100
Rank = Annotated[int, Field(ge=1, le=100_000_000, description="Amazon sales rank")]
Source = Literal["cache", "keepa"]


class FiltersIn(BaseModel):
    """What to look for; absent filters do not restrict. A category alone reads its best-seller list."""

    model_config = ConfigDict(extra="forbid")

    domain_id: DomainId = US_DOMAIN
    category_id: int | None = Field(default=None, ge=1, le=2**63 - 1,
                                    description=f"Keepa category id, e.g. {BOOKS} (Books)")
    bsr_min: Rank | None = None
    bsr_max: Rank | None = None
    price_min: Money | None = Field(default=None, description="dollars (sent to Keepa in cents)")
    price_max: Money | None = Field(default=None, description="dollars (sent to Keepa in cents)")

    def filters(self) -> DiscoveryFilters:
        return DiscoveryFilters(domain_id=self.domain_id, category=self.category_id, bsr_min=self.bsr_min,
                                bsr_max=self.bsr_max, price_min=self.price_min, price_max=self.price_max)


class DiscoverIn(FiltersIn):
    max_results: int = Field(default=50, ge=1, le=200)


class DiscoverOut(BaseModel):
    asins: list[str]
    count: int
    query: dict[str, Any] = Field(description="the request without absent fields")
    total_results: int = Field(description="products matching at Keepa (may exceed what is returned)")
    cache_hit: bool
    source: Source
    tokens_used: int = Field(description="tokens this request spent (0 from the cache)")
    fetched_at: datetime = Field(description="when Keepa answered")


class ScoringIn(FiltersIn):
    max_results: int = Field(default=20, ge=1, le=100)
    roi_min: Percent | None = Field(default=None, ge=-100, le=10_000, description="minimum ROI, percent")
    velocity_min: Score | None = Field(default=None, description="minimum velocity score, 0-100")
    buy_price: PriceIn | None = Field(default=None,
                                      description="your acquisition cost for every product; else the strategy's")
    buy_condition: BuyCondition | None = Field(default=None, description="condition of the copy at buy_price; "
                                               "else the strategy's default condition")
    strategy: StrategyName | None = None
    force_refresh: bool = Field(default=False, description="bypass the discovery cache and product snapshots")


class ScoredProductOut(BaseModel):
    asin: str
    title: str | None = Field(description=f"at most {TITLE_MAX} characters")
    category: str | None
    sell_price: float = Field(description="the sell price the analysis used")
    sell_price_source: str
    bsr: int
    buy_price: float
    buy_price_source: str
    buy_condition: str
    fees: float
    net_profit: float
    roi_pct: float
    velocity_score: float
    velocity_tier: str
    combined_score: float
    recommendation: str
    overall_rating: str
    strategy: str
    data_fetched_at: datetime
    offers_count: int | None = Field(description="current offers of every condition, as Keepa counts them")
    condition_options: list[dict[str, Any]] = Field(
        description="the cheapest live offer per buyable condition, bought and sold at the sell price")
    condition_options_note: str | None = Field(description="why condition_options is empty (null when it is not)")

    @classmethod
    def of(cls, scored: ScoredProduct) -> ScoredProductOut:
        from arbvault.catalog.records import to_json

        a = scored.analysis
        assert a.profit is not None and a.fees is not None and a.bsr is not None  # excluded otherwise
        return cls(asin=a.asin, title=a.title[:TITLE_MAX] if a.title else None, category=a.category,
                   sell_price=float(a.profit.sell_price), sell_price_source=str(a.sell_price_source), bsr=a.bsr,
                   buy_price=float(a.profit.buy_price), buy_price_source=str(a.buy_price_source),
                   buy_condition=a.buy_condition,
                   fees=float(a.fees.total), net_profit=float(a.profit.net_profit), roi_pct=float(a.profit.roi_pct),
                   velocity_score=float(a.velocity.score), velocity_tier=a.velocity_tier,
                   combined_score=float(a.combined_score), recommendation=a.recommendation.label,
                   overall_rating=a.overall_rating, strategy=a.strategy, data_fetched_at=scored.fetched_at,
                   offers_count=scored.offers_count, condition_options=to_json(a.condition_options),
                   condition_options_note=scored.condition_options_note)


class ScoringMetadata(BaseModel):
    filters_applied: dict[str, Any]
    timestamp: datetime
    source: Source = Field(description="cache only when nothing was fetched from Keepa (candidates nor products)")
    candidates_source: Source = Field(description="where the candidate list came from")
    products_fetched: int = Field(description="candidates asked of Keepa (the others came from stored snapshots)")
    tokens_used: int = Field(description="discovery and product lookups, by this request")
    candidates_considered: int
    excluded: dict[Exclusion, int]
    snapshot_hits: int = Field(description="products served from stored snapshots (0 tokens)")
    discovery_fetched_at: datetime


class ScoringOut(BaseModel):
    products: list[ScoredProductOut]
    count: int
    cache_hit: bool = Field(description=(
        "true only when nothing was fetched from Keepa: candidates from the discovery cache, products from snapshots"))
    metadata: ScoringMetadata


class CategoryOut(BaseModel):
    category_id: int
    key: str
    name: str
    parent_category_id: int | None
    is_root: bool
    domain_id: int = US_DOMAIN
    known_to_keepa: bool | None = Field(default=None, description="with refresh=true: Keepa knows the id")
    keepa_name: str | None = None
    product_count: int | None = None
    is_browse_node: bool | None = None

    @classmethod
    def of(cls, category: Category) -> CategoryOut:
        return cls(category_id=category.id, key=category.key, name=category.name,
                   parent_category_id=category.parent_id, is_root=category.is_root)


class CategoriesOut(BaseModel):
    categories: list[CategoryOut]
    source: Literal["table", "keepa"]
    tokens_used: int


class StockOut(BaseModel):
    asin: str
    units_available_estimate: int
    offers_fba: int
    offers_mfn: int
    price_target: float | None
    source: Literal["fresh", "cache", "cache_fallback", "no_data"]
    updated_at: datetime = Field(description="when Keepa reported these offers")
    ttl_seconds_left: int
    tokens_used: int


def _given(body: BaseModel) -> dict[str, Any]:
    """The request's fields without the absent ones, amounts as JSON numbers."""
    return {name: float(value) if isinstance(value, Decimal) else value
            for name, value in body.model_dump(exclude_none=True).items()}


@router.post("/discover", summary="Discover products", responses=error_responses(429))
def discover(body: DiscoverIn, _: CurrentIdentity) -> DiscoverOut:
    """Candidate ASINs, best sales rank first, from the product finder or a category's best sellers."""
    found = find_candidates(body.filters())
    asins = list(found.asins[:body.max_results])
    return DiscoverOut(asins=asins, count=len(asins), query=_given(body),
                       total_results=found.stored.total_results, cache_hit=found.from_cache,
                       source="cache" if found.from_cache else "keepa", tokens_used=found.tokens_consumed,
                       fetched_at=found.stored.fetched_at)


@router.post("/discover-with-scoring", summary="Discover and score products", responses=error_responses(413, 429))
def discover_scored(body: ScoringIn, _: CurrentIdentity) -> ScoringOut:
    """Discovered products analysed by the engine, filtered by ROI and velocity, best combined score first."""
    from arbvault.discovery.scoring import ScoringCriteria, discover_with_scoring  # the engine serves this route only

    criteria = ScoringCriteria(roi_min=body.roi_min, velocity_min=body.velocity_min, buy_price=body.buy_price,
                               buy_condition=body.buy_condition, strategy=body.strategy)
    filters = body.filters()
    result = discover_with_scoring(filters, max_results=body.max_results, criteria=criteria,
                                   force_refresh=body.force_refresh)
    products = [ScoredProductOut.of(scored) for scored in result.products]
    metadata = ScoringMetadata(
        filters_applied=_given(body), timestamp=result.scored_at,
        source="cache" if result.from_cache else "keepa",
        candidates_source="cache" if result.candidates.from_cache else "keepa",
        products_fetched=result.products_fetched, tokens_used=result.tokens_consumed,
        candidates_considered=result.considered, excluded=result.excluded, snapshot_hits=result.snapshot_hits,
        discovery_fetched_at=result.candidates.stored.fetched_at,
    )
    return ScoringOut(products=products, count=len(products), cache_hit=result.from_cache,
                      metadata=metadata)


@router.get("/categories", summary="Product categories", responses=error_responses(429))
def categories(_: CurrentIdentity, refresh: bool = False) -> CategoriesOut:
    """The category ids discovery is used with; ``refresh=true`` checks them against Keepa (2 tokens)."""
    if not refresh:
        return CategoriesOut(categories=[CategoryOut.of(c) for c in CATEGORIES], source="table", tokens_used=0)
    from arbvault.discovery.category_lookup import refresh_categories

    live = refresh_categories()
    items = []
    for entry in live.items:
        item = CategoryOut.of(entry.category)
        item.known_to_keepa = entry.keepa is not None
        if entry.keepa is not None:
            item.keepa_name, item.product_count = entry.keepa.name, entry.keepa.product_count
            item.is_browse_node = entry.keepa.is_browse_node
        items.append(item)
    return CategoriesOut(categories=items, source="keepa", tokens_used=live.tokens_consumed)


@router.get("/{asin}/stock-estimate", summary="Stock estimate", responses=error_responses(404, 429))
def get_stock_estimate(
    asin: ProductIdentifier,
    _: CurrentIdentity,
    price_target: Annotated[PriceIn | None, Query(description="count FBA offers within 15 % of it")] = None,
) -> StockOut:
    """Units buyable now from live FBA offers (cap 10), kept 24 hours; a stale copy when Keepa is down."""
    from arbvault.discovery.stock import stock_estimate

    answer = stock_estimate(asin, price_target=price_target)
    estimate = answer.estimate
    return StockOut(asin=answer.asin, units_available_estimate=estimate.units_available_estimate,
                    offers_fba=estimate.offers_fba, offers_mfn=estimate.offers_mfn,
                    price_target=float(price_target) if price_target is not None else None, source=answer.source,
                    updated_at=answer.updated_at, ttl_seconds_left=answer.ttl_seconds_left,
                    tokens_used=answer.tokens_consumed)


app = create_app(router, title="ArbitrageVault products")
handler = create_handler(app)
