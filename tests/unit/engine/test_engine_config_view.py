"""The engine's typed read of the rules document: Decimals, and every unusable field named at once."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.exceptions import RulesConfigError
from arbvault.engine.rules_document import read_config
from arbvault.web.errors import status_for

D = Decimal


def test_default_rules_read_as_decimals(rules: EngineConfig) -> None:
    assert rules.roi.target_pct == D("30.0") and rules.buffer_pct == D("5.0")
    assert (rules.roi_weight, rules.velocity_weight) == (D("0.6"), D("0.4"))  # no binary float noise
    assert rules.fees["books"].fba_per_lb == D("0.4") and rules.fees["media"].prep_fee == D("0.15")
    assert dict(rules.velocity.benchmarks) == {"books": D(100000), "media": D(50000), "default": D(150000)}
    assert [(r.label, r.rating) for r in rules.verdicts] == [("STRONG_BUY", "EXCELLENT"), ("BUY", "GOOD"),
                                                             ("CONSIDER", "FAIR"), ("PASS", "PASS")]
    assert rules.demo_asins == ("B00FLIJJSA", "B08N5WRWNW", "B07FNW9FGJ")
    assert rules.advanced.confidence_levels.thresholds[0] == ("high", D(85))


@pytest.mark.parametrize("factor", [0.1, 0.9])
def test_reference_check_7_source_price_factor_bounds_are_inclusive(factor: float) -> None:
    doc = copy.deepcopy(DEFAULT_RULES)
    doc["roi"]["source_price_factor"] = factor
    assert read_config(doc).roi.source_price_factor == D(str(factor))


def test_holding_costs_read_as_decimals(rules: EngineConfig) -> None:
    assert (rules.storage_per_unit_month, rules.returns_pct) == (D("0.1"), D("2.0"))
    # The midpoint of each strategy's holding days; none stated counts as 0.
    assert {name: s.holding_days for name, s in rules.strategies.items()} == {
        "textbook": D(75), "velocity": D(30), "balanced": D(45), "aggressive": D(0), "conservative": D(0)}


def test_only_strategies_with_bounds_and_sources_are_selectable(rules: EngineConfig) -> None:
    assert {name for name, s in rules.strategies.items() if s.selectable} == {"textbook", "velocity", "balanced"}
    assert rules.strategies["aggressive"].roi_min == D(40)


def test_strategies_buy_and_sell_in_allowed_conditions_by_default(rules: EngineConfig) -> None:
    for name in ("textbook", "velocity", "balanced"):
        strategy = rules.strategies[name]
        assert (strategy.buy_price_source, strategy.sell_price_source) == ("cheapest_offer", "condition_buy_box")
        assert strategy.buy_conditions == ("new", "used_like_new", "used_very_good", "used_good")
        assert strategy.default_buy_condition == "used_good"
    legacy = rules.strategies["aggressive"]  # no conditions named: every one, the first as default
    assert legacy.buy_conditions[0] == legacy.default_buy_condition == "new" and len(legacy.buy_conditions) == 5


def test_unknown_keys_are_ignored() -> None:
    doc = copy.deepcopy(DEFAULT_RULES)
    doc["brand_new_section"] = {"anything": [1, 2]}
    doc["fees"]["books"]["future_fee"] = "text"
    assert read_config(doc).fees["books"].referral_pct == D("15.0")


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is _DELETE:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return edit


_DELETE = object()


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (_set("fees", _DELETE), "fees.buffer_pct_default", "is required"),
        (_set("roi.target_pct_default", "thirty"), "roi.target_pct_default", "must be a number"),
        (_set("roi.min_for_buy", True), "roi.min_for_buy", "must be a number"),
        (_set("roi.min_for_buy", float("nan")), "roi.min_for_buy", "must be a number"),
        (_set("fees.books.closing_fee", -1), "fees.books.closing_fee", "must be between 0 and 10 (got -1)"),
        (_set("velocity.benchmarks.media", 0), "velocity.benchmarks.media", "must be greater than 0"),
        (_set("velocity.benchmarks.default", _DELETE), "velocity.benchmarks.default", "is required"),
        (_set("fees.default", _DELETE), "fees.default", "is required"),
        (_set("fees", {**DEFAULT_RULES["fees"], "buffer_pct_default": 50,
                       "books": {**DEFAULT_RULES["fees"]["books"], "referral_fee_pct": 50}}),
         "fees.books.referral_fee_pct", "referral plus buffer must stay below 100 %"),
        (_set("roi.source_price_factor", 0.05), "roi.source_price_factor",
         "must be between 0.1 and 0.9 (got 0.05)"),
        (_set("roi.source_price_factor", 0.95), "roi.source_price_factor",
         "must be between 0.1 and 0.9 (got 0.95)"),
        (_set("verdicts", []), "verdicts", "must be a list of 4 rows rated EXCELLENT, GOOD, FAIR, PASS"),
        (_set("active_strategy", "yolo"), "active_strategy", "must name one of the strategies"),
        (_set("active_strategy", "aggressive"), "active_strategy",
         "must name a strategy with bounds and price sources"),
        (_set("strategies.velocity.sell_price_source", "ebay"), "strategies.velocity.sell_price_source",
         "must be one of condition_buy_box, current_buy_box, avg90_buy_box, current_fba, current_new, current_used"),
        (_set("strategies.velocity.buy_price_source", "condition_buy_box"), "strategies.velocity.buy_price_source",
         "must be one of cheapest_offer, current_buy_box, avg90_buy_box, current_fba, current_new, current_used"),
        (_set("strategies.balanced.buy_conditions", ["new", "mint"]), "strategies.balanced.buy_conditions.1",
         "must be one of new, used_like_new, used_very_good, used_good, used_acceptable"),
        (_set("strategies.balanced.buy_conditions", []), "strategies.balanced.buy_conditions",
         "must be a non-empty list of distinct conditions from new, used_like_new, used_very_good, used_good, "
         "used_acceptable"),
        (_set("strategies.balanced.default_buy_condition", "used_acceptable"),
         "strategies.balanced.default_buy_condition", "must be one of the strategy's buy_conditions"),
        (_set("advanced_scoring.velocity.min_data_points", 2.5), "advanced_scoring.velocity.min_data_points",
         "must be a whole number"),
        (_set("level_flags.confidence", {}), "level_flags.confidence", "must name at least one level"),
        (_set("verdicts.3.summary", "{secret.__class__}"), "verdicts.3.summary",
         "unknown placeholders ['secret.__class__']; allowed: ['confidence_level', 'label', 'primary_issue', "
         "'rating', 'roi', 'stability_level', 'velocity_level']"),
        (_set("verdicts.1.summary", "ROI {roi"), "verdicts.1.summary", "is not a valid template"),
        (_set("demo_asins", "B00FLIJJSA"), "demo_asins", "must be a list of ASINs"),
        (_set("fees.storage_per_unit_month", _DELETE), "fees.storage_per_unit_month", "is required"),
        (_set("fees.returns_pct", 101), "fees.returns_pct", "must be between 0 and 50 (got 101)"),
        (_set("strategies.balanced.holding_days", [30]), "strategies.balanced.holding_days",
         "must be [shortest, longest] days"),
        (_set("strategies.balanced.holding_days", [60, 30]), "strategies.balanced.holding_days",
         "shortest must not exceed longest"),
        (_set("strategies.textbook.holding_days", [60, "long"]), "strategies.textbook.holding_days.1",
         "must be a number"),
    ],
)
def test_unusable_fields_are_named(edit: Callable[[dict[str, Any]], None], field: str, message: str) -> None:
    doc = copy.deepcopy(DEFAULT_RULES)
    edit(doc)
    with pytest.raises(RulesConfigError) as caught:
        read_config(doc)
    assert {"field": field, "message": message} in caught.value.details
    assert field in caught.value.message


def test_every_problem_is_reported_at_once() -> None:
    doc = copy.deepcopy(DEFAULT_RULES)
    doc["roi"]["good_threshold"] = None
    doc["combined_score"] = "heavy"
    with pytest.raises(RulesConfigError) as caught:
        read_config(doc)
    assert caught.value.details == [{"field": "roi.good_threshold", "message": "must be a number"},
                                    {"field": "combined_score", "message": "must be an object"}]


def test_an_empty_document_is_unusable_but_does_not_crash() -> None:
    with pytest.raises(RulesConfigError) as caught:
        read_config({})
    assert len(caught.value.details) > 20


def test_rules_errors_answer_422() -> None:
    assert status_for(RulesConfigError("bad")) == 422
