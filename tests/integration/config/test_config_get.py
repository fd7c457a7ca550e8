"""GET /api/v1/config: layers merged from real rows, sources and versions, and a cache that is never stale."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from arbvault.config.defaults import DEFAULT_OVERRIDES, DEFAULT_RULES
from arbvault.config.merge import deep_merge

Getter = Callable[..., tuple[int, dict[str, str], Any]]


def _global(engine: Engine) -> tuple[dict[str, Any], int]:
    with engine.connect() as connection:
        row = connection.execute(text("SELECT data, version FROM business_config WHERE scope = 'global'")).one()
    return row.data, row.version


def _insert_scope(engine: Engine, scope: str, data: dict[str, Any]) -> None:
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO business_config (scope, data, parent_id) VALUES (:s, CAST(:d AS jsonb), 1)"),
            {"s": scope, "d": json.dumps(data)},
        )


def test_default_read_is_the_global_scope_alone(get_config: Getter, other_environment: Engine) -> None:
    document, version = _global(other_environment)
    status, headers, body = get_config()
    assert status == 200, body
    assert body["scope"] == "effective:domain:1:category:books"
    assert body["config"] == document
    assert body["sources"] == {"global": True, "domain": False, "category": False}
    assert body["versions"] == {"global": version, "domain": None, "category": None}
    assert headers["etag"] == f'"{version}"'
    assert datetime.fromisoformat(body["updated_at"].replace("Z", "+00:00")).utcoffset().total_seconds() == 0


def test_seeded_overrides_merge_category_over_domain_over_global(get_config: Getter, other_environment: Engine) -> None:
    document, _ = _global(other_environment)
    status, _, body = get_config("domain_id=2&category=Textbooks")
    assert status == 200, body
    assert body["scope"] == "effective:domain:2:category:textbooks"
    assert body["sources"] == {"global": True, "domain": True, "category": True}
    assert body["config"]["roi"]["target_pct_default"] == 40.0  # category 40 beats domain 25
    assert body["config"]["roi"]["min_for_buy"] == 25.0
    assert body["config"]["fees"]["buffer_pct_default"] == 7.0
    assert body["config"]["velocity"] == document["velocity"]
    assert body["versions"]["domain"] >= 1 and body["versions"]["category"] >= 1


@pytest.mark.parametrize(("query", "expected_target", "sources"), [
    ("domain_id=2&category=", 25.0, {"global": True, "domain": True, "category": False}),
    ("domain_id=2&category=books", 25.0, {"global": True, "domain": True, "category": False}),
    ("domain_id=3&category=MEDIA", DEFAULT_RULES["roi"]["target_pct_default"],
     {"global": True, "domain": False, "category": True}),
])
def test_sources_flag_the_layers_that_took_part(get_config: Getter, query: str, expected_target: float,
                                                sources: dict[str, bool]) -> None:
    status, _, body = get_config(query)
    assert status == 200, body
    assert body["sources"] == sources
    assert body["config"]["roi"]["target_pct_default"] == expected_target


def test_media_override_raises_the_fast_threshold(get_config: Getter) -> None:
    _, _, body = get_config("category=media")
    expected = DEFAULT_OVERRIDES["category:media"]["velocity"]["fast_threshold"]
    assert body["config"]["velocity"]["fast_threshold"] == expected


def test_category_name_is_normalised_into_the_scope(get_config: Getter, category: str,
                                                    other_environment: Engine) -> None:
    _insert_scope(other_environment, f"category:{category}_and_more", {"roi": {"min_for_buy": 12}})
    status, _, body = get_config(f"category={category.upper()}%20%26%20and%20More")
    assert status == 200, body
    assert body["scope"] == f"effective:domain:1:category:{category}_and_more"
    assert body["config"]["roi"]["min_for_buy"] == 12


@pytest.mark.parametrize(("query", "field"), [
    ("domain_id=0", "query.domain_id"),
    ("domain_id=-4", "query.domain_id"),
    ("domain_id=abc", "query.domain_id"),
    ("domain_id=2147483648", "query.domain_id"),
    ("category=sci-fi", "query.category"),
    ("category=" + "x" * 60, "query.category"),
    ("force_refresh=maybe", "query.force_refresh"),
])
def test_bad_query_is_422_naming_the_field(get_config: Getter, query: str, field: str) -> None:
    status, _, body = get_config(query)
    assert status == 422, body
    assert [d["field"] for d in body["error"]["details"]] == [field]
    assert body["request_id"]


def test_read_without_identity_is_401(get_config: Getter) -> None:
    status, _, body = get_config(identity=None)
    assert status == 401
    assert body["error"]["code"] == "unauthorized"


def test_cached_read_costs_one_query_and_reads_no_documents(get_config: Getter, category: str,
                                                             other_environment: Engine,
                                                             statements: list[str]) -> None:
    _insert_scope(other_environment, f"category:{category}", {"roi": {"min_for_buy": 11}})
    assert get_config(f"category={category}")[0] == 200
    first = list(statements)
    statements.clear()
    status, _, body = get_config(f"category={category}")
    assert status == 200 and body["config"]["roi"]["min_for_buy"] == 11
    assert any("business_config.data" in s for s in first)
    assert len(statements) == 1 and "business_config.data" not in statements[0], statements


def test_force_refresh_reads_the_documents_again(get_config: Getter, category: str, statements: list[str]) -> None:
    assert get_config(f"category={category}")[0] == 200
    statements.clear()
    assert get_config(f"category={category}&force_refresh=true")[0] == 200
    assert [s for s in statements if "business_config.data" in s], statements


@pytest.mark.parametrize("bump_version", [True, False], ids=["version bumped", "hand edit without version"])
def test_write_from_another_environment_is_seen_at_once(get_config: Getter, category: str,
                                                        other_environment: Engine, bump_version: bool) -> None:
    # GIVEN this environment has the effective config of a category cached
    scope = f"category:{category}"
    _insert_scope(other_environment, scope, {"roi": {"target_pct_default": 41}})
    first = get_config(f"domain_id=1&category={category}")[2]
    assert first["config"]["roi"]["target_pct_default"] == 41
    assert get_config(f"domain_id=1&category={category}")[2]["config"]["roi"]["target_pct_default"] == 41
    # WHEN another environment changes the row (no cache is cleared anywhere)
    bump = ", version = version + 1" if bump_version else ""
    with other_environment.begin() as connection:
        connection.execute(
            text(f"UPDATE business_config SET data = CAST(:d AS jsonb){bump} WHERE scope = :s"),
            {"d": json.dumps({"roi": {"target_pct_default": 43}}), "s": scope},
        )
    # THEN the very next read here reflects it
    status, _, body = get_config(f"domain_id=1&category={category}")
    assert status == 200
    assert body["config"]["roi"]["target_pct_default"] == 43
    assert body["versions"]["category"] == first["versions"]["category"] + (1 if bump_version else 0)


def test_deactivated_scope_drops_out_of_the_merge(get_config: Getter, category: str,
                                                  other_environment: Engine) -> None:
    scope = f"category:{category}"
    _insert_scope(other_environment, scope, {"roi": {"target_pct_default": 77}})
    assert get_config(f"category={category}")[2]["sources"]["category"] is True
    with other_environment.begin() as connection:
        connection.execute(text("UPDATE business_config SET is_active = false WHERE scope = :s"), {"s": scope})
    status, _, body = get_config(f"category={category}")
    assert status == 200
    assert body["sources"]["category"] is False
    assert body["config"]["roi"]["target_pct_default"] == _global(other_environment)[0]["roi"]["target_pct_default"]


def test_effective_document_is_the_merge_of_the_rows(get_config: Getter, category: str, domain_id: int,
                                                     other_environment: Engine) -> None:
    domain_doc = {"fees": {"books": {"prep_fee": 0.3}}, "extra": {"a": 1}}
    category_doc = {"fees": {"books": {"closing_fee": 1.5}}, "extra": {"b": [1, 2]}}
    _insert_scope(other_environment, f"domain:{domain_id}", domain_doc)
    _insert_scope(other_environment, f"category:{category}", category_doc)
    status, _, body = get_config(f"domain_id={domain_id}&category={category}")
    assert status == 200
    assert body["config"] == deep_merge(_global(other_environment)[0], domain_doc, category_doc)
