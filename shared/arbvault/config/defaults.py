"""The canonical default business rules (docs/rules.md#the-rules-document): one document holding every section.

The seed migration stores it as the ``global`` scope; domain and category scopes hold partial documents
merged over it. Numbers are JSON numbers; the analysis engine reads them as ``Decimal(str(value))``.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from arbvault.engine.rules_document import ANALYTICS_DEFAULTS

FEES_BOOKS: Final = {
    "referral_fee_pct": 15.0, "closing_fee": 1.80, "fba_fee_base": 2.50, "fba_fee_per_lb": 0.40,
    "inbound_shipping": 0.40, "prep_fee": 0.20,
}

# Where a strategy buys and sells by default: the cheapest live offer (landed) in an allowed condition, sold in
# that condition (used Buy Box, else lowest used FBA; Buy Box, else lowest FBA new). Acceptable copies are left
# out: they sell slowly and come back. A caller's buy price is taken to be for a copy in good used condition.
def _sourcing() -> dict[str, Any]:
    """A strategy's default price sources and conditions (a fresh list each time: documents get edited)."""
    return {"buy_price_source": "cheapest_offer", "sell_price_source": "condition_buy_box",
            "buy_conditions": ["new", "used_like_new", "used_very_good", "used_good"],
            "default_buy_condition": "used_good"}


DEFAULT_RULES: Final[dict[str, Any]] = {
    "roi": {
        "target_pct_default": 30.0,
        "min_for_buy": 15.0,
        "excellent_threshold": 50.0,
        "good_threshold": 30.0,
        "fair_threshold": 15.0,
        "source_price_factor": 0.50,
    },
    "combined_score": {"roi_weight": 0.6, "velocity_weight": 0.4},
    "fees": {
        "buffer_pct_default": 5.0,
        "storage_per_unit_month": 0.10,
        "returns_pct": 2.0,
        "books": FEES_BOOKS,
        "media": {**FEES_BOOKS, "inbound_shipping": 0.35, "prep_fee": 0.15},
        "default": {**FEES_BOOKS, "fba_fee_base": 3.00, "fba_fee_per_lb": 0.50, "inbound_shipping": 0.50,
                    "prep_fee": 0.25},
    },
    "velocity": {
        "fast_threshold": 80,
        "medium_threshold": 60,
        "slow_threshold": 40,
        "benchmarks": {"books": 100000, "media": 50000, "default": 150000},
    },
    # One table decides the recommendation, the overall rating, the summary and the risk factors: the first row
    # whose minima are all met, for a profitable buy with a known ROI; the PASS row otherwise.
    "verdicts": [
        {"label": "STRONG_BUY", "rating": "EXCELLENT", "min_roi": 35, "min_velocity": 70, "min_stability": 70,
         "min_confidence": 80, "description": "high profit, fast mover",
         "summary": "Strong buy: ROI {roi}, {velocity_level} velocity, {stability_level} price stability."},
        {"label": "BUY", "rating": "GOOD", "min_roi": 25, "min_velocity": 50, "min_stability": 50,
         "min_confidence": 60, "description": "good opportunity",
         "summary": "Buy: ROI {roi}, {velocity_level} velocity, {stability_level} price stability."},
        {"label": "CONSIDER", "rating": "FAIR", "min_roi": 15, "min_velocity": 30, "min_stability": 30,
         "min_confidence": 40, "description": "watch for a better entry",
         "summary": "Consider: ROI {roi}, {confidence_level} confidence, {velocity_level} velocity."},
        {"label": "PASS", "rating": "PASS", "description": "low profit, slow or uncertain",
         "summary": "Pass: {primary_issue}; ROI {roi}."},
    ],
    "demo_asins": ["B00FLIJJSA", "B08N5WRWNW", "B07FNW9FGJ"],
    "active_strategy": "balanced",
    "strategies": {
        "textbook": {
            "roi_min": 80, "velocity_min": 30, "stability_min": 70, "min_sell_price": 40, "max_bsr": 250000,
            "holding_days": [60, 90], **_sourcing(),
            "fees_estimate_pct": 25, "weights": {"roi": 0.7, "velocity": 0.3, "stability": 0.3},
        },
        "velocity": {
            "roi_min": 30, "velocity_min": 70, "stability_min": 50, "min_sell_price": 25, "max_bsr": 250000,
            "holding_days": [15, 45], **_sourcing(),
            "fees_estimate_pct": 25, "weights": {"roi": 0.4, "velocity": 0.6, "stability": 0.2},
        },
        "balanced": {
            "roi_min": 25, "velocity_min": 50, "stability_min": 60, "min_sell_price": 20, "max_bsr": 500000,
            "holding_days": [30, 60], **_sourcing(),
            "fees_estimate_pct": 25, "weights": {"roi": 0.5, "velocity": 0.5, "stability": 0.4},
        },
        "aggressive": {
            "roi_min": 40, "velocity_min": 70, "stability_min": 80,
            "weights": {"roi": 0.6, "velocity": 0.4, "stability": 0.3},
        },
        "conservative": {
            "roi_min": 35, "velocity_min": 60, "stability_min": 85,
            "weights": {"roi": 0.4, "velocity": 0.3, "stability": 0.6},
        },
    },
    "advanced_scoring": {
        "velocity": {"levels": {"excellent": 80, "good": 60, "fair": 40}, "fallback_score": 50,
                     "min_data_points": 10, "window_days": 30},
        "stability": {"levels": {"excellent": 80, "good": 60, "fair": 40}, "fallback_score": 50,
                      "min_price_points": 10},
        "confidence": {
            "levels": {"high": 85, "good": 70, "fair": 50}, "fallback_score": 50, "data_freshness_days": 7,
            "weights": {"freshness": 0.3, "completeness": 0.4, "bsr_availability": 0.3},
        },
    },
    "level_flags": {
        "velocity": {"excellent": 80, "good": 60, "fair": 40, "poor": 0},
        "stability": {"excellent": 80, "good": 60, "fair": 40, "poor": 0},
        "confidence": {"high": 85, "good": 70, "fair": 50, "low": 0},
    },
    # Risk weights and thresholds of the decision-card calculators (POST /api/v1/analytics/...).
    "analytics": copy.deepcopy(ANALYTICS_DEFAULTS),
    "feature_flags": {
        "strategy_profiles_v2": False,
        "scoring_shadow_mode": False,
        "view_specific_scoring": True,
        "direct_roi_calculation": False,
        "amazon_check_enabled": True,
    },
    "meta": {"version": "1.0.0", "created_by": "system_seed", "last_updated": "2025-08-21T14:00:00Z"},
}

# The override scopes seeded with the defaults: the seed migration stores each as a scope row of its own, so they
# take part in the effective config like any operator's override.
DEFAULT_OVERRIDES: Final[dict[str, dict[str, Any]]] = {
    "domain:2": {"roi": {"target_pct_default": 25.0}},
    "category:textbooks": {"roi": {"target_pct_default": 40.0, "min_for_buy": 25.0},
                           "fees": {"buffer_pct_default": 7.0}},
    "category:media": {"velocity": {"fast_threshold": 85}},
}
