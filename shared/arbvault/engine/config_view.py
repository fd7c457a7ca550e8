"""The engine's view of the business rules: frozen dataclasses, every number a ``Decimal``.

``arbvault.engine.rules_document`` validates a rules document against its one typed model (the config writes
use the same model) and builds these; the engine never reads the raw document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from typing import Final, Literal, get_args

from arbvault.engine.money import ZERO

# Price sources either side of a strategy may name: fixed marketplace prices, each with a fallback chain.
PriceSource = Literal["current_buy_box", "avg90_buy_box", "current_fba", "current_new", "current_used"]
# Buy at the cheapest live offer (landed) in a condition the strategy allows.
CHEAPEST_OFFER: Final = "cheapest_offer"
# Sell in the condition bought: the used Buy Box (else lowest used FBA) for a used copy, the Buy Box (else lowest
# FBA new) for a new one.
CONDITION_BUY_BOX: Final = "condition_buy_box"
BuySource = PriceSource | Literal["cheapest_offer"]
SellSource = PriceSource | Literal["condition_buy_box"]
BUY_SOURCES: Final[tuple[str, ...]] = (CHEAPEST_OFFER, *get_args(PriceSource))
SELL_SOURCES: Final[tuple[str, ...]] = (CONDITION_BUY_BOX, *get_args(PriceSource))
# Conditions a reseller buys in, best first; collectible and refurbished copies are left out.
RatingName = Literal["EXCELLENT", "GOOD", "FAIR"]
Rating = Literal["EXCELLENT", "GOOD", "FAIR", "PASS"]
# The verdict table's rows carry these ratings, one row each, in this order; the PASS row catches the rest.
VERDICT_RATINGS: Final[tuple[Rating, ...]] = ("EXCELLENT", "GOOD", "FAIR", "PASS")
VERDICT_MINIMA: Final = ("min_roi", "min_velocity", "min_stability", "min_confidence")
RiskComponentName = Literal["dead_inventory", "competition", "amazon_presence", "price_stability", "category"]
StrategicRiskName = Literal["volatility", "inconsistency", "uncertainty"]


@dataclass(frozen=True)
class FeeSchedule:
    """Amazon fees of one category: referral in percent of the sell price, the rest in dollars."""

    referral_pct: Decimal
    closing_fee: Decimal
    fba_base: Decimal
    fba_per_lb: Decimal
    inbound_shipping: Decimal
    prep_fee: Decimal


@dataclass(frozen=True)
class RoiRules:
    """ROI thresholds in percent, and the buy-to-sell price factor used when no buy price can be derived."""

    target_pct: Decimal
    min_for_buy: Decimal
    excellent: Decimal
    good: Decimal
    fair: Decimal
    source_price_factor: Decimal


TierName = Literal["fast", "medium", "slow", "very_slow"]


@dataclass(frozen=True)
class VelocityRules:
    """The velocity table (the minimum score of each tier, 0-100 scale) and BSR benchmarks per category key."""

    fast: Decimal
    medium: Decimal
    slow: Decimal
    benchmarks: Mapping[str, Decimal]

    def tier(self, score: Decimal) -> TierName:
        """The tier a velocity score falls in: the one table every velocity label (tier, rank band) comes from."""
        if score >= self.fast:
            return "fast"
        if score >= self.medium:
            return "medium"
        return "slow" if score >= self.slow else "very_slow"

    @cached_property
    def benchmark_keys(self) -> frozenset[str]:
        """The category keys of ``benchmarks``, hashable (``categories.cached_first_rules_key`` takes them)."""
        return frozenset(self.benchmarks)


@dataclass(frozen=True)
class Strategy:
    """A buying strategy: ROI floor, auto-selection bounds and price sources (both optional), the conditions it
    buys in and the condition a caller's buy price is taken to be in (the first allowed one unless named)."""

    name: str
    roi_min: Decimal
    min_sell_price: Decimal | None
    max_bsr: Decimal | None
    buy_price_source: BuySource | None
    sell_price_source: SellSource | None
    buy_conditions: tuple[str, ...]
    default_buy_condition: str
    holding_days: Decimal = ZERO  # midpoint of the expected days to sell (0 when the strategy states none)

    @property
    def selectable(self) -> bool:
        """Whether auto-selection may pick it: it declares both bounds and both price sources."""
        return None not in (self.min_sell_price, self.max_bsr, self.buy_price_source, self.sell_price_source)


@dataclass(frozen=True)
class Levels:
    """Level names with their minimum scores, highest first; the last has the lowest minimum."""

    thresholds: tuple[tuple[str, Decimal], ...]

    def level(self, score: Decimal | int) -> str:
        """The first level whose minimum ``score`` reaches (the lowest level otherwise)."""
        for name, minimum in self.thresholds:
            if score >= minimum:
                return name
        return self.thresholds[-1][0]


@dataclass(frozen=True)
class AdvancedRules:
    """Knobs of the advanced velocity-trend, stability and confidence scores."""

    velocity_fallback: Decimal
    velocity_min_points: int
    velocity_window_days: int
    stability_fallback: Decimal
    stability_min_points: int
    freshness_days: Decimal
    weight_freshness: Decimal
    weight_completeness: Decimal
    weight_bsr: Decimal
    velocity_levels: Levels
    stability_levels: Levels
    confidence_levels: Levels

    @cached_property
    def velocity_window(self) -> timedelta:
        """``velocity_window_days`` as a timedelta, built once per rules read."""
        return timedelta(days=self.velocity_window_days)


@dataclass(frozen=True)
class VerdictRule:
    """One row of the verdict table: a recommendation label, its overall rating, the minima a product must all
    meet (the PASS row has none: 0) and the summary template."""

    label: str
    rating: Rating
    min_roi: Decimal
    min_velocity: Decimal
    min_stability: Decimal
    min_confidence: Decimal
    description: str
    summary: str


@dataclass(frozen=True)
class AnalyticsRules:
    """Risk weights and thresholds of the decision-card calculators (risk scores on the 0-100 scale) and the
    strategic views' risk weights."""

    risk_weights: Mapping[RiskComponentName, Decimal]
    strategic_risk_weights: Mapping[StrategicRiskName, Decimal]
    critical_risk: Decimal  # a risk score from here up is CRITICAL; from high_risk HIGH, from medium_risk MEDIUM
    high_risk: Decimal
    medium_risk: Decimal
    max_good_risk: Decimal  # below this the risk criterion passes
    low_risk: Decimal  # below this the confidence gets the full risk bonus
    skip_risk: Decimal  # above this the verdict is SKIP whatever else passes
    advice_risk: Decimal  # a component scoring this or more gets its advice line
    max_days_to_sell: Decimal
    unknown_days_to_sell: Decimal  # assumed when the rank gives no sales estimate
    fba_heavy_share: Decimal  # above this share of FBA sellers the Buy Box is contested harder
    amazon_present_risk: Decimal
    amazon_absent_risk: Decimal


@dataclass(frozen=True)
class EngineConfig:
    """Everything the engine reads from an effective business-rules document."""

    roi: RoiRules
    buffer_pct: Decimal
    fees: Mapping[str, FeeSchedule]
    roi_weight: Decimal
    velocity_weight: Decimal
    storage_per_unit_month: Decimal
    returns_pct: Decimal
    velocity: VelocityRules
    strategies: Mapping[str, Strategy]
    active_strategy: str
    advanced: AdvancedRules
    verdicts: tuple[VerdictRule, ...]
    demo_asins: tuple[str, ...]
    analytics: AnalyticsRules

    @cached_property
    def fee_keys(self) -> frozenset[str]:
        """The category keys of ``fees``, hashable (``categories.cached_first_rules_key`` takes them)."""
        return frozenset(self.fees)

    def rating(self, name: Rating) -> VerdictRule:
        """The verdict row of overall rating ``name`` (its minima, label and template)."""
        return self._verdicts_by_rating[name]

    @cached_property
    def _verdicts_by_rating(self) -> Mapping[str, VerdictRule]:
        # Every analysis asks for a row or two by rating: a lookup, not a scan, per ask.
        return {rule.rating: rule for rule in self.verdicts}

    @cached_property
    def selection_order(self) -> tuple[Strategy, ...]:
        """The strategies auto-selection may pick, most demanding first: highest minimum sell price, then lowest
        rank bound, then name. Sorted once per rules read, not once per analysed product."""
        return tuple(sorted((s for s in self.strategies.values() if s.selectable),
                            key=lambda s: (-(s.min_sell_price or 0), s.max_bsr or 0, s.name)))
