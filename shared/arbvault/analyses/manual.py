"""A manual analysis: the caller's own buy and sell prices run through the engine's rules, no Keepa involved.

The caller states what it would pay and what it expects to sell for, and optionally the package weight, the
category and the sales rank. Everything else comes from the effective rules, through the same engine
functions an ingest uses: the category's fees at that weight, storage over the strategy's holding days and
returns, profit and ROI with the buffer, the most to pay for the target ROI, velocity from the rank, the
advanced scores, the overall rating and the recommendation.

There is no price or rank history here, so price stability is the rules' fallback (level "unknown") and
confidence rests on freshness (the caller's prices are as of now) and on whether a rank was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from arbvault.analyses.exceptions import InvalidManualAnalysisError
from arbvault.catalog.records import to_json
from arbvault.config.effective import effective_config
from arbvault.config.scopes import normalise_category
from arbvault.engine.conditions import BUY_CONDITIONS
from arbvault.engine.config_view import EngineConfig, Strategy
from arbvault.engine.fees import FeeBreakdown, amazon_fees, fee_schedule
from arbvault.engine.money import round_half_up
from arbvault.engine.profit import ProfitMetrics, holding_costs, profit_metrics
from arbvault.engine.rules_document import read_config
from arbvault.engine.scores import Score, confidence, price_stability
from arbvault.engine.strategy import select_strategy
from arbvault.engine.targets import max_buy_price
from arbvault.engine.velocity import Velocity, benchmark_for, velocity_score, velocity_tier
from arbvault.engine.verdict import RatingInputs, Recommendation, ScoreLevels, combined_score, decide
from arbvault.identifiers import Identifier
from arbvault.models.analysis import Analysis

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ZERO = Decimal(0)
REQUESTED = "requested"  # the engine's label for a price the caller gave
MANUAL_SOURCE = "manual"


@dataclass(frozen=True, slots=True)
class ManualInput:
    """What the caller states about one product; money in dollars."""

    identifier: Identifier
    buy_price: Decimal
    sell_price: Decimal
    category: str = "books"
    weight_lb: Decimal | None = None
    bsr: int | None = None
    strategy: str | None = None
    title: str | None = None
    buy_condition: str | None = None
    """The condition of the copy bought; the strategy's default condition when not given."""


@dataclass(frozen=True, slots=True)
class ManualAnalysis:
    """The engine's verdict on a :class:`ManualInput`; money rounded to cents, rates to 2 dp.

    Fields share the names of the engine's ``Analysis`` (an ingest's result), so stored ``metrics`` read the
    same whichever way an analysis was made.
    """

    asin: str
    title: str | None
    category: str
    fee_category: str
    bsr: int | None
    strategy: str
    strategy_auto_selected: bool
    sell_price: Decimal
    sell_price_source: str
    buy_price: Decimal
    buy_price_source: str
    buy_condition: str
    fees: FeeBreakdown
    profit: ProfitMetrics
    target_roi_pct: Decimal
    max_buy_price: Decimal
    breakeven_buy_price: Decimal
    velocity: Velocity
    velocity_tier: str
    stability: Score
    confidence: Score
    overall_rating: str
    primary_issue: str | None
    summary: str
    risk_factors: tuple[str, ...]
    recommendation: Recommendation
    combined_score: Decimal

    def metrics(self) -> dict[str, Any]:
        """The full detail as JSON (numbers as numbers), stored with the row and returned by the API."""
        detail: dict[str, Any] = to_json(self)
        return detail


def _strategy(data: ManualInput, config: EngineConfig) -> tuple[Strategy, bool]:
    if data.strategy is None:
        return select_strategy(data.sell_price, data.bsr, config), True
    if data.strategy not in config.strategies:
        known = ", ".join(sorted(config.strategies))
        raise InvalidManualAnalysisError("body.strategy", f"must be one of {known}")
    return config.strategies[data.strategy], False


def evaluate(data: ManualInput, config: EngineConfig) -> ManualAnalysis:
    """Run ``data`` through the rules in ``config``.

    Raises :class:`InvalidManualAnalysisError` for a strategy the rules do not define, an unknown buy condition or
    an identifier with no ASIN (a 979 ISBN-13), and ``InvalidPriceError`` for negative prices.
    """
    asin = data.identifier.asin
    if asin is None:
        raise InvalidManualAnalysisError("body.identifier",
                                         "a 979 ISBN-13 has no ISBN-10 to use as ASIN; send the product's ASIN")
    if data.buy_condition is not None and data.buy_condition not in BUY_CONDITIONS:
        raise InvalidManualAnalysisError("body.buy_condition", f"must be one of {', '.join(BUY_CONDITIONS)}")
    strategy, auto = _strategy(data, config)
    names = (data.category,)
    fee_category, schedule = fee_schedule(config, names)
    fees = amazon_fees(data.sell_price, schedule, category=fee_category, weight_lb=data.weight_lb)
    storage, returns = holding_costs(data.sell_price, storage_per_unit_month=config.storage_per_unit_month,
                                     days=strategy.holding_days, returns_pct=config.returns_pct)
    costs = fees.total + storage + returns  # every cost but the buffer, which the price targets add themselves
    profit = profit_metrics(data.sell_price, data.buy_price, fees=fees, buffer_pct=config.buffer_pct,
                            rules=config.roi, storage=storage, returns=returns)
    velocity = velocity_score(data.bsr, rules=config.velocity, benchmark=benchmark_for(config.velocity, names))
    stability = price_stability((), rules=config.advanced)
    trust = confidence(age_days=ZERO, price_points=0, has_bsr=data.bsr is not None, rules=config.advanced)
    measures = RatingInputs(profit.roi_pct, velocity.score, Decimal(stability.score), Decimal(trust.score))
    levels = ScoreLevels(config.advanced.velocity_levels.level(velocity.score), stability.level, trust.level)
    verdict = decide(measures, profitable=profit.profitable, levels=levels, amazon_on_listing=False, config=config)
    return ManualAnalysis(
        asin=asin,
        title=data.title,
        category=data.category,
        fee_category=fee_category,
        bsr=data.bsr,
        strategy=strategy.name,
        strategy_auto_selected=auto,
        sell_price=round_half_up(data.sell_price),
        sell_price_source=REQUESTED,
        buy_price=round_half_up(data.buy_price),
        buy_price_source=REQUESTED,
        buy_condition=data.buy_condition or strategy.default_buy_condition,
        fees=fees.rounded(),
        profit=profit.rounded(),
        target_roi_pct=config.roi.target_pct,
        max_buy_price=round_half_up(max_buy_price(data.sell_price, costs, target_roi_pct=config.roi.target_pct,
                                                  buffer_pct=config.buffer_pct)),
        breakeven_buy_price=round_half_up(max_buy_price(data.sell_price, costs, target_roi_pct=ZERO,
                                                        buffer_pct=config.buffer_pct)),
        velocity=velocity,
        velocity_tier=velocity_tier(velocity, config.velocity),
        stability=stability,
        confidence=trust,
        overall_rating=verdict.rating,
        primary_issue=verdict.primary_issue,
        summary=verdict.summary,
        risk_factors=verdict.risk_factors,
        recommendation=verdict.recommendation,
        combined_score=combined_score(roi_pct=profit.roi_pct, velocity=velocity.score, config=config),
    )


def create_manual_analysis(session: Session, data: ManualInput, *, created_by: str, domain_id: int = 1) -> Analysis:
    """Analyse ``data`` under the effective rules of ``domain_id`` and its category, store it and return the row.

    The row is marked ``source="manual"`` and ``created_by`` (the caller's API key id, its owner). Raises
    ``InvalidScopeError`` for a category that cannot name a config scope, and the errors
    of :func:`evaluate` (all 422).
    """
    layer = normalise_category(data.category, field="body.category")
    rules = effective_config(session, domain_id=domain_id, category=layer)
    result = evaluate(data, read_config(rules.document))
    profit = result.profit
    row = Analysis(
        domain_id=domain_id,
        identifier=data.identifier.value,
        asin=result.asin,
        isbn13=data.identifier.isbn13,
        title=data.title,
        category=data.category,
        strategy=result.strategy,
        buy_price=profit.buy_price,
        buy_price_source=result.buy_price_source,
        buy_condition=result.buy_condition,
        sell_price=profit.sell_price,
        sell_price_source=result.sell_price_source,
        fees=result.fees.total,
        profit=profit.net_profit,
        max_buy_price=result.max_buy_price,
        roi_pct=profit.roi_pct,
        margin_pct=profit.margin_pct,
        velocity_score=result.velocity.score,
        stability_score=result.stability.score,
        confidence_score=result.confidence.score,
        overall_rating=result.overall_rating,
        recommendation=result.recommendation.label,
        combined_score=result.combined_score,
        bsr=data.bsr,
        metrics=result.metrics(),
        source=MANUAL_SOURCE,
        created_by=created_by,
    )
    session.add(row)
    session.flush()  # the id and timestamps, for the response and its Location header
    return row
