"""The keys a config patch may name come from the defaults: named entries take their siblings' keys."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from arbvault.config.defaults import DEFAULT_OVERRIDES, DEFAULT_RULES
from arbvault.config.shape import document_size, patch_violations, shape_of


def _fields(patch: dict[str, Any], defaults: dict[str, Any] = DEFAULT_RULES) -> list[str]:
    return [violation.field for violation in patch_violations(patch, shape_of(defaults))]


def test_the_defaults_and_the_seeded_overrides_use_only_known_keys() -> None:
    assert patch_violations(DEFAULT_RULES) == []
    assert [patch_violations(document) for document in DEFAULT_OVERRIDES.values()] == [[], [], []]


@pytest.mark.parametrize(("patch", "fields"), [
    ({"extra": 1}, ["extra"]),
    ({"roi": {"target_pct_defualt": 30}}, ["roi.target_pct_defualt"]),
    ({"fees": {"books": {"prep_fee": 0.2, "storage": 1}}}, ["fees.books.storage"]),
    ({"fees": {"textbooks": {"prep_fee": 0.2, "storage": 1}}}, ["fees.textbooks.storage"]),
    ({"strategies": {"mine": {"roi_min": 20, "weights": {"roi": 1, "luck": 1}}}}, ["strategies.mine.weights.luck"]),
    ({"verdicts": [{"label": "BUY", "min_roi": 1, "min_velocity": 1, "colour": "red"}]},
     ["verdicts.0.colour"]),
    ({"velocity": {"benchmarks": {"toys": {"rank": 5}}}}, ["velocity.benchmarks.toys"]),
    ({"demo_asins": [{"asin": "B00FLIJJSA"}]}, ["demo_asins.0"]),
    ({"roi": 5, "strategies": [1]}, ["roi", "strategies"]),
    ({"meta": {"version": {"nested": True}}}, ["meta.version"]),
])
def test_unknown_keys_and_misplaced_objects_are_named(patch: dict[str, Any], fields: list[str]) -> None:
    assert _fields(patch) == fields


def test_named_entries_take_any_name_and_null_removes_any_key() -> None:
    patch = {
        "fees": {"textbooks": {"referral_fee_pct": 15, "prep_fee": 0.1}},
        "velocity": {"benchmarks": {"toys": 80000}},
        "strategies": {"weekend": {"roi_min": 20, "holding_days": [10, 20], "weights": {"roi": 1}}},
        "junk_stored_earlier": None,
        "roi": {"old_key": None},
    }
    assert _fields(patch) == []


def test_a_key_added_to_the_defaults_is_accepted_where_it_applies() -> None:
    defaults = copy.deepcopy(DEFAULT_RULES)
    defaults["fees"]["books"]["shrink_pct"] = 2.0
    defaults["fees"]["handling_per_unit"] = 0.1
    defaults["strategies"]["velocity"]["sell_window"] = {"max_days": 10}
    patch = {"fees": {"handling_per_unit": 0.2, "textbooks": {"shrink_pct": 3}},
             "strategies": {"mine": {"sell_window": {"max_days": 5}}}}
    assert _fields(patch, DEFAULT_RULES) == ["fees.handling_per_unit", "fees.textbooks.shrink_pct",
                                            "strategies.mine.sell_window"]
    assert _fields(patch, defaults) == []


def test_document_size_counts_compact_utf8_json() -> None:
    assert document_size({"a": "é"}) == len('{"a":"é"}'.encode())
