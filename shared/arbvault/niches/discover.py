"""Scoring curated niches: each template's candidates (one product-finder request) analysed by the engine.

A template's products must reach its own ROI and velocity minima; a niche reports how many did, their average
ROI and velocity and the best three. Work above the asynchronous threshold (candidates to analyse) is not done
in the request: the candidates are found, then analysed as a ``niche`` job (``arbvault.niches.jobs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from arbvault.catalog.clients import keepa_client
from arbvault.catalog.fetch_options import LIVE_OFFERS, FetchOptions
from arbvault.discovery.filters import CANDIDATES_PER_RESULT, DiscoveryFilters
from arbvault.engine.money import round_half_up
from arbvault.niches.budget import NicheCost, estimate_niche_tokens
from arbvault.settings import get_settings

if TYPE_CHECKING:
    from arbvault.discovery.scoring import ScoredProduct
    from arbvault.keepa.client import KeepaClient
    from arbvault.niches.templates import NicheTemplate

TOP_PRODUCTS: Final = 3


def template_filters(template: NicheTemplate, domain_id: int) -> DiscoveryFilters:
    return DiscoveryFilters(domain_id=domain_id, category=template.category_id, bsr_min=template.bsr_min,
                            bsr_max=template.bsr_max, price_min=template.price_min, price_max=template.price_max,
                            without_amazon=True, sellers_max=template.sellers_max)


@dataclass(frozen=True, slots=True)
class NichePlan:
    """Templates to score, how many products each may report, the live offers each product is looked up with
    (None: none; ``live_offers_wanted`` says what the rules need), and what that costs."""

    templates: tuple[NicheTemplate, ...]
    products_per_niche: int
    domain_id: int
    buffer_pct: Decimal = Decimal(0)
    offers: int | None = LIVE_OFFERS

    @property
    def cost(self) -> NicheCost:
        """Every template has rank and price ranges, so every one costs one finder page."""
        return NicheCost.of(template_filters(self.templates[0], self.domain_id), self.products_per_niche,
                            offers=self.offers)

    @property
    def fetch_options(self) -> FetchOptions:
        return FetchOptions(offers=self.offers)

    @property
    def tokens_required(self) -> int:
        return estimate_niche_tokens(len(self.templates), self.cost, buffer_pct=self.buffer_pct)

    @property
    def searches(self) -> tuple[DiscoveryFilters, ...]:
        return tuple(template_filters(template, self.domain_id) for template in self.templates)

    @property
    def window(self) -> int:
        """Candidates analysed per template."""
        return self.products_per_niche * CANDIDATES_PER_RESULT

    @property
    def job_name(self) -> str:
        return "niches: " + ", ".join(t.id for t in self.templates)

    @property
    def candidates_to_analyse(self) -> int:
        return len(self.templates) * self.window

    @property
    def runs_as_job(self) -> bool:
        """More candidates than one request analyses (the ingest threshold): a job does the analysis."""
        return self.candidates_to_analyse > get_settings().ingest_async_threshold


@dataclass(frozen=True, slots=True)
class ScoredNiche:
    """One template's kept products, best first, and what scoring it spent."""

    template: NicheTemplate
    products: list[ScoredProduct]
    candidates_considered: int
    tokens_consumed: int

    @property
    def avg_roi(self) -> Decimal | None:
        rois = [p.analysis.profit.roi_pct for p in self.products if p.analysis.profit is not None]
        return round_half_up(sum(rois, Decimal(0)) / len(rois), 1) if rois else None

    @property
    def avg_velocity(self) -> Decimal | None:
        scores = [p.analysis.velocity.score for p in self.products]
        return round_half_up(sum(scores, Decimal(0)) / len(scores), 1) if scores else None

    @property
    def top_products(self) -> list[ScoredProduct]:
        return self.products[:TOP_PRODUCTS]


def score_niches(plan: NichePlan, *, client: KeepaClient | None = None) -> list[ScoredNiche]:
    """Discover and analyse each template's products in this request (call after the token guard)."""
    from arbvault.discovery.scoring import ScoringCriteria, discover_with_scoring  # the engine: only a run loads it

    client = client or keepa_client(plan.domain_id)
    scored = []
    for template in plan.templates:
        criteria = ScoringCriteria(roi_min=template.roi_min, velocity_min=template.velocity_min)
        result = discover_with_scoring(template_filters(template, plan.domain_id),
                                       max_results=plan.products_per_niche, criteria=criteria,
                                       options=plan.fetch_options, client=client)
        scored.append(ScoredNiche(template=template, products=result.products,
                                  candidates_considered=result.considered, tokens_consumed=result.tokens_consumed))
    return scored
