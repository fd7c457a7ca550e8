"""Layer merge and merge-patch semantics, as parameter tables."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from arbvault.config.defaults import DEFAULT_OVERRIDES, DEFAULT_RULES
from arbvault.config.merge import apply_merge_patch, deep_merge

DEEP_MERGE_CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any]]] = [
    ("no layers", [], {}),
    ("one layer is copied", [{"a": 1}], {"a": 1}),
    ("dicts merge recursively", [{"a": {"x": 1, "y": 2}}, {"a": {"y": 3}}], {"a": {"x": 1, "y": 3}}),
    ("new keys are added", [{"a": 1}, {"b": 2}], {"a": 1, "b": 2}),
    ("lists replace, never concatenate", [{"a": [1, 2, 3]}, {"a": [4]}], {"a": [4]}),
    ("a scalar replaces a dict", [{"a": {"x": 1}}, {"a": 5}], {"a": 5}),
    ("a dict replaces a scalar", [{"a": 5}, {"a": {"x": 1}}], {"a": {"x": 1}}),
    ("null is a value in layers", [{"a": 1}, {"a": None}], {"a": None}),
    ("later layers win", [{"a": 1}, {"a": 2}, {"a": 3}], {"a": 3}),
    ("three levels deep", [{"a": {"b": {"c": 1, "d": 2}}}, {"a": {"b": {"d": 3}}}, {"a": {"b": {"e": 4}}}],
     {"a": {"b": {"c": 1, "d": 3, "e": 4}}}),
]


@pytest.mark.parametrize(("name", "layers", "expected"), DEEP_MERGE_CASES, ids=[c[0] for c in DEEP_MERGE_CASES])
def test_deep_merge(name: str, layers: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    assert deep_merge(*layers) == expected


MERGE_PATCH_CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("empty patch changes nothing", {"a": 1}, {}, {"a": 1}),
    ("null removes a key", {"a": 1, "b": 2}, {"a": None}, {"b": 2}),
    ("null removes a nested key", {"roi": {"x": 1, "y": 2}}, {"roi": {"x": None}}, {"roi": {"y": 2}}),
    ("null on a missing key is a no-op", {"a": 1}, {"zz": None}, {"a": 1}),
    ("nulls inside a new section are dropped", {}, {"roi": {"x": 1, "y": None}}, {"roi": {"x": 1}}),
    ("nulls inside a section replacing a scalar are dropped", {"roi": 3}, {"roi": {"x": None, "y": 1}},
     {"roi": {"y": 1}}),
    ("nested values merge", {"fees": {"books": {"prep_fee": 0.2, "closing_fee": 1.8}}},
     {"fees": {"books": {"prep_fee": 0.3}}}, {"fees": {"books": {"prep_fee": 0.3, "closing_fee": 1.8}}}),
    ("lists replace and keep their nulls", {"a": [1]}, {"a": [None, 2]}, {"a": [None, 2]}),
]


@pytest.mark.parametrize(("name", "document", "patch", "expected"), MERGE_PATCH_CASES,
                         ids=[c[0] for c in MERGE_PATCH_CASES])
def test_apply_merge_patch(name: str, document: dict[str, Any], patch: dict[str, Any],
                           expected: dict[str, Any]) -> None:
    assert apply_merge_patch(document, patch) == expected


def test_merges_leave_their_inputs_untouched() -> None:
    base, overlay = copy.deepcopy(DEFAULT_RULES), {"roi": {"target_pct_default": 99}, "velocity": None}
    frozen_base, frozen_overlay = copy.deepcopy(base), copy.deepcopy(overlay)
    merged = deep_merge(base, overlay)
    patched = apply_merge_patch(base, overlay)
    merged["fees"]["books"]["prep_fee"] = -1
    patched["roi"]["min_for_buy"] = -1
    assert base == frozen_base and overlay == frozen_overlay


def test_textbooks_override_over_defaults_changes_only_its_keys() -> None:
    merged = deep_merge(DEFAULT_RULES, DEFAULT_OVERRIDES["category:textbooks"])
    assert merged["roi"]["target_pct_default"] == 40.0
    assert merged["roi"]["min_for_buy"] == 25.0
    assert merged["roi"]["excellent_threshold"] == DEFAULT_RULES["roi"]["excellent_threshold"]
    assert merged["fees"]["buffer_pct_default"] == 7.0
    assert merged["fees"]["books"] == DEFAULT_RULES["fees"]["books"]
