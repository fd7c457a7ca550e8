"""A typed, validated read of the business-rules sections the engine uses, every number as a ``Decimal``.

The engine never reads the raw document: ``read_config`` checks it once, reports every problem at once (each
naming its dotted field) and hands back frozen dataclasses. Policy bounds (weights summing to 1 and the like)
are the config room's validation; this read only refuses values the arithmetic cannot use: missing sections,
non-numbers, negatives, and fee schedules whose referral plus buffer would make profit fall as price rises.
The strategies (price sources, buy conditions) and the verdict table are judged here in full, and the config
room validates them through ``table_problems``. Unknown keys are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from functools import cached_property
from itertools import pairwise
from string import Formatter
from typing import Any, Final, Literal, get_args

from arbvault.analysis.exceptions import RulesConfigError
from arbvault.analysis.money import HUNDRED, ZERO

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
BuyCondition = Literal["new", "used_like_new", "used_very_good", "used_good", "used_acceptable"]
BUY_CONDITIONS: Final[tuple[str, ...]] = get_args(BuyCondition)
RatingName = Literal["EXCELLENT", "GOOD", "FAIR"]
Rating = Literal["EXCELLENT", "GOOD", "FAIR", "PASS"]
# Buying at under a tenth or over nine tenths of the sell price is no estimate (spec §4.2 bounds).
SOURCE_FACTOR_MIN: Final = Decimal("0.1")
SOURCE_FACTOR_MAX: Final = Decimal("0.9")
# The verdict table's rows carry these ratings, one row each, in this order; the PASS row catches the rest.
VERDICT_RATINGS: Final[tuple[Rating, ...]] = ("EXCELLENT", "GOOD", "FAIR", "PASS")
VERDICT_MINIMA: Final = ("min_roi", "min_velocity", "min_stability", "min_confidence")
# Upper bounds of the minima: ROI in percent, the three scores on their 0-100 scale.
VERDICT_MINIMUM_BOUNDS: Final = {"min_roi": Decimal(200), "min_velocity": HUNDRED, "min_stability": HUNDRED,
                                 "min_confidence": HUNDRED}
UPPER_SNAKE: Final = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
# Placeholders a summary template may use; verdict.decide fills exactly these ({roi} reads "unknown" without one).
SUMMARY_FIELDS: Final = frozenset(
    {"roi", "velocity_level", "stability_level", "confidence_level", "primary_issue", "rating", "label"}
)


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


class _Reader:
    """Reads fields by dotted path, recording every problem instead of stopping at the first."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.errors: list[dict[str, str]] = []

    def fail(self, field: str, message: str) -> None:
        # Under a parent already reported as not an object, the child's own problem is noise.
        if not any(field.startswith(f"{error['field']}.") and error["message"] == "must be an object"
                   for error in self.errors):
            self.errors.append({"field": field, "message": message})

    def mapping(self, path: str, parent: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        value = self._get(path, parent)
        if isinstance(value, Mapping):
            return value
        if value is None:
            self.fail(path, "missing section")
        else:
            self._not_an_object(path)
        return {}

    def number(self, path: str, parent: Mapping[str, Any] | None = None, *, positive: bool = False,
               minimum: Decimal | None = None, maximum: Decimal | None = None) -> Decimal:
        value = self._get(path, parent)
        parsed = _decimal(value)
        if parsed is None:
            self.fail(path, "missing" if value is None else "must be a number")
            return ZERO
        if parsed < 0 or (positive and parsed == 0):
            self.fail(path, "must be greater than 0" if positive else "must not be negative")
        elif minimum is not None and parsed < minimum:
            self.fail(path, f"must be at least {minimum}")
        elif maximum is not None and parsed > maximum:
            self.fail(path, f"must be at most {maximum}")
        return parsed

    def optional_number(self, path: str, parent: Mapping[str, Any]) -> Decimal | None:
        if self._get(path, parent) is None:
            return None
        return self.number(path, parent)

    def integer(self, path: str, parent: Mapping[str, Any] | None = None) -> int:
        value = self.number(path, parent)
        if value != value.to_integral_value():
            self.fail(path, "must be a whole number")
        return int(value)

    def text(self, path: str, parent: Mapping[str, Any] | None = None, *, default: str | None = None) -> str:
        value = self._get(path, parent)
        if value is None and default is not None:
            return default
        if isinstance(value, str) and value.strip():
            return value
        self.fail(path, "must be a non-empty string")
        return ""

    def choice(self, path: str, parent: Mapping[str, Any], allowed: tuple[str, ...]) -> Any:
        """The value when it is one of ``allowed``; ``None`` when absent or (reported) not allowed."""
        value = self._get(path, parent)
        if value is None:
            return None
        if isinstance(value, str) and value in allowed:
            return value
        self.fail(path, f"must be one of {', '.join(allowed)}")
        return None

    def conditions(self, path: str, parent: Mapping[str, Any]) -> tuple[str, ...]:
        """A non-empty list of distinct buy conditions; every condition when absent."""
        value = self._get(path, parent)
        if value is None:
            return BUY_CONDITIONS
        if not isinstance(value, list) or not value or len(set(map(str, value))) != len(value):
            self.fail(path, f"must be a non-empty list of distinct conditions from {', '.join(BUY_CONDITIONS)}")
            return BUY_CONDITIONS
        for index, item in enumerate(value):
            self.choice(f"{path}.{index}", {str(index): item}, BUY_CONDITIONS)
        return tuple(item for item in value if item in BUY_CONDITIONS) or BUY_CONDITIONS

    def _get(self, path: str, parent: Mapping[str, Any] | None) -> Any:
        key = path.rsplit(".", 1)[-1]
        if parent is not None:
            return parent.get(key)
        node: Any = self.doc
        walked: list[str] = []
        for part in path.split("."):
            if node is not None and not isinstance(node, Mapping):
                self._not_an_object(".".join(walked))
                return None
            node = node.get(part) if node is not None else None
            walked.append(part)
        return node

    def _not_an_object(self, path: str) -> None:
        error = {"field": path, "message": "must be an object"}
        if error not in self.errors:
            self.errors.append(error)


def _decimal(value: Any) -> Decimal | None:
    # bool is an int subclass, and a flag is never a usable number here.
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        return None
    return parsed if parsed.is_finite() else None


def _fees(r: _Reader, buffer_pct: Decimal) -> dict[str, FeeSchedule]:
    section = r.mapping("fees")
    schedules: dict[str, FeeSchedule] = {}
    for key, value in section.items():
        if not isinstance(value, Mapping):  # the section's scalars (buffer, storage, returns)
            continue
        p = f"fees.{key}"
        schedule = FeeSchedule(
            referral_pct=r.number(f"{p}.referral_fee_pct", value, maximum=HUNDRED),
            closing_fee=r.number(f"{p}.closing_fee", value),
            fba_base=r.number(f"{p}.fba_fee_base", value),
            fba_per_lb=r.number(f"{p}.fba_fee_per_lb", value),
            inbound_shipping=r.number(f"{p}.inbound_shipping", value),
            prep_fee=r.number(f"{p}.prep_fee", value),
        )
        if schedule.referral_pct + buffer_pct >= HUNDRED:
            r.fail(f"{p}.referral_fee_pct", "referral plus buffer must stay below 100 %")
        schedules[key] = schedule
    if "default" not in schedules:
        r.fail("fees.default", "missing section")
    return schedules


def _levels(r: _Reader, path: str) -> Levels:
    section = r.mapping(path)
    pairs = [(str(name), r.number(f"{path}.{name}", section, maximum=HUNDRED)) for name in section]
    if not pairs:
        r.fail(path, "must name at least one level")
        return Levels((("unknown", ZERO),))
    return Levels(tuple(sorted(pairs, key=lambda pair: pair[1], reverse=True)))


def _strategies(r: _Reader) -> dict[str, Strategy]:
    section = r.mapping("strategies")
    strategies = {}
    for name, value in section.items():
        p = f"strategies.{name}"
        if not isinstance(value, Mapping):
            r.fail(p, "must be an object")
            continue
        allowed = r.conditions(f"{p}.buy_conditions", value)
        default = r.choice(f"{p}.default_buy_condition", value, BUY_CONDITIONS) or allowed[0]
        if default not in allowed:
            r.fail(f"{p}.default_buy_condition", "must be one of the strategy's buy_conditions")
        strategies[name] = Strategy(
            name=name,
            roi_min=r.number(f"{p}.roi_min", value),
            min_sell_price=r.optional_number(f"{p}.min_sell_price", value),
            max_bsr=r.optional_number(f"{p}.max_bsr", value),
            buy_price_source=r.choice(f"{p}.buy_price_source", value, BUY_SOURCES),
            sell_price_source=r.choice(f"{p}.sell_price_source", value, SELL_SOURCES),
            buy_conditions=allowed,
            default_buy_condition=default,
            holding_days=_holding_days(r, f"{p}.holding_days", value),
        )
    return strategies


def _holding_days(r: _Reader, path: str, strategy: Mapping[str, Any]) -> Decimal:
    """Midpoint of a strategy's ``[shortest, longest]`` holding days; 0 when it states none."""
    span = strategy.get("holding_days")
    if span is None:
        return ZERO
    if not isinstance(span, list) or len(span) != 2:
        r.fail(path, "must be [shortest, longest] days")
        return ZERO
    shortest, longest = (r.number(f"{path}.{index}", {str(index): day}) for index, day in enumerate(span))
    if shortest > longest:
        r.fail(path, "shortest must not exceed longest")
    return (shortest + longest) / 2


def _advanced(r: _Reader) -> AdvancedRules:
    weights = r.mapping("advanced_scoring.confidence.weights")
    return AdvancedRules(
        velocity_fallback=r.number("advanced_scoring.velocity.fallback_score", maximum=HUNDRED),
        velocity_min_points=r.integer("advanced_scoring.velocity.min_data_points"),
        velocity_window_days=r.integer("advanced_scoring.velocity.window_days"),
        stability_fallback=r.number("advanced_scoring.stability.fallback_score", maximum=HUNDRED),
        stability_min_points=r.integer("advanced_scoring.stability.min_price_points"),
        freshness_days=r.number("advanced_scoring.confidence.data_freshness_days"),
        weight_freshness=r.number("advanced_scoring.confidence.weights.freshness", weights),
        weight_completeness=r.number("advanced_scoring.confidence.weights.completeness", weights),
        weight_bsr=r.number("advanced_scoring.confidence.weights.bsr_availability", weights),
        velocity_levels=_levels(r, "level_flags.velocity"),
        stability_levels=_levels(r, "level_flags.stability"),
        confidence_levels=_levels(r, "level_flags.confidence"),
    )


def _template(r: _Reader, path: str, row: Mapping[str, Any]) -> str:
    template = r.text(path, row)
    try:
        fields = {field for _, field, _, _ in Formatter().parse(template) if field is not None}
    except ValueError:
        r.fail(path, "is not a valid template")
        return ""
    unknown = fields - SUMMARY_FIELDS
    if unknown:
        r.fail(path, f"unknown placeholders {sorted(unknown)}; allowed: {sorted(SUMMARY_FIELDS)}")
    return template


def _verdict_row(r: _Reader, path: str, row: Mapping[str, Any], rating: Rating) -> VerdictRule:
    label = r.text(f"{path}.label", row)
    if label and not UPPER_SNAKE.fullmatch(label):
        r.fail(f"{path}.label", "must be UPPER_SNAKE_CASE (e.g. STRONG_BUY)")
    if row.get("rating") != rating:
        r.fail(f"{path}.rating", f"must be {rating}: rows rate {', '.join(VERDICT_RATINGS)} in this order")
    if rating == "PASS":
        minima = [ZERO] * len(VERDICT_MINIMA)
    else:
        minima = [r.number(f"{path}.{key}", row, maximum=VERDICT_MINIMUM_BOUNDS[key]) for key in VERDICT_MINIMA]
    min_roi, min_velocity, min_stability, min_confidence = minima
    return VerdictRule(label=label, rating=rating, min_roi=min_roi, min_velocity=min_velocity,
                       min_stability=min_stability, min_confidence=min_confidence,
                       description=r.text(f"{path}.description", row, default=""),
                       summary=_template(r, f"{path}.summary", row))


def _verdicts(r: _Reader) -> tuple[VerdictRule, ...]:
    """The verdict table: one row per rating, best first, each row's minima no lower than the next row's."""
    rows = r.doc.get("verdicts")
    if not isinstance(rows, list) or len(rows) != len(VERDICT_RATINGS):
        r.fail("verdicts", f"must be a list of {len(VERDICT_RATINGS)} rows rated {', '.join(VERDICT_RATINGS)}")
        return ()
    table = []
    for index, (row, rating) in enumerate(zip(rows, VERDICT_RATINGS, strict=True)):
        path = f"verdicts.{index}"
        if not isinstance(row, Mapping):
            r.fail(path, "must be an object")
            return ()
        table.append(_verdict_row(r, path, row, rating))
    labels = [row.label for row in table]
    for index, label in enumerate(labels):
        if label in labels[:index]:
            r.fail(f"verdicts.{index}.label", "must differ from the other rows' labels")
    for index, (better, worse) in enumerate(pairwise(table[:-1])):
        for key in VERDICT_MINIMA:
            if getattr(worse, key) > getattr(better, key):
                r.fail(f"verdicts.{index + 1}.{key}", f"must not exceed the row above ({getattr(better, key)})")
    return tuple(table)


def table_problems(doc: Mapping[str, Any]) -> list[dict[str, str]]:
    """What the engine refuses in the ``strategies`` and ``verdicts`` tables of ``doc`` (``{"field", "message"}``);
    the config room validates those two tables with this."""
    r = _Reader(doc)
    if isinstance(doc.get("strategies"), Mapping):
        _strategies(r)
    elif "strategies" in doc:
        r.fail("strategies", "must be an object")
    _verdicts(r)
    return r.errors


def read_config(doc: Mapping[str, Any]) -> EngineConfig:
    """Read and check the sections of business-rules document ``doc`` that the engine uses.

    Raises ``RulesConfigError`` (422) listing every unusable field as ``{"field", "message"}``.
    """
    r = _Reader(doc)
    buffer_pct = r.number("fees.buffer_pct_default", maximum=HUNDRED)
    benchmarks_section = r.mapping("velocity.benchmarks")
    benchmarks = {str(key): r.number(f"velocity.benchmarks.{key}", benchmarks_section, positive=True)
                  for key in benchmarks_section}
    if "default" not in benchmarks:
        r.fail("velocity.benchmarks.default", "missing")
    strategies = _strategies(r)
    active = r.text("active_strategy")
    if active and active not in strategies:
        r.fail("active_strategy", "must name one of the strategies")
    elif active and not strategies[active].selectable:
        r.fail("active_strategy", "must name a strategy with bounds and price sources")
    demo = doc.get("demo_asins")
    if not isinstance(demo, list) or not all(isinstance(asin, str) for asin in demo):
        r.fail("demo_asins", "must be a list of ASINs")
        demo = []
    config = EngineConfig(
        roi=RoiRules(
            target_pct=r.number("roi.target_pct_default"),
            min_for_buy=r.number("roi.min_for_buy"),
            excellent=r.number("roi.excellent_threshold"),
            good=r.number("roi.good_threshold"),
            fair=r.number("roi.fair_threshold"),
            source_price_factor=r.number("roi.source_price_factor", minimum=SOURCE_FACTOR_MIN,
                                         maximum=SOURCE_FACTOR_MAX),
        ),
        buffer_pct=buffer_pct,
        fees=_fees(r, buffer_pct),
        roi_weight=r.number("combined_score.roi_weight"),
        velocity_weight=r.number("combined_score.velocity_weight"),
        storage_per_unit_month=r.number("fees.storage_per_unit_month"),
        returns_pct=r.number("fees.returns_pct", maximum=HUNDRED),
        velocity=VelocityRules(
            fast=r.number("velocity.fast_threshold", maximum=HUNDRED),
            medium=r.number("velocity.medium_threshold", maximum=HUNDRED),
            slow=r.number("velocity.slow_threshold", maximum=HUNDRED),
            benchmarks=benchmarks,
        ),
        strategies=strategies,
        active_strategy=active,
        advanced=_advanced(r),
        verdicts=_verdicts(r),
        demo_asins=tuple(demo),
    )
    if r.errors:
        fields = ", ".join(error["field"] for error in r.errors)
        raise RulesConfigError(f"business rules are unusable: {fields}", details=r.errors)
    return config
