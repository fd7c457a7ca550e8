"""The request bodies of niche discovery (``POST /api/v1/niches/discover``) and the category analyzer
(``POST /api/v1/niches/analyze``), each turned into the plan it runs.

Saved niches store these bodies as their filters, so a saved search re-runs exactly as it was asked. Decimals are
sent back as JSON numbers. Import them from this module (the package does not re-export them: the worker has no
use for pydantic).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from arbvault.niches.analyzer import MIN_SAMPLE, RECOMMENDED_CATEGORIES, AnalyzerCriteria, AnalyzerPlan
from arbvault.niches.discover import NichePlan
from arbvault.niches.offers import live_offers_wanted
from arbvault.niches.templates import select_templates
from arbvault.web.schema_types import CategoryId, DecimalNumber, DomainId

MAX_TEMPLATES_PER_REQUEST: Final = 5
"""At most 10 Keepa requests (a finder page and a product lookup per template) in one request."""

Rank = Annotated[int, Field(ge=1, le=100_000_000, description="Amazon sales rank")]


class DiscoverIn(BaseModel):
    """How many templates to score, which, and how many products each may report."""

    model_config = ConfigDict(extra="forbid")

    count: int = Field(default=3, ge=1, le=MAX_TEMPLATES_PER_REQUEST)
    shuffle: bool = Field(default=True, description="a random draw; false: the first templates in order")
    products_per_niche: int = Field(default=10, ge=1, le=50, description="two candidates are analysed per product")
    domain_id: DomainId = 1
    buffer_pct: Annotated[DecimalNumber, Field(ge=0, le=100, allow_inf_nan=False)] = Field(
        default=Decimal(0), description="percent added to the token estimate before the guard checks it")

    def plan(self) -> NichePlan:
        templates = tuple(select_templates(self.count, shuffle=self.shuffle))
        return NichePlan(templates=templates, products_per_niche=self.products_per_niche,
                         domain_id=self.domain_id, buffer_pct=self.buffer_pct,
                         offers=live_offers_wanted(self.domain_id))


class CriteriaIn(BaseModel):
    """What a viable product looks like; bsr_min must be below bsr_max."""

    model_config = ConfigDict(extra="forbid")

    bsr_min: Rank = 10_000
    bsr_max: Rank = 50_000
    sellers_max: int = Field(default=3, ge=1, le=100)
    margin_min: Annotated[DecimalNumber, Field(ge=-100, le=10_000, allow_inf_nan=False)] = Field(
        default=Decimal(30), description="minimum ROI on the buy price, percent")
    stability_min: Annotated[DecimalNumber, Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        default=Decimal("0.75"), description="minimum price stability, 0-1")
    sample_size: int = Field(default=20, ge=MIN_SAMPLE, le=50,
                             description="products analysed per category (two candidates looked up each)")

    @field_validator("bsr_max")
    @classmethod
    def _above_bsr_min(cls, value: int, info: ValidationInfo) -> int:
        if value <= info.data.get("bsr_min", 0):
            raise ValueError("must be above bsr_min")
        return value

    def criteria(self) -> AnalyzerCriteria:
        return AnalyzerCriteria(bsr_min=self.bsr_min, bsr_max=self.bsr_max, sellers_max=self.sellers_max,
                                margin_min=self.margin_min, stability_min=self.stability_min,
                                sample_size=self.sample_size)


class AnalyzeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    criteria: CriteriaIn = Field(default_factory=CriteriaIn)
    category_ids: list[CategoryId] | None = Field(default=None, min_length=1, max_length=5,
                                                  description="default: the recommended categories")
    max_results: int = Field(default=10, ge=1, le=50)
    domain_id: DomainId = 1

    def plan(self) -> AnalyzerPlan:
        return AnalyzerPlan(criteria=self.criteria.criteria(),
                            category_ids=tuple(dict.fromkeys(self.category_ids or RECOMMENDED_CATEGORIES)),
                            domain_id=self.domain_id, offers=live_offers_wanted(self.domain_id))
