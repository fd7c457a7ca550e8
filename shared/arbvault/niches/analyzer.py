"""The category analyzer: a sample of each category's products in a sales-rank range, scored as a niche.

Each category's sample is its candidates in the rank range (one product-finder request), analysed by the
engine; products Amazon sells or without a price or rank are left out. Per product: sellers = live NEW offers
as Keepa counts them, sales rank, sell price, price stability (the engine's, 0-1) and margin = the engine's
ROI percent. A product is viable when all four meet the criteria. Categories with fewer than
``MIN_SAMPLE`` analysed products are skipped; niches scoring below ``MIN_NICHE_SCORE`` are dropped. Sellers and
stability are averaged over the products that have them; when none has, the input is missing (``scoring``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from arbvault.catalog.clients import keepa_client
from arbvault.catalog.costs import product_lookup_cost
from arbvault.catalog.fetch_options import LIVE_OFFERS, FetchOptions
from arbvault.discovery.categories import category_by_id
from arbvault.discovery.exceptions import InvalidFiltersError
from arbvault.discovery.filters import CANDIDATES_PER_RESULT, DiscoveryFilters
from arbvault.niches.scoring import (
    MIN_NICHE_SCORE,
    AnalysisQuality,
    CategoryMetrics,
    Confidence,
    SampleQuality,
    analysis_quality,
    confidence,
    niche_score,
    sample_quality,
)

if TYPE_CHECKING:
    from arbvault.discovery.scoring import ScoredProduct
    from arbvault.keepa.client import KeepaClient

MIN_SAMPLE: Final = 5
RECOMMENDED_CATEGORIES: Final = (173514, 173515, 3839, 266117, 8975347011)
"""Analysed when a request names no category: Medical, Engineering, Programming, Accounting, Education."""


@dataclass(frozen=True, slots=True)
class AnalyzerCriteria:
    """What a viable product looks like, and how many products to sample per category."""

    bsr_min: int = 10_000
    bsr_max: int = 50_000
    sellers_max: int = 3
    margin_min: Decimal = Decimal(30)
    stability_min: Decimal = Decimal("0.75")
    sample_size: int = 20

    def __post_init__(self) -> None:
        problems = []
        if self.bsr_min >= self.bsr_max:
            problems.append({"field": "body.criteria.bsr_max", "message": "must be above bsr_min"})
        if self.sellers_max <= 0:
            problems.append({"field": "body.criteria.sellers_max", "message": "must be at least 1"})
        if problems:
            raise InvalidFiltersError("the analyzer criteria select nothing", details=problems)

    def filters(self, category_id: int, domain_id: int) -> DiscoveryFilters:
        return DiscoveryFilters(domain_id=domain_id, category=category_id, bsr_min=self.bsr_min,
                                bsr_max=self.bsr_max, without_amazon=True)

    def is_viable(self, product: ScoredProduct) -> bool:
        analysis, sellers, stability = product.analysis, product.product.offer_counts.new, _stability(product)
        assert analysis.profit is not None and analysis.bsr is not None  # left out of the sample otherwise
        return (self.bsr_min <= analysis.bsr <= self.bsr_max and sellers is not None
                and sellers <= self.sellers_max and analysis.profit.roi_pct >= self.margin_min
                and stability is not None and stability >= self.stability_min)


def _stability(product: ScoredProduct) -> Decimal | None:
    """The engine's price stability as 0-1, ``None`` when its history was too short to tell."""
    stability = product.analysis.stability
    return Decimal(stability.score) / 100 if stability.sufficient_data else None


def analyzer_tokens(criteria: AnalyzerCriteria, category_ids: list[int], domain_id: int, *,
                    offers: int | None) -> int:
    """Tokens the analysis needs at most: per category one finder page and a lookup per candidate (with
    ``offers`` live offers each)."""
    per_category = (criteria.filters(category_ids[0], domain_id).cost
                    + product_lookup_cost(criteria.sample_size * CANDIDATES_PER_RESULT, offers=offers))
    return per_category * len(category_ids)


@dataclass(frozen=True, slots=True)
class AnalyzerPlan:
    """Categories to analyse with ``criteria``, each product looked up with ``offers`` live offers (None: none).

    As a ``niche`` job (see ``arbvault.niches.jobs``), each category's sample candidates are analysed."""

    criteria: AnalyzerCriteria
    category_ids: tuple[int, ...]
    domain_id: int
    offers: int | None = LIVE_OFFERS

    @property
    def tokens_required(self) -> int:
        return analyzer_tokens(self.criteria, list(self.category_ids), self.domain_id, offers=self.offers)

    @property
    def searches(self) -> tuple[DiscoveryFilters, ...]:
        return tuple(self.criteria.filters(category_id, self.domain_id) for category_id in self.category_ids)

    @property
    def window(self) -> int:
        return self.criteria.sample_size * CANDIDATES_PER_RESULT

    @property
    def job_name(self) -> str:
        return "niche categories: " + ", ".join(map(str, self.category_ids))


@dataclass(frozen=True, slots=True)
class CategoryNiche:
    """A category scored as a niche; its metrics name the inputs that were missing."""

    category_id: int
    category_name: str | None
    metrics: CategoryMetrics
    niche_score: float
    confidence: Confidence
    sample_quality: SampleQuality


@dataclass(frozen=True, slots=True)
class CategoryAnalysis:
    niches: list[CategoryNiche]
    categories_analysed: int
    categories_skipped: list[int]
    tokens_consumed: int
    started_at: datetime
    finished_at: datetime

    @property
    def quality(self) -> AnalysisQuality:
        return analysis_quality([n.niche_score for n in self.niches], self.categories_analysed)


def _mean(values: list[float]) -> float | None:
    """The mean to 2 places; ``None`` for no values (a missing input, never averaged as 0)."""
    return round(statistics.fmean(values), 2) if values else None


def category_metrics(sample: list[ScoredProduct], criteria: AnalyzerCriteria) -> CategoryMetrics:
    """Means over ``sample`` (a non-empty list of products with a price and rank); sellers and stability over the
    products that have them (Keepa counts the offers; the history is long enough), ``None`` when none has."""
    ranks, prices, margins = [], [], []
    for product in sample:
        analysis = product.analysis
        assert analysis.profit is not None and analysis.bsr is not None  # left out of the sample otherwise
        ranks.append(float(analysis.bsr))
        prices.append(float(analysis.profit.sell_price))
        margins.append(float(analysis.profit.roi_pct))
    sellers = [float(p.product.offer_counts.new) for p in sample if p.product.offer_counts.new is not None]
    stabilities = [float(s) for s in map(_stability, sample) if s is not None]
    return CategoryMetrics(
        avg_sellers=_mean(sellers),
        avg_bsr=round(statistics.fmean(ranks), 2),
        avg_price=round(statistics.fmean(prices), 2),
        price_stability=_mean(stabilities),
        profit_margin=round(statistics.fmean(margins), 2),
        total_products=len(sample),
        viable_products=sum(criteria.is_viable(p) for p in sample),
    )


def category_niche(category_id: int, sample: list[ScoredProduct], criteria: AnalyzerCriteria) -> CategoryNiche | None:
    """``sample`` (at least ``MIN_SAMPLE`` products) scored as a niche; ``None`` below ``MIN_NICHE_SCORE``."""
    metrics = category_metrics(sample, criteria)
    score = niche_score(metrics, criteria.bsr_min, criteria.bsr_max)
    if score < MIN_NICHE_SCORE:
        return None
    return CategoryNiche(category_id=category_id, category_name=_category_name(category_id, sample),
                         metrics=metrics, niche_score=score,
                         confidence=confidence(len(sample), missing_inputs=len(metrics.missing_inputs)),
                         sample_quality=sample_quality(score, len(sample)))


def analyze_categories(criteria: AnalyzerCriteria, category_ids: list[int], *, max_results: int,
                       domain_id: int = 1, offers: int | None = LIVE_OFFERS,
                       client: KeepaClient | None = None) -> CategoryAnalysis:
    """Sample, analyse and score each category, each product looked up with ``offers`` live offers; the best
    ``max_results`` niches first (call after the guard)."""
    from arbvault.discovery.scoring import ScoringCriteria, discover_with_scoring  # the engine: only a run loads it

    started = datetime.now(UTC)
    client = client or keepa_client(domain_id)
    niches, skipped, consumed = [], [], 0
    for category_id in category_ids:
        result = discover_with_scoring(criteria.filters(category_id, domain_id), max_results=criteria.sample_size,
                                       criteria=ScoringCriteria(), options=FetchOptions(offers=offers),
                                       client=client)
        consumed += result.tokens_consumed
        sample = result.products
        if len(sample) < MIN_SAMPLE:
            skipped.append(category_id)
            continue
        niche = category_niche(category_id, sample, criteria)
        if niche is not None:
            niches.append(niche)
    niches.sort(key=lambda n: (-n.niche_score, n.category_id))
    return CategoryAnalysis(niches=niches[:max_results], categories_analysed=len(category_ids) - len(skipped),
                            categories_skipped=skipped, tokens_consumed=consumed, started_at=started,
                            finished_at=datetime.now(UTC))


def _category_name(category_id: int, sample: list[ScoredProduct]) -> str | None:
    """The category table's name, else the deepest category the sample's products most often name."""
    known = category_by_id(category_id)
    if known is not None:
        return known.name
    names = [p.analysis.category for p in sample if p.analysis.category]
    return statistics.mode(names) if names else None
