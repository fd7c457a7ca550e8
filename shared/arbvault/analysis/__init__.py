"""The analysis engine: pure business rules over plain values, in ``Decimal``, from one rules document.

Read the effective rules once with ``read_config`` (or hand the document to ``analyze``), then::

    from arbvault.analysis import analyze

    result = analyze(product, rules_document, now=datetime.now(UTC), buy_price=Decimal("4.00"))
    result.profit.roi_pct, result.velocity.score, result.recommendation.label, result.buy_condition

Nothing here does I/O or imports the database, the Keepa client, the web layer or boto3.
"""

from arbvault.analysis.analytics import (
    AnalyticsInput,
    Competition,
    DeadInventory,
    Decision,
    ProductDecision,
    RiskComponent,
    RiskScore,
    RoiNet,
    StabilityInsight,
    VelocityInsight,
    competition,
    dead_inventory,
    product_decision,
    risk_score,
    roi_net,
    stability_insight,
    velocity_insight,
)
from arbvault.analysis.analyze import Analysis, ConditionOption, analyze, check_buy, market_prices
from arbvault.analysis.categories import rules_key
from arbvault.analysis.config_view import (
    BUY_CONDITIONS,
    BuyCondition,
    EngineConfig,
    FeeSchedule,
    RoiRules,
    Strategy,
    VerdictRule,
    read_config,
    table_problems,
)
from arbvault.analysis.exceptions import InvalidPriceError, RulesConfigError, UnknownStrategyError
from arbvault.analysis.fees import DEFAULT_WEIGHT_LB, FeeBreakdown, amazon_fees, fee_schedule, stated_fees
from arbvault.analysis.money import round_half_up
from arbvault.analysis.preview import ConfigPreview, PreviewOutcome, PreviewResult, demo_product, preview_config
from arbvault.analysis.profit import CostLines, ProfitMetrics, holding_costs, profit_metrics, profit_tier
from arbvault.analysis.recommendation import combined_score
from arbvault.analysis.scores import Score, confidence, price_stability, price_volatility, velocity_trend
from arbvault.analysis.stock import StockEstimate, estimate_stock
from arbvault.analysis.strategy import (
    BuyOption,
    MarketPrices,
    SourcedPrice,
    choose_prices,
    named_strategy,
    price_from,
    select_strategy,
    sell_price,
)
from arbvault.analysis.targets import (
    SellTarget,
    estimated_buy_price,
    max_buy_price,
    purchase_cost,
    target_sell_price,
    view_roi_target,
)
from arbvault.analysis.velocity import Velocity, benchmark_for, velocity_score, velocity_tier
from arbvault.analysis.verdict import RatingInputs, Recommendation, ScoreLevels, Verdict, decide, risk_factors
from arbvault.analysis.view_scores import VIEW_WEIGHTS, ViewScore, view_score

__all__ = [
    "BUY_CONDITIONS",
    "DEFAULT_WEIGHT_LB",
    "VIEW_WEIGHTS",
    "Analysis",
    "AnalyticsInput",
    "BuyCondition",
    "BuyOption",
    "Competition",
    "ConditionOption",
    "ConfigPreview",
    "CostLines",
    "DeadInventory",
    "Decision",
    "EngineConfig",
    "FeeBreakdown",
    "FeeSchedule",
    "InvalidPriceError",
    "MarketPrices",
    "PreviewOutcome",
    "PreviewResult",
    "ProductDecision",
    "ProfitMetrics",
    "RatingInputs",
    "Recommendation",
    "RiskComponent",
    "RiskScore",
    "RoiNet",
    "RoiRules",
    "RulesConfigError",
    "Score",
    "ScoreLevels",
    "SellTarget",
    "SourcedPrice",
    "StabilityInsight",
    "StockEstimate",
    "Strategy",
    "UnknownStrategyError",
    "Velocity",
    "VelocityInsight",
    "Verdict",
    "VerdictRule",
    "ViewScore",
    "amazon_fees",
    "analyze",
    "benchmark_for",
    "check_buy",
    "choose_prices",
    "combined_score",
    "competition",
    "confidence",
    "dead_inventory",
    "decide",
    "demo_product",
    "estimate_stock",
    "estimated_buy_price",
    "fee_schedule",
    "holding_costs",
    "market_prices",
    "max_buy_price",
    "named_strategy",
    "preview_config",
    "price_from",
    "price_stability",
    "price_volatility",
    "product_decision",
    "profit_metrics",
    "profit_tier",
    "purchase_cost",
    "read_config",
    "risk_factors",
    "risk_score",
    "roi_net",
    "round_half_up",
    "rules_key",
    "select_strategy",
    "sell_price",
    "stability_insight",
    "stated_fees",
    "table_problems",
    "target_sell_price",
    "velocity_insight",
    "velocity_score",
    "velocity_tier",
    "velocity_trend",
    "view_roi_target",
    "view_score",
]
