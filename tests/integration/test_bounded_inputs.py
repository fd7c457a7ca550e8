"""Inputs beyond what a column can hold answer 422 with the envelope, never 500: numbers past a numeric's
precision, timestamps at the calendar's edge, text with NUL or an unpaired surrogate. Each case goes through
the real handler; a value that slipped through would reach PostgreSQL (or the driver) and fail there."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any
from urllib.parse import quote

import pytest

from arbvault.bounds import DOMAIN_RULE, KEEPA_DOMAINS
from arbvault.web.pagination import encode_cursor
from infra.openapi import build_openapi
from infra.template import project_template
from support import call

UNKNOWN_ID = "3f0c2a8e-9d54-4c1b-8f3e-5a6b7c8d9e0f"
EDGE_OF_TIME = "0001-01-01T00:00:00+14:00"
LATE_EDGE = "9999-12-31T23:59:59-14:00"
BAD_TEXTS = ("a\u0000b", "a\ud800b")


def analyses_cursor(sort_by: str, value: str | None, order: str = "desc") -> str:
    return encode_cursor({"sort_by": sort_by, "sort_order": order, "value": value, "id": str(uuid.uuid4())})


def keyset_cursor(created_at: str) -> str:
    return encode_cursor({"created_at": created_at, "id": str(uuid.uuid4())})


def q(value: str) -> str:
    return quote(value, safe="")


ANALYSIS_LISTS = [
    ("analyses", "/api/v1/analyses", "/api/v1/analyses", None),
    ("analyses", "/api/v1/analyses/top", "/api/v1/analyses/top", None),
    ("batches", f"/api/v1/batches/{UNKNOWN_ID}/results", "/api/v1/batches/{batch_id}/results",
     {"batch_id": UNKNOWN_ID}),
]
RANGE_QUERIES = ["roi_min=1e10", "roi_max=-1e10", "roi_min=1e999999999", "roi_min=NaN", "roi_max=Infinity",
                 "velocity_min=1e3", "velocity_max=-1", f"recommendation={q(BAD_TEXTS[0])}"]
ANALYSIS_CURSORS = [
    ("roi_pct", "1e20"), ("net_profit", "1e999999999"), ("net_profit", "-1e20"), ("velocity_score", "1e3"),
    ("combined_score", "-5"), ("created_at", EDGE_OF_TIME), ("created_at", LATE_EDGE), ("roi_pct", "NaN"),
]
KEYSET_LISTS = [
    ("batches", "/api/v1/batches"),
    ("api_keys", "/api/v1/api-keys"),
    ("config", "/api/v1/config/changes"),
]


def assert_validation_error(status: int, body: Any, field: str) -> None:
    assert status == 422, body
    assert set(body) == {"error", "request_id"}
    assert body["error"]["code"] == "validation_error"
    details = body["error"]["details"]
    assert any(detail["field"] == field for detail in details), details
    assert all(isinstance(detail.get("code"), str) and detail["code"] for detail in details), details


@pytest.fixture(autouse=True)
def _database(database_url: str) -> str:
    return database_url


@pytest.mark.parametrize(("function", "path", "route", "parameters"), ANALYSIS_LISTS)
@pytest.mark.parametrize("query", RANGE_QUERIES)
def test_range_filters_beyond_the_column_are_422(function: str, path: str, route: str,
                                                 parameters: dict[str, str] | None, query: str) -> None:
    status, _, body = call(function, "GET", path, route=route, path_parameters=parameters, query=query)
    assert_validation_error(status, body, f"query.{query.split('=')[0]}")


@pytest.mark.parametrize(("function", "path", "route", "parameters"),
                         [case for case in ANALYSIS_LISTS if not case[1].endswith("/top")])
@pytest.mark.parametrize(("sort_by", "value"), ANALYSIS_CURSORS)
def test_engine_cursors_beyond_the_column_are_422(function: str, path: str, route: str,
                                                    parameters: dict[str, str] | None, sort_by: str,
                                                    value: str) -> None:
    cursor = analyses_cursor(sort_by, value)
    status, _, body = call(function, "GET", path, route=route, path_parameters=parameters,
                           query=f"sort_by={sort_by}&sort_order=desc&cursor={cursor}")
    assert_validation_error(status, body, "query.cursor")


@pytest.mark.parametrize(("function", "path"), KEYSET_LISTS)
@pytest.mark.parametrize("created_at", [EDGE_OF_TIME, LATE_EDGE, "2026-01-01T00:00:00\u0000"])
def test_keyset_cursor_timestamps_at_the_calendar_edge_are_422(function: str, path: str, created_at: str) -> None:
    status, _, body = call(function, "GET", path, query=f"cursor={keyset_cursor(created_at)}")
    assert_validation_error(status, body, "query.cursor")


TEXT_QUERIES = [
    ("config", "/api/v1/config/changes", "changed_by"),
    ("config", "/api/v1/config/changes", "scope"),
    ("config", "/api/v1/config", "category"),
    ("batches", "/api/v1/batches", "status"),
    ("analyses", "/api/v1/analyses", "asin"),
]


@pytest.mark.parametrize(("function", "path", "parameter"), TEXT_QUERIES)
def test_text_query_filters_refuse_nul(function: str, path: str, parameter: str) -> None:
    # A query string cannot carry an unpaired surrogate: its percent-decoding turns invalid UTF-8 into U+FFFD.
    status, _, body = call(function, "GET", path, query=f"{parameter}={q(BAD_TEXTS[0])}")
    assert_validation_error(status, body, f"query.{parameter}")


@pytest.mark.parametrize("text", BAD_TEXTS)
@pytest.mark.parametrize("field", ["name", "config_profile"])
def test_batch_text_fields_refuse_nul_and_surrogates(field: str, text: str) -> None:
    body_in = {"name": "shelf", "identifiers": ["0134685997"], field: text}
    status, _, body = call("batches", "POST", "/api/v1/batches", json_body=body_in)
    assert_validation_error(status, body, f"body.{field}")


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_manual_analysis_title_refuses_nul_and_surrogates(text: str) -> None:
    body_in = {"identifier": "0134685997", "buy_price": 5, "sell_price": 30, "title": text}
    status, _, body = call("analyses", "POST", "/api/v1/analyses", json_body=body_in)
    assert_validation_error(status, body, "body.title")


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_api_key_name_refuses_nul_and_surrogates(text: str) -> None:
    status, _, body = call("api_keys", "POST", "/api/v1/api-keys", json_body={"name": text})
    assert_validation_error(status, body, "body.name")


@pytest.mark.parametrize("text", BAD_TEXTS)
@pytest.mark.parametrize("where", ["value", "key"])
def test_config_patch_text_refuses_nul_and_surrogates(text: str, where: str) -> None:
    patch = {"velocity": {"label": text}} if where == "value" else {"velocity": {text: 1}}
    status, _, body = call("config", "PUT", "/api/v1/config", query="scope=category:test_bounded",
                           json_body={"config_patch": patch})
    assert_validation_error(status, body, "body.config_patch")


def _json_body_routes() -> list[tuple[str, str, str]]:
    document = build_openapi(project_template())
    functions = {(route.method, route.path): route.function for route in project_template().routes}
    return [(functions[(method.upper(), path)], method.upper(), path) for path, item in document["paths"].items()
            for method, operation in item.items() if "requestBody" in operation]


@pytest.mark.parametrize(("function", "method", "route"), _json_body_routes())
def test_a_body_that_is_not_json_is_415(function: str, method: str, route: str) -> None:
    parameters = dict.fromkeys(re.findall(r"{(\w+)}", route), UNKNOWN_ID)
    path = route.format(**parameters)
    status, _, body = call(function, method, path, route=route, path_parameters=parameters or None,
                           headers={"content-type": "text/plain"}, json_body={"name": "x"})
    assert status == 415, body
    assert body["error"]["code"] == "unsupported_media_type"


def _domain_routes() -> list[tuple[str, str, str, str]]:
    """(function, method, route, where) of every operation taking a ``domain_id`` in its query or JSON body."""
    document = build_openapi(project_template())
    functions = {(route.method, route.path): route.function for route in project_template().routes}
    schemas = document["components"]["schemas"]
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if any(p["name"] == "domain_id" and p["in"] == "query" for p in operation.get("parameters") or []):
                found.append((functions[(method.upper(), path)], method.upper(), path, "query"))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            properties = schemas.get(body.get("$ref", "").rsplit("/", 1)[-1], {}).get("properties", {})
            if "domain_id" in properties:
                found.append((functions[(method.upper(), path)], method.upper(), path, "body"))
    return found


def test_every_domain_id_is_the_one_keepa_domain_type() -> None:
    routes = _domain_routes()
    assert len(routes) >= 15  # keepa, products, views, niches, batches, analyses, analytics, config, history
    document = build_openapi(project_template())
    schemas = [p["schema"] for item in document["paths"].values() for operation in item.values()
               for p in operation.get("parameters") or [] if p["name"] == "domain_id"]
    schemas += [schema["properties"]["domain_id"] for schema in document["components"]["schemas"].values()
                if "domain_id" in (schema.get("properties") or {}) and schema.get("title", "").endswith("In")]
    assert {json.dumps({k: v for k, v in s.items() if k != "default"}, sort_keys=True) for s in schemas} == {
        json.dumps({"description": "Keepa marketplace (1 = amazon.com)", "enum": sorted(KEEPA_DOMAINS),
                    "title": "Domain Id", "type": "integer"}, sort_keys=True)}


@pytest.mark.parametrize(("function", "method", "route", "where"), _domain_routes())
@pytest.mark.parametrize("domain", [0, 7, 32_767])
def test_every_route_refuses_a_domain_keepa_does_not_serve(function: str, method: str, route: str, where: str,
                                                           domain: int) -> None:
    parameters = dict.fromkeys(re.findall(r"{(\w+)}", route), UNKNOWN_ID)
    status, _, body = call(function, method, route.format(**parameters), route=route,
                           path_parameters=parameters or None,
                           query=f"domain_id={domain}" if where == "query" else "",
                           json_body={"domain_id": domain} if where == "body" else None)
    assert_validation_error(status, body, f"{where}.domain_id")
    detail = next(d for d in body["error"]["details"] if d["field"] == f"{where}.domain_id")
    assert detail["message"] == DOMAIN_RULE


@pytest.mark.parametrize("domain", [7, 13])
def test_a_rules_scope_of_a_domain_keepa_does_not_serve_is_422(domain: int) -> None:
    status, _, body = call("config", "PUT", "/api/v1/config", query=f"scope=domain:{domain}",
                           json_body={"config_patch": {"roi": {"target_pct_default": 30}}})
    assert status == 422, body
    assert body["error"]["details"] == [{"field": "query.scope", "message": DOMAIN_RULE, "code": "invalid_scope"}]
