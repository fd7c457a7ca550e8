"""POST /api/v1/config/preview: a dry run on the demo products; warnings never block; nothing is stored."""

from __future__ import annotations

from decimal import Decimal

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.config.merge import apply_merge_patch
from arbvault.engine.preview import demo_product, evaluate
from arbvault.engine.rules_document import read_config
from support import SOURCER, call

PREVIEW = "/api/v1/config/preview"


def _preview(body: dict, identity: dict | None = SOURCER) -> tuple[int, dict]:
    status, _, payload = call("config", "POST", PREVIEW, json_body=body, identity=identity)
    return status, payload


def test_preview_reports_before_and_after_for_each_demo_asin(category: str) -> None:
    patch = {"fees": {"buffer_pct_default": 0.0}}
    status, body = _preview({"config_patch": patch, "category": category})
    assert status == 200, body
    results = {r["asin"]: r for r in body["preview_results"]}
    assert set(results) == set(DEFAULT_RULES["demo_asins"])
    assert body["config_summary"] == {
        "domain_id": 1, "category": category, "patch_size": 1, "demo_asins_tested": 3, "changes_detected": 3,
    }
    assert body["validation_warnings"] == []
    for asin, result in results.items():
        product = demo_product(asin)
        before = evaluate(product, read_config(DEFAULT_RULES), category)
        after = evaluate(product, read_config(apply_merge_patch(DEFAULT_RULES, patch)), category)
        assert Decimal(str(result["before"]["net_profit"])) == before.net_profit
        assert Decimal(str(result["after"]["net_profit"])) == after.net_profit
        assert after.net_profit - before.net_profit == before.buffer  # dropping the buffer adds it back
        assert result["changes"]["buffer"] == {"before": float(before.buffer), "after": 0.0}


def test_invalid_patch_is_previewed_with_warnings_and_nothing_stored(category: str) -> None:
    _, _, before = call("config", "GET", "/api/v1/config", query=f"category={category}", identity=SOURCER)
    status, body = _preview({"config_patch": {"combined_score": {"roi_weight": 0.9}}, "category": category})
    assert status == 200, body
    assert any(w.startswith("combined_score") for w in body["validation_warnings"])
    _, _, after = call("config", "GET", "/api/v1/config", query=f"category={category}", identity=SOURCER)
    assert after["versions"] == before["versions"]


def test_unknown_keys_are_previewed_as_warnings(category: str) -> None:
    status, body = _preview({"config_patch": {"fees": {"books": {"prep_feee": 1}}}, "category": category})
    assert status == 200, body
    assert [w for w in body["validation_warnings"] if w.startswith("fees.books.prep_feee")] != []


def test_preview_rejects_bad_input_naming_the_field() -> None:
    status, body = _preview({"config_patch": {}, "domain_id": 0})
    assert status == 422
    assert [d["field"] for d in body["error"]["details"]] == ["body.domain_id"]


def test_preview_needs_an_identity() -> None:
    status, body = _preview({"config_patch": {}}, identity=None)
    assert status == 401
    assert body["error"]["code"] == "unauthorized"
