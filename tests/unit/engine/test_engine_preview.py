"""Config preview: fixed demo products before and after a patch, warnings never blocking."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.exceptions import RulesConfigError
from arbvault.engine.preview import demo_product, patch_size, preview_config

D = Decimal
AT = datetime(2026, 5, 1, tzinfo=UTC)


def _patched(patch: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(DEFAULT_RULES)
    for section, values in patch.items():
        doc[section] = {**doc[section], **values} if isinstance(values, dict) else values
    return doc


def test_unchanged_rules_show_the_demo_figures_and_no_changes() -> None:
    preview = preview_config(DEFAULT_RULES, DEFAULT_RULES, patch={}, domain_id=1, category="books",
                             validation_warnings=[], generated_at=AT)
    assert [r.asin for r in preview.results] == ["B00FLIJJSA", "B08N5WRWNW", "B07FNW9FGJ"]
    first, second, third = (r.before for r in preview.results)
    # Storage over the active (balanced) strategy's 45 holding days: 0.15; returns 2 % of 24.99: 0.50.
    assert (first.fees, first.buffer, first.storage, first.returns, first.net_profit, first.roi_pct,
            first.profit_tier, first.velocity_tier, first.combined_score, first.recommendation) == (
        D("9.13"), D("1.25"), D("0.15"), D("0.50"), D("-1.04"), D("-6.92"), "loss", "medium", D("26.00"), "PASS")
    assert (second.net_profit, second.roi_pct, second.profit_tier, second.combined_score,
            second.recommendation) == (D("19.30"), D("42.89"), "good", D("56.94"), "STRONG_BUY")
    assert (third.velocity_tier, third.profitable, third.recommendation) == ("fast", False, "PASS")
    assert [o.overall_rating for o in (first, second, third)] == ["PASS", "EXCELLENT", "PASS"]  # the same rows
    assert all(r.after == r.before and r.changes == {} for r in preview.results)
    assert (preview.patch_size, preview.demo_asins_tested, preview.changes_detected) == (0, 3, 0)
    assert preview.generated_at == AT and preview.domain_id == 1 and preview.category == "books"


def test_dropping_the_buffer_shows_what_changes() -> None:
    patch = {"fees": {"buffer_pct_default": 0.0}}
    preview = preview_config(DEFAULT_RULES, _patched(patch), patch=patch, domain_id=1, category="books",
                             validation_warnings=[], generated_at=AT)
    textbook = preview.results[1]
    assert textbook.changes["profit_tier"] == {"before": "good", "after": "excellent"}
    assert textbook.changes["roi_pct"] == {"before": D("42.89"), "after": D("52.89")}
    assert "velocity_tier" not in textbook.changes
    mass_market = preview.results[2]
    assert mass_market.changes["profitable"] == {"before": False, "after": True}
    assert mass_market.after is not None and mass_market.after.profit_tier == "poor"
    assert (preview.patch_size, preview.changes_detected) == (1, 3)


def test_velocity_threshold_patch_moves_tiers_and_recommendations() -> None:
    patch = {"velocity": {"fast_threshold": 60}}
    preview = preview_config(DEFAULT_RULES, _patched(patch), patch=patch, domain_id=1, category="books",
                             validation_warnings=[], generated_at=AT)
    assert preview.results[0].changes == {"velocity_tier": {"before": "medium", "after": "fast"}}


def test_category_picks_the_fee_schedule() -> None:
    preview = preview_config(DEFAULT_RULES, DEFAULT_RULES, patch={}, domain_id=1, category="toys",
                             validation_warnings=[], generated_at=AT)
    assert preview.results[0].before.fees == D("9.90")  # default schedule: 3.7485 + 1.80 + 3.60 + 0.50 + 0.25


def test_warnings_are_passed_through_and_an_unreadable_patch_does_not_block() -> None:
    patch = {"combined_score": {"roi_weight": "lots"}}
    preview = preview_config(DEFAULT_RULES, _patched(patch), patch=patch, domain_id=2, category="books",
                             validation_warnings=["combined_score.roi_weight: must be a number"], generated_at=AT)
    assert preview.validation_warnings == ("combined_score.roi_weight: must be a number",
                                           "combined_score.roi_weight: must be a number")
    assert all(r.after is None and r.changes == {} for r in preview.results)
    assert preview.demo_asins_tested == 3 and preview.changes_detected == 0


def test_patched_demo_list_uses_generic_demo_data_for_unknown_asins() -> None:
    patch = {"demo_asins": ["B00FLIJJSA", "B0NEWASIN1"]}
    preview = preview_config(DEFAULT_RULES, _patched(patch), patch=patch, domain_id=1, category="books",
                             validation_warnings=[], generated_at=AT)
    assert [r.asin for r in preview.results] == ["B00FLIJJSA", "B0NEWASIN1"]
    assert preview.results[1].title == "Demo product"
    unknown = demo_product("B0NEWASIN1")
    assert (unknown.sell_price, unknown.buy_price, unknown.weight_lb, unknown.velocity) == (D(25), D(15), D(1), D(60))


def test_unusable_current_rules_are_an_error() -> None:
    with pytest.raises(RulesConfigError):
        preview_config({}, DEFAULT_RULES, patch={}, domain_id=1, category="books", validation_warnings=[],
                       generated_at=AT)


@pytest.mark.parametrize(
    ("patch", "size"),
    [({}, 0), ({"a": 1}, 1), ({"a": {"b": 1, "c": {"d": 2}}}, 2), ({"a": {}}, 1), ({"a": [1, 2]}, 1)],
)
def test_patch_size_counts_leaf_values(patch: dict[str, Any], size: int) -> None:
    assert patch_size(patch) == size
