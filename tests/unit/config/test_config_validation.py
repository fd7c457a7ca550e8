"""The rules on effective configs (config/validation.py), one row per rule and boundary."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from arbvault.config.defaults import DEFAULT_OVERRIDES, DEFAULT_RULES
from arbvault.config.merge import apply_merge_patch
from arbvault.config.validation import Violation, nesting_depth, validate_combinations, validate_document
from arbvault.engine.exceptions import RulesConfigError
from arbvault.engine.rules_document import read_config, rules_problems


def _verdicts(index: int, **changes: Any) -> list[dict[str, Any]]:
    """The default verdict table with row ``index`` changed (a merge patch replaces a list whole)."""
    rows = copy.deepcopy(DEFAULT_RULES["verdicts"])
    rows[index].update(changes)
    return rows


def _strategy(**changes: Any) -> dict[str, Any]:
    return {"strategies": {"balanced": changes}}


def _fields(patch: dict[str, Any]) -> dict[str, str]:
    return {v.field: v.message for v in validate_document(apply_merge_patch(DEFAULT_RULES, patch))}


def test_canonical_defaults_and_their_overrides_are_valid() -> None:
    assert validate_document(DEFAULT_RULES) == []
    for scope, override in DEFAULT_OVERRIDES.items():
        assert validate_document(apply_merge_patch(DEFAULT_RULES, override)) == [], scope


VIOLATIONS: list[tuple[dict[str, Any], str]] = [
    ({"roi": {"target_pct_default": 200.01}}, "roi.target_pct_default"),
    ({"roi": {"target_pct_default": -1}}, "roi.target_pct_default"),
    ({"roi": {"target_pct_default": "30"}}, "roi.target_pct_default"),
    ({"roi": {"target_pct_default": True}}, "roi.target_pct_default"),
    ({"roi": {"target_pct_default": None}}, "roi.target_pct_default"),
    ({"roi": {"min_for_buy": 101}}, "roi.min_for_buy"),
    ({"roi": {"min_for_buy": -0.5}}, "roi.min_for_buy"),
    ({"roi": 5}, "roi"),
    ({"fees": {"buffer_pct_default": 50.5}}, "fees.buffer_pct_default"),
    ({"fees": {"storage_per_unit_month": 10.01}}, "fees.storage_per_unit_month"),
    ({"fees": {"storage_per_unit_month": None}}, "fees.storage_per_unit_month"),
    ({"fees": {"returns_pct": -1}}, "fees.returns_pct"),
    ({"fees": {"returns_pct": 50.5}}, "fees.returns_pct"),
    ({"fees": {"books": {"referral_fee_pct": 51}}}, "fees.books.referral_fee_pct"),
    ({"fees": {"media": {"closing_fee": 10.01}}}, "fees.media.closing_fee"),
    ({"fees": {"default": {"fba_fee_base": 21}}}, "fees.default.fba_fee_base"),
    ({"fees": {"books": {"fba_fee_per_lb": 5.5}}}, "fees.books.fba_fee_per_lb"),
    ({"fees": {"books": {"inbound_shipping": -0.01}}}, "fees.books.inbound_shipping"),
    ({"fees": {"books": {"prep_fee": 6}}}, "fees.books.prep_fee"),
    ({"fees": {"books": {"prep_fee": None}}}, "fees.books.prep_fee"),
    ({"fees": {"toys": {"prep_fee": 1}}}, "fees.toys.referral_fee_pct"),
    ({"fees": {"books": None}}, "fees.books"),
    ({"fees": {"media": 3}}, "fees.media"),
    ({"combined_score": {"roi_weight": 1.2, "velocity_weight": -0.2}}, "combined_score.roi_weight"),
    ({"combined_score": {"roi_weight": 1.2, "velocity_weight": -0.2}}, "combined_score.velocity_weight"),
    ({"combined_score": {"roi_weight": 0.7}}, "combined_score"),
    ({"combined_score": {"roi_weight": 0.6, "velocity_weight": 0.3985}}, "combined_score"),
    ({"velocity": {"fast_threshold": 101}}, "velocity.fast_threshold"),
    ({"velocity": {"slow_threshold": -1}}, "velocity.slow_threshold"),
    ({"velocity": {"fast_threshold": 50}}, "velocity.fast_threshold"),
    ({"velocity": {"slow_threshold": 70}}, "velocity.medium_threshold"),
    ({"verdicts": _verdicts(0, min_roi=201)}, "verdicts.0.min_roi"),
    ({"verdicts": _verdicts(0, min_velocity=100.5)}, "verdicts.0.min_velocity"),
    ({"verdicts": _verdicts(1, min_roi=None)}, "verdicts.1.min_roi"),
    ({"verdicts": _verdicts(1, min_stability=80)}, "verdicts.1.min_stability"),  # above the row before
    ({"verdicts": _verdicts(1, label="")}, "verdicts.1.label"),
    ({"verdicts": _verdicts(0, label="STRONG BUY")}, "verdicts.0.label"),
    ({"verdicts": _verdicts(3, rating="FAIR")}, "verdicts.3.rating"),
    ({"verdicts": _verdicts(2, summary="ROI {roi_pct}")}, "verdicts.2.summary"),
    ({"verdicts": ["STRONG_BUY", "BUY", "CONSIDER", "PASS"]}, "verdicts.0"),
    ({"verdicts": {"label": "X"}}, "verdicts"),
    ({"verdicts": None}, "verdicts"),
    (_strategy(buy_conditions=["new", "mint"]), "strategies.balanced.buy_conditions.1"),
    (_strategy(buy_conditions="new"), "strategies.balanced.buy_conditions"),
    (_strategy(default_buy_condition="used_acceptable"), "strategies.balanced.default_buy_condition"),
    (_strategy(default_buy_condition="mint"), "strategies.balanced.default_buy_condition"),
    (_strategy(buy_price_source="condition_buy_box"), "strategies.balanced.buy_price_source"),
    (_strategy(sell_price_source="cheapest_offer"), "strategies.balanced.sell_price_source"),
    ({"extra": {"deep": [1.0, float("nan")]}}, "extra.deep.1"),
    ({"roi": {"target_pct_default": float("inf")}}, "roi.target_pct_default"),
    ({"roi": {"target_pct_default": 10**400}}, "roi.target_pct_default"),
]


@pytest.mark.parametrize(("patch", "field"), VIOLATIONS, ids=[f"{f}-{i}" for i, (_, f) in enumerate(VIOLATIONS)])
def test_rule_violation_names_the_field(patch: dict[str, Any], field: str) -> None:
    assert field in _fields(patch)


ACCEPTED: list[dict[str, Any]] = [
    {"roi": {"target_pct_default": 0, "min_for_buy": 0}},
    {"roi": {"target_pct_default": 200, "min_for_buy": 100}},
    {"fees": {"buffer_pct_default": 50}},
    {"fees": {"books": {"referral_fee_pct": 50, "closing_fee": 10, "fba_fee_base": 20, "fba_fee_per_lb": 5,
                        "inbound_shipping": 5, "prep_fee": 5}}},
    {"fees": {"currency": "USD"}},
    {"combined_score": {"roi_weight": 1, "velocity_weight": 0}},
    {"combined_score": {"roi_weight": 0.6, "velocity_weight": 0.4009}},
    {"combined_score": {"roi_weight": 0.6, "velocity_weight": 0.3991}},
    {"velocity": {"fast_threshold": 60, "medium_threshold": 60, "slow_threshold": 60}},
    {"velocity": {"fast_threshold": 100, "slow_threshold": 0}},
    {"verdicts": _verdicts(0, min_roi=200, min_velocity=100, min_stability=100, min_confidence=100, note="extra")},
    {"verdicts": _verdicts(0, label="GRAB_IT_NOW")},
    _strategy(buy_conditions=["used_acceptable"], default_buy_condition="used_acceptable"),
    _strategy(buy_price_source="current_fba", sell_price_source="avg90_buy_box"),
    _strategy(buy_price_source="current_used", sell_price_source="condition_buy_box"),
    {"brand_new_section": {"anything": [1, "two", None]}},
]


@pytest.mark.parametrize("patch", ACCEPTED, ids=[str(i) for i in range(len(ACCEPTED))])
def test_values_within_bounds_and_unknown_keys_are_accepted(patch: dict[str, Any]) -> None:
    assert _fields(patch) == {}


def test_each_field_is_reported_once_with_its_reason() -> None:
    fields = _fields({"roi": {"target_pct_default": 250, "min_for_buy": 150}, "velocity": {"fast_threshold": 20}})
    assert fields == {
        "roi.target_pct_default": "must be between 0 and 200 (got 250)",
        "roi.min_for_buy": "must be between 0 and 100 (got 150)",
        "velocity.fast_threshold": "must be at least medium_threshold (60)",
    }


def test_huge_numbers_are_reported_briefly() -> None:
    assert _fields({"roi": {"min_for_buy": 10**400}}) == {
        "roi.min_for_buy": "must be between 0 and 100 (got 100000000000000000000...)"
    }
    assert _fields({"extra": 10**400}) == {}


@pytest.mark.parametrize(("document", "depth"), [
    (1, 0), ({}, 1), ({"a": 1}, 1), ({"a": {}}, 2), ({"a": [1, {"b": []}]}, 4), (DEFAULT_RULES, 4),
])
def test_nesting_depth(document: object, depth: int) -> None:
    assert nesting_depth(document) == depth


def test_nesting_depth_handles_documents_deeper_than_the_recursion_limit() -> None:
    document: dict[str, object] = {}
    node = document
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]  # type: ignore[assignment]
    assert nesting_depth(document) == 5001


def test_missing_known_values_are_required() -> None:
    fields = {v.field for v in validate_document({})}
    assert {"roi.target_pct_default", "roi.min_for_buy", "fees.buffer_pct_default", "combined_score.roi_weight",
            "velocity.fast_threshold", "verdicts"} <= fields


WEIGHTS = {"combined_score": {"roi_weight": 0.5, "velocity_weight": 0.5}}


def _documents(**scopes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"global": copy.deepcopy(DEFAULT_RULES), **{k.replace("_", ":", 1): v for k, v in scopes.items()}}


def test_category_change_is_checked_against_every_domain() -> None:
    # GIVEN a domain and a category that each set both weights
    documents = _documents(domain_7={"combined_score": {"roi_weight": 0.7, "velocity_weight": 0.3}},
                           category_toys={"combined_score": {"roi_weight": 0.3, "velocity_weight": 0.7}})
    assert validate_combinations("category:toys", documents) == []
    # WHEN the category drops its roi_weight, the roi weight below it shows through (global 0.6, domain 0.7)
    documents["category:toys"] = {"combined_score": {"velocity_weight": 0.7}}
    violations = validate_combinations("category:toys", documents)
    # THEN the sum breaks in both chains, reported once: first in the category's own chain
    assert [(v.field, v.layers) for v in violations] == [("combined_score", "global < category:toys")]


def test_domain_change_reports_the_chain_where_it_breaks() -> None:
    documents = _documents(domain_7={"velocity": {"medium_threshold": 75}},
                           category_toys={"velocity": {"fast_threshold": 70}})
    violations = validate_combinations("domain:7", documents)
    assert [(v.field, v.layers) for v in violations] == [
        ("velocity.fast_threshold", "global < domain:7 < category:toys")
    ]


def test_global_change_is_checked_with_every_override() -> None:
    documents = _documents(category_toys={"roi": {"target_pct_default": 150}}, domain_3=WEIGHTS)
    documents["global"] = apply_merge_patch(documents["global"], {"roi": {"target_pct_default": 60}})
    assert validate_combinations("global", documents) == []
    documents["category:toys"] = {"roi": {"target_pct_default": 150, "min_for_buy": 120}}
    violations = validate_combinations("global", documents)
    assert [(v.field, v.layers) for v in violations] == [("roi.min_for_buy", "global < category:toys")]


# Documents a write used to accept but the engine refused, documents the engine used to read but a write refused,
# and ones both refused: the one model now judges each the same way on both paths.
SAME_JUDGEMENT: list[dict[str, Any]] = [
    {"advanced_scoring": {"velocity": {"min_data_points": 2.5}}},
    {"level_flags": {"confidence": None}},
    {"active_strategy": "aggressive"},
    {"demo_asins": "B00FLIJJSA"},
    {"velocity": {"benchmarks": {"default": 0}}},
    {"roi": {"excellent_threshold": None}},
    {"fees": {"returns_pct": 60}},
    {"combined_score": {"roi_weight": 0.7}},
    {"velocity": {"fast_threshold": 50}},
    {"verdicts": _verdicts(1, min_stability=80)},
    {"analytics": {"risk_weights": {"category": 0.5}}},
    {"analytics": {"risk_levels": {"medium": 90}}},
    {"roi": {"target_pct_default": "30"}},
    _strategy(buy_conditions=["new", "mint"]),
    {"fees": {"buffer_pct_default": 50, "books": {"referral_fee_pct": 50}}},
    {"roi": {"target_pct_default": 40}, "analytics": {"max_days_to_sell": 30}},  # valid on both paths
]


@pytest.mark.parametrize("patch", SAME_JUDGEMENT, ids=[str(i) for i in range(len(SAME_JUDGEMENT))])
def test_config_writes_and_the_engine_judge_a_document_by_the_one_model(patch: dict[str, Any]) -> None:
    document = apply_merge_patch(DEFAULT_RULES, patch)
    problems = rules_problems(document)
    # The write path's findings are the model's, word for word: no second validator.
    assert validate_document(document) == [Violation(p["field"], p["message"]) for p in problems]
    if not problems:
        assert read_config(document).roi.target_pct == Decimal(40)
        return
    with pytest.raises(RulesConfigError) as caught:
        read_config(document)
    assert caught.value.details == problems


def test_a_document_stored_before_the_analytics_section_takes_its_defaults() -> None:
    document = copy.deepcopy(DEFAULT_RULES)
    del document["analytics"]
    assert validate_document(document) == []
    assert read_config(document).analytics == read_config(DEFAULT_RULES).analytics
