"""The one typed model of the business-rules document, and the engine's read of it.

Config writes (``arbvault.config.validation``) and the engine (:func:`read_config`) validate a document with
:class:`RulesDocument`, so both accept and refuse the same documents. A problem names its dotted field
(``fees.books.prep_fee``) and says what is wrong in the words the API returns. Keys the model does not know
are ignored here; ``arbvault.config.shape`` refuses them in patches.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from string import Formatter
from typing import Annotated, Any, Final, Self, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from arbvault.engine.conditions import BUY_CONDITIONS
from arbvault.engine.config_view import (
    BUY_SOURCES,
    SELL_SOURCES,
    VERDICT_MINIMA,
    VERDICT_RATINGS,
    AdvancedRules,
    AnalyticsRules,
    EngineConfig,
    FeeSchedule,
    Levels,
    RiskComponentName,
    RoiRules,
    StrategicRiskName,
    Strategy,
    VelocityRules,
    VerdictRule,
)
from arbvault.engine.exceptions import RulesConfigError
from arbvault.engine.money import ZERO

WEIGHT_SUM_TOLERANCE: Final = Decimal("0.001")
UPPER_SNAKE: Final = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
# Placeholders a summary template may use; verdict.decide fills exactly these ({roi} reads "unknown" without one).
SUMMARY_FIELDS: Final = frozenset(
    {"roi", "velocity_level", "stability_level", "confidence_level", "primary_issue", "rating", "label"}
)
# The decision-card calculators' risk model. A document stored before this section existed takes these values.
ANALYTICS_DEFAULTS: Final[dict[str, Any]] = {
    "risk_weights": {"dead_inventory": 0.35, "competition": 0.25, "amazon_presence": 0.20, "price_stability": 0.10,
                     "category": 0.10},
    # The strategic views' risk: volatility, inconsistency of demand and lack of confidence.
    "strategic_risk_weights": {"volatility": 0.4, "inconsistency": 0.3, "uncertainty": 0.3},
    "risk_levels": {"critical": 75, "high": 55, "medium": 35},
    "max_good_risk": 50, "low_risk": 30, "skip_risk": 85, "advice_risk": 55,
    "max_days_to_sell": 45, "unknown_days_to_sell": 60,
    "fba_heavy_share": 0.7, "amazon_risk": {"present": 95, "absent": 5},
}


def _error(message: str, *found: tuple[str, str]) -> PydanticCustomError:
    """A problem at the validated value, or, with ``found`` (sub-field, message) pairs, at each of those fields."""
    return PydanticCustomError("rules", "{message}", {"message": message, "found": found})


def _problems(found: list[tuple[str, str]]) -> None:
    if found:
        raise _error(found[0][1], *found)


def _shown(value: object) -> str:
    # Echo what was sent, but never thousands of digits of it.
    text = str(value)
    return text if len(text) <= 24 else text[:21] + "..."


def _number(value: object) -> Decimal:
    # bool is an int subclass and a string is no JSON number; a float goes through its shortest repr (0.6, not
    # 0.59999...).
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise _error("must be a number")
    parsed = value if isinstance(value, Decimal) else Decimal(str(value))
    if not parsed.is_finite():
        raise _error("must be a number")
    return parsed


def _between(low: float, high: float) -> PlainValidator:
    bounds = Decimal(str(low)), Decimal(str(high))

    def check(value: object) -> Decimal:
        parsed = _number(value)
        if not bounds[0] <= parsed <= bounds[1]:
            raise _error(f"must be between {low:g} and {high:g} (got {_shown(value)})")
        return parsed

    return PlainValidator(check)


def _amount(value: object) -> Decimal:
    parsed = _number(value)
    if parsed < 0:
        raise _error("must not be negative")
    return parsed


def _positive(value: object) -> Decimal:
    parsed = _number(value)
    if parsed <= 0:
        raise _error("must be greater than 0")
    return parsed


def _whole(value: object) -> int:
    parsed = _amount(value)
    if parsed != parsed.to_integral_value():
        raise _error("must be a whole number")
    return int(parsed)


def _text(value: object) -> str:
    if isinstance(value, str) and value.strip():
        return value
    raise _error("must be a non-empty string")


def _choice(allowed: tuple[str, ...]) -> PlainValidator:
    def check(value: object) -> str:
        if isinstance(value, str) and value in allowed:
            return value
        raise _error(f"must be one of {', '.join(allowed)}")

    return PlainValidator(check)


Amount = Annotated[Decimal, PlainValidator(_amount)]
Share = Annotated[Decimal, _between(0, 1)]
Pct = Annotated[Decimal, _between(0, 100)]
Whole = Annotated[int, PlainValidator(_whole)]
Text = Annotated[str, PlainValidator(_text)]
Condition = Annotated[str, _choice(BUY_CONDITIONS)]


def _section(factory: Callable[[], Any] = dict) -> Any:
    """A section or sub-section: when absent, its fields are reported missing one by one."""
    return Field(default_factory=factory, validate_default=True)


class _Model(BaseModel):
    # Validators are built on the first validation, not at import: cold starts that read no rules skip it.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)


class Roi(_Model):
    target_pct_default: Annotated[Decimal, _between(0, 200)]
    min_for_buy: Pct
    excellent_threshold: Amount
    good_threshold: Amount
    fair_threshold: Amount
    # Buying at under a tenth or over nine tenths of the sell price is no estimate.
    source_price_factor: Annotated[Decimal, _between(0.1, 0.9)]


class _Weights(_Model):
    """Shares that sum to 1."""

    @model_validator(mode="after")
    def _sum(self) -> Self:
        total = sum(dict(self).values(), ZERO)
        if abs(total - 1) > WEIGHT_SUM_TOLERANCE:
            raise _error(f"{' + '.join(type(self).model_fields)} must equal 1 (got {total.normalize():g})")
        return self


class CombinedScore(_Weights):
    roi_weight: Share
    velocity_weight: Share


class FeeTable(_Model):
    referral_fee_pct: Annotated[Decimal, _between(0, 50)]
    closing_fee: Annotated[Decimal, _between(0, 10)]
    fba_fee_base: Annotated[Decimal, _between(0, 20)]
    fba_fee_per_lb: Annotated[Decimal, _between(0, 5)]
    inbound_shipping: Annotated[Decimal, _between(0, 5)]
    prep_fee: Annotated[Decimal, _between(0, 5)]


def _table_or_none(value: object) -> object:
    # A named entry of ``fees`` is a fee table when it is an object; other values (a currency, say) are ignored.
    return value if isinstance(value, Mapping) else None


class Fees(_Model):
    """The fee scalars and the per-category fee tables (``books``, ``media``, ``default`` and any other)."""

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)
    __pydantic_extra__: dict[str, Annotated[FeeTable | None, BeforeValidator(_table_or_none)]]

    buffer_pct_default: Annotated[Decimal, _between(0, 50)]
    storage_per_unit_month: Annotated[Decimal, _between(0, 10)]
    returns_pct: Annotated[Decimal, _between(0, 50)]
    books: FeeTable
    media: FeeTable
    default: FeeTable

    @property
    def tables(self) -> dict[str, FeeTable]:
        extra = {name: table for name, table in (self.__pydantic_extra__ or {}).items() if table is not None}
        return {"books": self.books, "media": self.media, "default": self.default, **extra}

    @model_validator(mode="after")
    def _referral_plus_buffer(self) -> Fees:
        # At 100 % or more, profit would fall as the price rises.
        _problems([(f"{name}.referral_fee_pct", "referral plus buffer must stay below 100 %")
                   for name, table in self.tables.items() if table.referral_fee_pct + self.buffer_pct_default >= 100])
        return self


def _has_default(benchmarks: dict[str, Decimal]) -> dict[str, Decimal]:
    _problems([] if "default" in benchmarks else [("default", "is required")])
    return benchmarks


class Velocity(_Model):
    fast_threshold: Pct
    medium_threshold: Pct
    slow_threshold: Pct
    benchmarks: Annotated[dict[str, Annotated[Decimal, PlainValidator(_positive)]],
                          AfterValidator(_has_default)] = _section()

    @model_validator(mode="after")
    def _ordered(self) -> Velocity:
        tiers = [("fast_threshold", self.fast_threshold), ("medium_threshold", self.medium_threshold),
                 ("slow_threshold", self.slow_threshold)]
        _problems([(higher, f"must be at least {lower} ({low})")
                   for (higher, high), (lower, low) in itertools.pairwise(tiers) if high < low])
        return self


def _condition_list(value: object) -> object:
    if value is None:
        return None
    if not isinstance(value, list) or not value or len(set(map(str, value))) != len(value):
        raise _error(f"must be a non-empty list of distinct conditions from {', '.join(BUY_CONDITIONS)}")
    return value


def _span(value: object) -> object:
    if value is not None and (not isinstance(value, list) or len(value) != 2):
        raise _error("must be [shortest, longest] days")
    return value


class StrategyRules(_Model):
    roi_min: Amount
    min_sell_price: Amount | None = None
    max_bsr: Amount | None = None
    buy_price_source: Annotated[str, _choice(BUY_SOURCES)] | None = None
    sell_price_source: Annotated[str, _choice(SELL_SOURCES)] | None = None
    buy_conditions: Annotated[tuple[Condition, ...] | None, BeforeValidator(_condition_list)] = None
    default_buy_condition: Condition | None = None
    holding_days: Annotated[tuple[Amount, Amount] | None, BeforeValidator(_span)] = None

    @model_validator(mode="after")
    def _consistent(self) -> StrategyRules:
        found = []
        if self.default_buy_condition is not None and self.default_buy_condition not in self.allowed_conditions:
            found.append(("default_buy_condition", "must be one of the strategy's buy_conditions"))
        if self.holding_days is not None and self.holding_days[0] > self.holding_days[1]:
            found.append(("holding_days", "shortest must not exceed longest"))
        _problems(found)
        return self

    @property
    def allowed_conditions(self) -> tuple[str, ...]:
        """The conditions it buys in: every one when it names none."""
        return self.buy_conditions or BUY_CONDITIONS


def _template(value: object) -> str:
    template = _text(value)
    try:
        fields = {field for _, field, _, _ in Formatter().parse(template) if field is not None}
    except ValueError:
        raise _error("is not a valid template") from None
    unknown = fields - SUMMARY_FIELDS
    if unknown:
        raise _error(f"unknown placeholders {sorted(unknown)}; allowed: {sorted(SUMMARY_FIELDS)}")
    return template


def _label(value: object) -> str:
    label = _text(value)
    if not UPPER_SNAKE.fullmatch(label):
        raise _error("must be UPPER_SNAKE_CASE (e.g. STRONG_BUY)")
    return label


class VerdictRow(_Model):
    """A row of the verdict table; its rating and required minima depend on its place, checked by the table."""

    label: Annotated[str, PlainValidator(_label)]
    rating: object = None
    min_roi: Annotated[Decimal, _between(0, 200)] | None = None  # ROI in percent
    min_velocity: Pct | None = None
    min_stability: Pct | None = None
    min_confidence: Pct | None = None
    description: Text | None = None
    summary: Annotated[str, PlainValidator(_template)]


def _four_rows(value: object) -> object:
    if not isinstance(value, list) or len(value) != len(VERDICT_RATINGS):
        raise _error(f"must be a list of {len(VERDICT_RATINGS)} rows rated {', '.join(VERDICT_RATINGS)}")
    return value


def _verdict_table(rows: tuple[VerdictRow, ...]) -> tuple[VerdictRow, ...]:
    """One row per rating, best first, distinct labels, each row's minima no higher than the row above's."""
    found = []
    for index, (row, rating) in enumerate(zip(rows, VERDICT_RATINGS, strict=True)):
        if row.rating != rating:
            found.append((f"{index}.rating", f"must be {rating}: rows rate {', '.join(VERDICT_RATINGS)} in this order"))
        if rating != "PASS":
            found += [(f"{index}.{key}", "is required") for key in VERDICT_MINIMA if getattr(row, key) is None]
        if row.label in [other.label for other in rows[:index]]:
            found.append((f"{index}.label", "must differ from the other rows' labels"))
    for index, (better, worse) in enumerate(itertools.pairwise(rows[:-1])):
        for key in VERDICT_MINIMA:
            high, low = getattr(better, key), getattr(worse, key)
            if high is not None and low is not None and low > high:
                found.append((f"{index + 1}.{key}", f"must not exceed the row above ({high})"))
    _problems(found)
    return rows


def _levels(levels: dict[str, Decimal]) -> dict[str, Decimal]:
    if not levels:
        raise _error("must name at least one level")
    return levels


LevelTable = Annotated[dict[str, Pct], AfterValidator(_levels)]


class VelocityScoring(_Model):
    fallback_score: Pct
    min_data_points: Whole
    window_days: Whole


class StabilityScoring(_Model):
    fallback_score: Pct
    min_price_points: Whole


class ConfidenceWeights(_Model):
    freshness: Amount
    completeness: Amount
    bsr_availability: Amount


class ConfidenceScoring(_Model):
    data_freshness_days: Amount
    weights: ConfidenceWeights = _section()


class AdvancedScoring(_Model):
    velocity: VelocityScoring = _section()
    stability: StabilityScoring = _section()
    confidence: ConfidenceScoring = _section()


class LevelFlags(_Model):
    velocity: LevelTable = _section()
    stability: LevelTable = _section()
    confidence: LevelTable = _section()


class RiskWeights(_Weights):
    dead_inventory: Share
    competition: Share
    amazon_presence: Share
    price_stability: Share
    category: Share


class StrategicRiskWeights(_Weights):
    volatility: Share
    inconsistency: Share
    uncertainty: Share


class RiskLevels(_Model):
    critical: Pct
    high: Pct
    medium: Pct

    @model_validator(mode="after")
    def _ordered(self) -> RiskLevels:
        levels = list(dict(self).items())
        _problems([(lower, f"must not exceed {higher} ({high})")
                   for (higher, high), (lower, low) in itertools.pairwise(levels) if low > high])
        return self


class AmazonRisk(_Model):
    present: Pct
    absent: Pct


class Analytics(_Model):
    risk_weights: RiskWeights = _section()
    strategic_risk_weights: StrategicRiskWeights = _section()
    risk_levels: RiskLevels = _section()
    max_good_risk: Pct
    low_risk: Pct
    skip_risk: Pct
    advice_risk: Pct
    max_days_to_sell: Amount
    unknown_days_to_sell: Amount
    fba_heavy_share: Share
    amazon_risk: AmazonRisk = _section()


def _asins(value: object) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(asin, str) for asin in value):
        return tuple(value)
    raise _error("must be a list of ASINs")


class RulesDocument(_Model):
    """Every section of a rules document the engine reads, with the bounds a config write enforces."""

    roi: Roi = _section()
    combined_score: CombinedScore = _section()
    fees: Fees = _section()
    velocity: Velocity = _section()
    verdicts: Annotated[tuple[VerdictRow, ...], BeforeValidator(_four_rows), AfterValidator(_verdict_table)]
    demo_asins: Annotated[tuple[str, ...], PlainValidator(_asins)]
    active_strategy: Text
    strategies: dict[str, StrategyRules]
    advanced_scoring: AdvancedScoring = _section()
    level_flags: LevelFlags = _section()
    analytics: Analytics = _section(lambda: copy.deepcopy(ANALYTICS_DEFAULTS))

    @model_validator(mode="after")
    def _active_strategy(self) -> RulesDocument:
        strategy = self.strategies.get(self.active_strategy)
        if strategy is None:
            raise _error("must name one of the strategies", ("active_strategy", "must name one of the strategies"))
        if not _selectable(strategy):
            message = "must name a strategy with bounds and price sources"
            raise _error(message, ("active_strategy", message))
        return self


def _selectable(strategy: StrategyRules) -> bool:
    return None not in (strategy.min_sell_price, strategy.max_bsr, strategy.buy_price_source,
                        strategy.sell_price_source)


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be an object"
    if kind in ("list_type", "tuple_type"):
        return "must be a list"
    return str(error["msg"])


def _details(exc: ValidationError) -> list[dict[str, str]]:
    """Each problem as ``{"field", "message"}``, one per field, in the model's order."""
    found: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in error["loc"])
        at = (error.get("ctx") or {}).get("found") or ((None, _message(error)),)
        for sub, message in at:
            found.setdefault(f"{field}.{sub}" if sub and field else sub or field, message)
    return [{"field": field, "message": message} for field, message in found.items()]


def rules_problems(document: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every problem of ``document`` as ``{"field", "message"}``; ``[]`` when it is a usable rules document."""
    try:
        RulesDocument.model_validate(document)
    except ValidationError as exc:
        return _details(exc)
    return []


def _strategy(name: str, rules: StrategyRules) -> Strategy:
    allowed = rules.allowed_conditions
    days = rules.holding_days
    return Strategy(
        name=name, roi_min=rules.roi_min, min_sell_price=rules.min_sell_price, max_bsr=rules.max_bsr,
        buy_price_source=rules.buy_price_source,  # type: ignore[arg-type]  # checked against BUY_SOURCES
        sell_price_source=rules.sell_price_source,  # type: ignore[arg-type]  # checked against SELL_SOURCES
        buy_conditions=allowed, default_buy_condition=rules.default_buy_condition or allowed[0],
        holding_days=(days[0] + days[1]) / 2 if days else ZERO,
    )


def _levels_of(table: Mapping[str, Decimal]) -> Levels:
    return Levels(tuple(sorted(table.items(), key=lambda pair: pair[1], reverse=True)))


def _verdict(row: VerdictRow) -> VerdictRule:
    # The PASS row catches the rest: it has no minima.
    minima = dict.fromkeys(VERDICT_MINIMA, ZERO) if row.rating == "PASS" else \
        {key: getattr(row, key) for key in VERDICT_MINIMA}
    return VerdictRule(label=row.label, rating=row.rating, description=row.description or "",  # type: ignore[arg-type]
                       summary=row.summary, **minima)


def _analytics(rules: Analytics) -> AnalyticsRules:
    levels = rules.risk_levels
    return AnalyticsRules(
        # The weight models' fields are exactly the risk components' names.
        risk_weights=cast("dict[RiskComponentName, Decimal]", dict(rules.risk_weights)),
        strategic_risk_weights=cast("dict[StrategicRiskName, Decimal]", dict(rules.strategic_risk_weights)),
        critical_risk=levels.critical, high_risk=levels.high,
        medium_risk=levels.medium, max_good_risk=rules.max_good_risk, low_risk=rules.low_risk,
        skip_risk=rules.skip_risk, advice_risk=rules.advice_risk, max_days_to_sell=rules.max_days_to_sell,
        unknown_days_to_sell=rules.unknown_days_to_sell, fba_heavy_share=rules.fba_heavy_share,
        amazon_present_risk=rules.amazon_risk.present, amazon_absent_risk=rules.amazon_risk.absent,
    )


def read_config(document: Mapping[str, Any]) -> EngineConfig:
    """Validate rules ``document`` against :class:`RulesDocument` and build the engine's view of it.

    Raises ``RulesConfigError`` (422) listing every problem as ``{"field", "message"}``.
    """
    try:
        rules = RulesDocument.model_validate(document)
    except ValidationError as exc:
        details = _details(exc)
        fields = ", ".join(detail["field"] for detail in details)
        raise RulesConfigError(f"business rules are unusable: {fields}", details=details) from None
    fees, velocity, advanced = rules.fees, rules.velocity, rules.advanced_scoring
    weights = advanced.confidence.weights
    return EngineConfig(
        roi=RoiRules(target_pct=rules.roi.target_pct_default, min_for_buy=rules.roi.min_for_buy,
                     excellent=rules.roi.excellent_threshold, good=rules.roi.good_threshold,
                     fair=rules.roi.fair_threshold, source_price_factor=rules.roi.source_price_factor),
        buffer_pct=fees.buffer_pct_default,
        fees={name: FeeSchedule(referral_pct=table.referral_fee_pct, closing_fee=table.closing_fee,
                                fba_base=table.fba_fee_base, fba_per_lb=table.fba_fee_per_lb,
                                inbound_shipping=table.inbound_shipping, prep_fee=table.prep_fee)
              for name, table in fees.tables.items()},
        roi_weight=rules.combined_score.roi_weight,
        velocity_weight=rules.combined_score.velocity_weight,
        storage_per_unit_month=fees.storage_per_unit_month,
        returns_pct=fees.returns_pct,
        velocity=VelocityRules(fast=velocity.fast_threshold, medium=velocity.medium_threshold,
                               slow=velocity.slow_threshold, benchmarks=velocity.benchmarks),
        strategies={name: _strategy(name, strategy) for name, strategy in rules.strategies.items()},
        active_strategy=rules.active_strategy,
        advanced=AdvancedRules(
            velocity_fallback=advanced.velocity.fallback_score,
            velocity_min_points=advanced.velocity.min_data_points,
            velocity_window_days=advanced.velocity.window_days,
            stability_fallback=advanced.stability.fallback_score,
            stability_min_points=advanced.stability.min_price_points,
            freshness_days=advanced.confidence.data_freshness_days,
            weight_freshness=weights.freshness, weight_completeness=weights.completeness,
            weight_bsr=weights.bsr_availability,
            velocity_levels=_levels_of(rules.level_flags.velocity),
            stability_levels=_levels_of(rules.level_flags.stability),
            confidence_levels=_levels_of(rules.level_flags.confidence),
        ),
        verdicts=tuple(_verdict(row) for row in rules.verdicts),
        demo_asins=rules.demo_asins,
        analytics=_analytics(rules.analytics),
    )
