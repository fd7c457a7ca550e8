"""The HTTP shapes of AutoSourcing: profiles, run requests, estimates, runs, picks and stats.

Import them from this module (the package does not re-export them: the worker has no use for pydantic).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from arbvault.autosourcing.configs import DiscoverySpec, ScoringSpec
from arbvault.autosourcing.rating import Rating, Tier
from arbvault.discovery.filters import CANDIDATE_WINDOW
from arbvault.jobs.schemas import ProgressOut
from arbvault.jobs.states import JobStatus
from arbvault.web.schema_types import DecimalNumber, DomainId, Percent, PriceIn, Score, StrategyName, Text

PickAction = Literal["PENDING", "TO_BUY", "FAVORITE", "IGNORED", "ANALYZING"]
Rank = Annotated[int, Field(ge=1, le=10_000_000)]
CategoryId = Annotated[int, Field(ge=1, le=2**53, description="Keepa category (browse node) id")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DiscoveryConfigIn(_Strict):
    """Where candidates come from; a category alone uses its best-seller list, anything else the finder."""

    domain_id: DomainId = 1
    category_id: CategoryId | None = None
    bsr_min: Rank | None = None
    bsr_max: Rank | None = None
    price_min: PriceIn | None = None
    price_max: PriceIn | None = None
    max_results: int = Field(default=50, ge=1, le=CANDIDATE_WINDOW, description="candidates analysed")

    @model_validator(mode="after")
    def _ranges(self) -> DiscoveryConfigIn:
        if self.bsr_min is not None and self.bsr_max is not None and self.bsr_min > self.bsr_max:
            raise ValueError("bsr_max must not be below bsr_min")
        if self.price_min is not None and self.price_max is not None and self.price_min > self.price_max:
            raise ValueError("price_max must not be below price_min")
        return self

    def spec(self) -> DiscoverySpec:
        return DiscoverySpec(**self.model_dump())


class ScoringConfigIn(_Strict):
    """What a product must reach to be picked, how many picks to keep, and how products are priced."""

    roi_min: Percent = Decimal(30)
    velocity_min: Score = Decimal(70)
    stability_min: Score = Decimal(70)
    confidence_min: Score = Decimal(70)
    rating_required: Rating = "GOOD"
    max_results: int = Field(default=20, ge=1, le=100, description="picks kept")
    buy_price: PriceIn | None = Field(default=None, description="your acquisition cost; else the strategy's source")
    strategy: StrategyName | None = None

    def spec(self) -> ScoringSpec:
        return ScoringSpec(**self.model_dump())


class ProfileIn(_Strict):
    name: Text = Field(min_length=3, max_length=100)
    description: Text | None = Field(default=None, max_length=1000)
    discovery_config: DiscoveryConfigIn
    scoring_config: ScoringConfigIn = Field(default_factory=ScoringConfigIn)

    def values(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description,
                "discovery_config": self.discovery_config.spec().as_dict(),
                "scoring_config": self.scoring_config.spec().as_dict()}


class ProfileUpdateIn(_Strict):
    """The fields to change; absent ones stay."""

    name: Text | None = Field(default=None, min_length=3, max_length=100)
    description: Text | None = Field(default=None, max_length=1000)
    discovery_config: DiscoveryConfigIn | None = None
    scoring_config: ScoringConfigIn | None = None
    active: bool | None = None

    def values(self) -> dict[str, Any]:
        """The fields sent; ``null`` clears the description and leaves every other field as it is."""
        sent = self.model_dump(exclude_unset=True, exclude={"discovery_config", "scoring_config"})
        values = {field: value for field, value in sent.items() if value is not None or field == "description"}
        if self.discovery_config is not None:
            values["discovery_config"] = self.discovery_config.spec().as_dict()
        if self.scoring_config is not None:
            values["scoring_config"] = self.scoring_config.spec().as_dict()
        return values


class ProfileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    description: str | None
    discovery_config: dict[str, Any]
    scoring_config: dict[str, Any]
    active: bool
    usage_count: int
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime


class EstimateIn(_Strict):
    discovery_config: DiscoveryConfigIn
    scoring_config: ScoringConfigIn = Field(default_factory=ScoringConfigIn,
                                            description="how candidates are priced: whether live offers are fetched")


class EstimateOut(BaseModel):
    """A run's estimated token cost against the limits and the balance now."""

    tokens_estimated: int
    discovery_tokens: int = Field(description="the best-seller list or product finder call")
    details_tokens: int = Field(description="one lookup per candidate, 6 tokens with live offers (stored snapshots 0)")
    balance: int
    required: int = Field(description="the estimate plus the minimum balance kept after it")
    deficit: int
    job_tokens_max: int
    balance_min: int
    safe_to_proceed: bool
    warning_message: str | None


class RunIn(_Strict):
    """A run from a saved profile, or from an inline discovery + scoring config."""

    profile_id: uuid.UUID | None = None
    discovery_config: DiscoveryConfigIn | None = None
    scoring_config: ScoringConfigIn | None = None

    @model_validator(mode="after")
    def _one_source(self) -> RunIn:
        if (self.profile_id is None) == (self.discovery_config is None):
            raise ValueError("send profile_id or discovery_config (with an optional scoring_config), not both")
        if self.profile_id is not None and self.scoring_config is not None:
            raise ValueError("scoring_config comes from the profile when profile_id is sent")
        return self


class PickOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    run_id: uuid.UUID
    analysis_id: uuid.UUID | None
    asin: str
    title: str | None
    category: str | None
    bsr: int | None
    buy_price: DecimalNumber | None
    sell_price: DecimalNumber | None
    net_profit: DecimalNumber
    roi_pct: DecimalNumber
    velocity_score: DecimalNumber
    stability_score: int
    confidence_score: int
    overall_rating: Rating
    priority_tier: Tier
    is_featured: bool
    readable_summary: str
    action: PickAction
    action_taken_at: datetime | None
    action_notes: str | None
    is_purchased: bool
    is_favorite: bool
    is_ignored: bool
    analysis_requested: bool
    created_at: datetime


class RunOut(BaseModel):
    """A run: its job's status and progress, what it was asked, and its picks (best ROI first)."""

    id: uuid.UUID
    status: JobStatus
    profile_id: uuid.UUID | None
    profile_name: str | None
    discovery_config: dict[str, Any]
    scoring_config: dict[str, Any]
    progress: ProgressOut
    candidates_found: int | None = Field(description="None until discovery ran")
    picks_total: int
    tokens_estimated: int
    tokens_used: int
    error_summary: dict[str, Any] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    picks: list[PickOut]


class TierStatsOut(BaseModel):
    count: int
    avg_roi_pct: DecimalNumber | None
    avg_net_profit: DecimalNumber | None


class TiersOut(BaseModel):
    run_id: uuid.UUID
    tiers: dict[Tier, list[PickOut]]
    tier_stats: dict[Tier, TierStatsOut]
    picks_total: int
    featured_count: int


class OpportunityOut(BaseModel):
    pick: PickOut
    run_id: uuid.UUID
    profile_name: str | None
    message: str


class ActionIn(_Strict):
    action: PickAction
    notes: Text | None = Field(default=None, max_length=500)


class StatsOut(BaseModel):
    """Counts of the caller's picks by action, computed from the rows."""

    action_counts: dict[PickAction, int]
    picks_total: int
    actions_taken: int = Field(description="picks with any action but PENDING")
    to_buy: int
    engagement_rate_pct: DecimalNumber = Field(description="actions taken / picks, in percent")

