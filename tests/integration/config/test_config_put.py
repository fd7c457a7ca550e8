"""PUT /api/v1/config: merge into one scope, validate, version, audit; preconditions and roles."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from arbvault.config.defaults import DEFAULT_RULES, FEES_BOOKS
from infra.http_events import http_api_event
from infra.lambda_context import LocalLambdaContext
from support import ADMIN, SOURCER, call, load_function

Caller = Callable[..., tuple[int, dict[str, str], Any]]
Reader = Callable[[str], dict[str, Any] | None]


def _changes(engine: Engine, config_id: int) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT old_config, new_config, diff_jsonpatch, changed_by, change_reason, change_source, old_version,"
            " new_version FROM config_changes WHERE config_id = :id ORDER BY new_version"
        ), {"id": config_id}).mappings().all()
    return [dict(row) for row in rows]


def test_put_creates_then_updates_a_scope_with_audit(put_config: Caller, get_config: Caller, category: str,
                                                     stored_scope: Reader, other_environment: Engine) -> None:
    scope = f"category:{category}"
    # WHEN a new scope is written without If-Match
    status, headers, body = put_config(scope, {"roi": {"target_pct_default": 45}}, reason="new line of books")
    # THEN it exists at version 1 and the audit row holds the patch from nothing
    assert status == 200, body
    assert body["scope"] == scope and body["version"] == 1 and headers["etag"] == '"1"'
    assert body["config"] == {"roi": {"target_pct_default": 45}}
    row = stored_scope(scope)
    assert row and row["version"] == 1 and row["data"] == body["config"]
    # WHEN it is patched again at its current version
    status, headers, body = put_config(scope, {"roi": {"target_pct_default": 50, "min_for_buy": 20}}, if_match='"1"')
    assert status == 200, body
    assert body["version"] == 2 and headers["etag"] == '"2"'
    assert body["config"] == {"roi": {"target_pct_default": 50, "min_for_buy": 20}}
    # THEN there are two audit rows with RFC 6902 patches, written by the caller's key name
    first, second = _changes(other_environment, row["id"])
    assert first["old_config"] == {} and first["old_version"] == 0 and first["new_version"] == 1
    assert first["diff_jsonpatch"] == [{"op": "add", "path": "/roi", "value": {"target_pct_default": 45}}]
    assert first["change_reason"] == "new line of books"
    assert sorted(second["diff_jsonpatch"], key=lambda op: op["path"]) == [
        {"op": "add", "path": "/roi/min_for_buy", "value": 20},
        {"op": "replace", "path": "/roi/target_pct_default", "value": 50},
    ]
    assert (second["old_version"], second["new_version"]) == (1, 2)
    assert {c["changed_by"] for c in (first, second)} == {ADMIN["key_name"]}
    assert {c["change_source"] for c in (first, second)} == {"api"}
    # AND the effective config shows it
    effective = get_config(f"category={category}")[2]
    assert effective["config"]["roi"]["target_pct_default"] == 50
    assert effective["versions"]["category"] == 2


def test_null_removes_an_override_so_the_global_value_shows(put_config: Caller, get_config: Caller,
                                                            category: str) -> None:
    scope = f"category:{category}"
    put_config(scope, {"roi": {"target_pct_default": 45, "min_for_buy": 20}})
    status, _, body = put_config(scope, {"roi": {"target_pct_default": None}})
    assert status == 200, body
    assert body["config"] == {"roi": {"min_for_buy": 20}}
    effective = get_config(f"category={category}&force_refresh=true")[2]
    assert effective["config"]["roi"]["target_pct_default"] == get_config("category=")[2]["config"]["roi"][
        "target_pct_default"]


def test_patch_that_changes_nothing_keeps_version_and_writes_no_audit(put_config: Caller, category: str,
                                                                      stored_scope: Reader) -> None:
    scope = f"category:{category}"
    put_config(scope, {"roi": {"target_pct_default": 45}})
    status, headers, body = put_config(scope, {"roi": {"target_pct_default": 45.0}, "gone": None}, if_match="1")
    assert status == 200, body
    assert body["version"] == 1 and headers["etag"] == '"1"'
    assert stored_scope(scope)["changes"] == 1  # type: ignore[index]


def test_empty_patch_on_a_missing_scope_creates_nothing(put_config: Caller, category: str,
                                                         stored_scope: Reader) -> None:
    status, headers, body = put_config(f"category:{category}", {})
    assert status == 200, body
    assert body == {"scope": f"category:{category}", "config": {}, "version": 0, "updated_at": None}
    assert headers["etag"] == '"0"'
    assert stored_scope(f"category:{category}") is None


def test_scope_names_are_normalised(put_config: Caller, domain_id: int, category: str, stored_scope: Reader) -> None:
    status, _, body = put_config(f"domain:0{domain_id}", {"roi": {"target_pct_default": 33}})
    assert status == 200 and body["scope"] == f"domain:{domain_id}"
    status, _, body = put_config(f"category:{category.upper()}%20%26%20Co", {"roi": {"target_pct_default": 33}})
    assert status == 200 and body["scope"] == f"category:{category}_co"
    assert stored_scope(f"category:{category}_co") is not None


def test_global_update_moves_the_read_etag(put_config: Caller, get_config: Caller) -> None:
    _, headers, before = get_config()
    version = before["versions"]["global"]
    assert headers["etag"] == f'"{version}"'
    original = before["config"]["roi"]["excellent_threshold"]
    status, put_headers, body = put_config("global", {"roi": {"excellent_threshold": original + 1}},
                                           if_match=headers["etag"])
    try:
        assert status == 200, body
        assert body["version"] == version + 1 and put_headers["etag"] == f'"{version + 1}"'
        _, headers, after = get_config()
        assert headers["etag"] == f'"{version + 1}"'
        assert after["config"]["roi"]["excellent_threshold"] == original + 1
        # the stale ETag of the first read no longer matches
        assert put_config("global", {"roi": {"excellent_threshold": original}}, if_match=f'"{version}"')[0] == 409
    finally:
        assert put_config("global", {"roi": {"excellent_threshold": original}})[0] == 200


RULE_BREAKS: list[tuple[dict[str, Any], str]] = [
    ({"roi": {"target_pct_default": 250}}, "config_patch.roi.target_pct_default"),
    ({"roi": {"min_for_buy": 101}}, "config_patch.roi.min_for_buy"),
    ({"fees": {"buffer_pct_default": 51}}, "config_patch.fees.buffer_pct_default"),
    ({"fees": {"books": {"referral_fee_pct": 60}}}, "config_patch.fees.books.referral_fee_pct"),
    ({"fees": {"books": {"closing_fee": 11}}}, "config_patch.fees.books.closing_fee"),
    ({"fees": {"media": {"fba_fee_base": 25}}}, "config_patch.fees.media.fba_fee_base"),
    ({"fees": {"default": {"fba_fee_per_lb": 6}}}, "config_patch.fees.default.fba_fee_per_lb"),
    ({"fees": {"books": {"inbound_shipping": 5.5}}}, "config_patch.fees.books.inbound_shipping"),
    ({"fees": {"books": {"prep_fee": -1}}}, "config_patch.fees.books.prep_fee"),
    ({"combined_score": {"roi_weight": 0.9}}, "config_patch.combined_score"),
    ({"combined_score": {"roi_weight": 1.5, "velocity_weight": -0.5}}, "config_patch.combined_score.roi_weight"),
    ({"velocity": {"fast_threshold": 120}}, "config_patch.velocity.fast_threshold"),
    ({"velocity": {"medium_threshold": 90}}, "config_patch.velocity.fast_threshold"),
    ({"velocity": {"slow_threshold": 70}}, "config_patch.velocity.medium_threshold"),
    ({"verdicts": [{**row, "min_roi": 300} if row["rating"] == "EXCELLENT" else row
                   for row in DEFAULT_RULES["verdicts"]]}, "config_patch.verdicts.0.min_roi"),
    ({"verdicts": DEFAULT_RULES["verdicts"][:3]}, "config_patch.verdicts"),
    ({"strategies": {"velocity": {"buy_conditions": ["new", "pristine"]}}},
     "config_patch.strategies.velocity.buy_conditions.1"),
    ({"roi": {"target_pct_default": "high"}}, "config_patch.roi.target_pct_default"),
    ({"roi": {"target_pct_default": 10**400}}, "config_patch.roi.target_pct_default"),
    # What the engine could not read is refused at the write: the one rules model judges both.
    ({"advanced_scoring": {"velocity": {"min_data_points": 2.5}}},
     "config_patch.advanced_scoring.velocity.min_data_points"),
    ({"active_strategy": "aggressive"}, "config_patch.active_strategy"),
    ({"analytics": {"risk_weights": {"category": 0.5}}}, "config_patch.analytics.risk_weights"),
]


@pytest.mark.parametrize(("patch", "field"), RULE_BREAKS, ids=[f for _, f in RULE_BREAKS])
def test_rule_break_is_422_naming_the_field_and_changes_nothing(put_config: Caller, category: str,
                                                                stored_scope: Reader, patch: dict[str, Any],
                                                                field: str) -> None:
    scope = f"category:{category}"
    assert put_config(scope, {"meta": {"version": "exists"}})[0] == 200
    status, _, body = put_config(scope, patch)
    assert status == 422, body
    assert body["error"]["code"] == "validation_error"
    assert {d["code"] for d in body["error"]["details"]} == {"config_invalid"}
    assert field in [d["field"] for d in body["error"]["details"]]
    row = stored_scope(scope)
    assert row and row["version"] == 1 and row["data"] == {"meta": {"version": "exists"}} and row["changes"] == 1


def test_each_broken_field_gets_one_detail(put_config: Caller, category: str) -> None:
    status, _, body = put_config(f"category:{category}", {
        "roi": {"target_pct_default": 250, "min_for_buy": -1}, "velocity": {"fast_threshold": 10},
    })
    assert status == 422
    fields = [d["field"] for d in body["error"]["details"]]
    assert sorted(fields) == ["config_patch.roi.min_for_buy", "config_patch.roi.target_pct_default",
                              "config_patch.velocity.fast_threshold"]
    assert all(d["layers"] == f"global < category:{category}" for d in body["error"]["details"])


def test_override_that_breaks_a_rule_only_with_another_scope_is_422(put_config: Caller, category: str,
                                                                    domain_id: int) -> None:
    assert put_config(f"domain:{domain_id}", {"velocity": {"slow_threshold": 55}})[0] == 200
    status, _, body = put_config(f"category:{category}", {"velocity": {"medium_threshold": 50}})
    assert status == 422, body
    detail = next(d for d in body["error"]["details"] if d["field"] == "config_patch.velocity.medium_threshold")
    assert detail["layers"] == f"global < domain:{domain_id} < category:{category}"


def test_unknown_keys_are_422_naming_each_and_nothing_is_stored(put_config: Caller, category: str,
                                                                stored_scope: Reader) -> None:
    patch = {"roi": {"target_pct_default": 40, "target_pct_defualt": 41}, "sourcing_notes": "x",
             "fees": {"textbooks": {"prep_fee": 0.2, "storage": 1}}}
    status, _, body = put_config(f"category:{category}", patch)
    assert status == 422, body
    assert body["error"]["code"] == "validation_error"
    assert [d["field"] for d in body["error"]["details"]] == [
        "config_patch.roi.target_pct_defualt", "config_patch.sourcing_notes", "config_patch.fees.textbooks.storage"]
    assert "target_pct_default" in body["error"]["details"][0]["message"]  # the known keys are listed
    assert stored_scope(f"category:{category}") is None


def test_named_entries_are_accepted_and_null_clears_keys_stored_before(put_config: Caller, category: str,
                                                                        stored_scope: Reader,
                                                                        other_environment: Engine) -> None:
    scope = f"category:{category}"
    patch = {"fees": {category: {**FEES_BOOKS, "prep_fee": 0.1}}, "velocity": {"benchmarks": {category: 90000}},
             "strategies": {"weekend": {"roi_min": 20, "weights": {"roi": 1}}}}
    assert put_config(scope, patch)[0] == 200
    with other_environment.begin() as connection:  # a key written before keys were checked
        connection.execute(text("UPDATE business_config SET data = data || '{\"junk\": \"xxx\"}'::jsonb"
                                " WHERE scope = :s"), {"s": scope})
    status, _, body = put_config(scope, {"junk": None})
    assert status == 200, body
    assert stored_scope(scope)["data"] == patch  # type: ignore[index]


def test_a_patch_larger_than_a_document_may_be_is_413(put_config: Caller, category: str,
                                                      stored_scope: Reader) -> None:
    status, _, body = put_config(f"category:{category}", {"meta": {"version": "x" * (10 * 1024 * 1024)}})
    assert status == 413, str(body)[:300]
    assert body["error"]["code"] == "config_too_large"
    assert body["error"]["details"][0]["field"] == "config_patch"
    assert stored_scope(f"category:{category}") is None


def test_a_document_growing_past_its_limit_is_413_and_keeps_its_version(put_config: Caller, category: str,
                                                                         stored_scope: Reader) -> None:
    scope = f"category:{category}"
    half = 40 * 1024
    assert put_config(scope, {"meta": {"version": "x" * half}})[0] == 200
    status, _, body = put_config(scope, {"meta": {"created_by": "y" * half}})
    assert status == 413, str(body)[:300]
    assert "65,536" in body["error"]["details"][0]["message"]
    row = stored_scope(scope)
    assert row and row["version"] == 1 and row["changes"] == 1


def test_non_finite_numbers_are_422_not_500(put_config: Caller, category: str) -> None:
    patch = {"meta": {"version": float("nan")}, "roi": {"min_for_buy": float("inf")}}  # sent as NaN and Infinity
    status, _, body = call("config", "PUT", "/api/v1/config", query=f"scope=category:{category}",
                           json_body={"config_patch": patch})
    assert status == 422, body
    assert {d["field"] for d in body["error"]["details"]} == {"config_patch.meta.version",
                                                              "config_patch.roi.min_for_buy"}


@pytest.mark.parametrize(("depth", "status", "field"), [
    (32, 422, "config_patch.a"),  # deep enough to pass the depth check, then refused for its unknown key
    (33, 422, "config_patch"), (300, 422, "config_patch"), (900, 422, "config_patch"), (3000, 400, None),
])
def test_deeply_nested_patch_is_refused_not_500(category: str, depth: int, status: int, field: str | None) -> None:
    body = '{"config_patch": ' + '{"a": ' * depth + "1" + "}" * depth + "}"  # a patch nesting `depth` levels
    event = http_api_event("PUT", "/api/v1/config", raw_query=f"scope=category:{category}", body=body,
                           headers={"host": "localhost", "content-type": "application/json"}, authorizer=ADMIN)
    response = load_function("config").handler(event, LocalLambdaContext("config"))
    assert response["statusCode"] == status, response["body"][:300]
    if field is not None:
        assert json.loads(response["body"])["error"]["details"][0]["field"] == field


@pytest.mark.parametrize(("body", "status", "field"), [
    ({}, 422, "body.config_patch"),
    ({"config_patch": [1, 2]}, 422, "body.config_patch"),
    ({"config_patch": "roi"}, 422, "body.config_patch"),
    ({"config_patch": {}, "if_match_version": 3}, 422, "body.if_match_version"),
    ({"config_patch": {}, "change_reason": "x" * 1001}, 422, "body.change_reason"),
])
def test_malformed_body_is_rejected_naming_the_field(put_config: Caller, category: str, body: dict[str, Any],
                                                     status: int, field: str) -> None:
    got, _, response = put_config(f"category:{category}", None, body=body)
    assert got == status, response
    assert field in [d["field"] for d in response["error"]["details"]]


def test_body_that_is_not_json_is_400(category: str) -> None:
    event = http_api_event("PUT", "/api/v1/config", raw_query=f"scope=category:{category}", body='{"config_patch": {',
                           headers={"host": "localhost", "content-type": "application/json"}, authorizer=ADMIN)
    response = load_function("config").handler(event, LocalLambdaContext("config"))
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("scope", ["Global", "tenant:1", "domain:0", "domain:abc", "category:sci-fi",
                                   "category:" + "x" * 60, "x" * 101])
def test_bad_scope_is_422_naming_the_scope(put_config: Caller, scope: str) -> None:
    status, _, body = put_config(scope, {"roi": {"target_pct_default": 30}})
    assert status == 422, body
    assert [d["field"] for d in body["error"]["details"]] == ["query.scope"]


def test_stale_if_match_is_409_with_the_current_version(put_config: Caller, category: str,
                                                        stored_scope: Reader) -> None:
    scope = f"category:{category}"
    put_config(scope, {"meta": {"version": 1}})
    put_config(scope, {"meta": {"version": 2}})
    status, headers, body = put_config(scope, {"meta": {"version": 3}}, if_match='"1"')
    assert status == 409, body
    assert body["error"]["details"][0]["current_version"] == 2
    assert body["error"]["details"][0]["expected_version"] == 1
    assert headers["etag"] == '"2"'
    assert stored_scope(scope)["data"] == {"meta": {"version": 2}}  # type: ignore[index]


@pytest.mark.parametrize("if_match", ["abc", "1.0", '"1", "2"', "*", "-1", "W/x"])
def test_malformed_if_match_is_400_naming_the_header(put_config: Caller, category: str, if_match: str) -> None:
    status, _, body = put_config(f"category:{category}", {"meta": {"version": 1}}, if_match=if_match)
    assert status == 400, body
    assert body["error"]["code"] == "malformed_if_match"
    assert body["error"]["details"][0]["field"] == "header.if-match"


@pytest.mark.parametrize("if_match", ['W/"1"', "1", ' "1" '])
def test_if_match_accepts_quoted_weak_and_bare_versions(put_config: Caller, category: str, if_match: str) -> None:
    scope = f"category:{category}"
    put_config(scope, {"meta": {"version": 1}})
    status, _, body = put_config(scope, {"meta": {"version": 2}}, if_match=if_match)
    assert status == 200, body
    assert body["version"] == 2


def test_if_match_zero_creates_and_fails_once_the_scope_exists(put_config: Caller, category: str) -> None:
    scope = f"category:{category}"
    assert put_config(scope, {"meta": {"version": 1}}, if_match='"0"')[1]["etag"] == '"1"'
    status, _, body = put_config(scope, {"meta": {"version": 2}}, if_match='"0"')
    assert status == 409
    assert body["error"]["details"][0]["current_version"] == 1


def test_if_match_on_a_missing_scope_other_than_zero_is_409(put_config: Caller, category: str,
                                                            stored_scope: Reader) -> None:
    status, _, body = put_config(f"category:{category}", {"meta": {"version": 1}}, if_match='"4"')
    assert status == 409
    assert body["error"]["details"][0]["current_version"] == 0
    assert stored_scope(f"category:{category}") is None


def test_sourcer_cannot_write(put_config: Caller, category: str, stored_scope: Reader) -> None:
    status, _, body = put_config(f"category:{category}", {"meta": {"version": 1}}, identity=SOURCER)
    assert status == 403, body
    assert body["error"]["code"] == "forbidden"
    assert stored_scope(f"category:{category}") is None


def test_write_without_identity_is_401(put_config: Caller, category: str) -> None:
    status, _, body = put_config(f"category:{category}", {"meta": {"version": 1}}, identity=None)
    assert status == 401, body


def test_changed_by_comes_from_the_key_not_the_query(category: str, other_environment: Engine,
                                                     stored_scope: Reader) -> None:
    me = {**ADMIN, "key_name": f"ops-{category[-6:]}"}
    status, _, _ = call("config", "PUT", "/api/v1/config", query=f"scope=category:{category}&changed_by=mallory",
                        json_body={"config_patch": {"meta": {"version": 1}}}, identity=me)
    assert status == 200
    changes = _changes(other_environment, stored_scope(f"category:{category}")["id"])  # type: ignore[index]
    assert [c["changed_by"] for c in changes] == [me["key_name"]]


def test_global_write_that_breaks_an_override_chain_is_422(put_config: Caller, get_config: Caller) -> None:
    # GIVEN the seeded category:media override raises velocity.fast_threshold to 85
    before = get_config("category=")[2]
    # WHEN global moves its thresholds to 95/90/40: valid alone, but under media's 85 fast < medium
    status, _, body = put_config("global", {"velocity": {"fast_threshold": 95, "medium_threshold": 90}})
    # THEN the write is refused, naming the chain where it breaks, and global keeps its version
    assert status == 422, body
    detail = next(d for d in body["error"]["details"] if d["field"] == "config_patch.velocity.fast_threshold")
    assert detail["layers"] == "global < category:media"
    assert get_config("category=")[2]["versions"] == before["versions"]


@pytest.mark.parametrize("value", [10**400, "ünïcödé ✓", -0.0, ""])
def test_unchecked_keys_keep_any_json_value(put_config: Caller, category: str, stored_scope: Reader,
                                            value: Any) -> None:
    status, _, body = put_config(f"category:{category}", {"meta": {"version": value}})
    assert status == 200, body
    assert body["config"]["meta"]["version"] == value
    assert stored_scope(f"category:{category}")["data"]["meta"]["version"] == value  # type: ignore[index]


@pytest.mark.parametrize("factor", [0.05, 0.95])
def test_source_price_factor_outside_its_bounds_is_rejected_naming_it(category: str, factor: float) -> None:
    status, _, body = call("config", "PUT", "/api/v1/config", query=f"scope=category:{category}",
                           json_body={"config_patch": {"roi": {"source_price_factor": factor}}})
    assert status == 422
    assert any(d["field"].endswith("roi.source_price_factor") for d in body["error"]["details"])
