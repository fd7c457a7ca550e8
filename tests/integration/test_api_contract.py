"""One contract across every route, checked on the merged OpenAPI document (`infra/openapi.py` builds it).

Fails on a field or parameter that is not snake_case, a second name for a concept that already has one, a name
whose JSON type differs from one schema to the next (``profit`` a number here and an object there), an enum
spelled two ways, and an error response whose body is not the envelope.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from infra.openapi import build_openapi
from infra.template import project_template

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
LOWER_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"
# Error responses that are not the envelope on purpose: readiness answers 503 with its checks.
OWN_ERROR_BODIES = {("GET /api/v1/health/ready", "503")}
# API Gateway answers these itself, before any function, with its own body (the authorizer's refusals and its
# size limits); every other error is the envelope.
GATEWAY_REF = "#/components/schemas/GatewayError"
GATEWAY_STATUSES = {"401", "403", "413", "414", "431"}
# Routes that touch no dependency, so never answer 503.
NO_DEPENDENCY = {"GET /api/v1/health", "GET /api/v1/health/live"}
METHODS = {"get", "put", "post", "delete", "patch"}

# A second name for a concept the API already names: the name it must use instead.
SECOND_NAMES = {
    "batch_id": "id (in its own resource) or job_id (elsewhere)",
    "domain": "domain_id",
    "price_source": "sell_price_source",
    "tokens_consumed": "tokens_used",
    "total_count": "count",
    "change_id": "id",
    "config_scope": "scope",
    "profit_per_unit": "net_profit",
    "roi_net": "roi_pct",
    "estimated_buy_price": "buy_price",
    "estimated_sell_price": "sell_price",
    "estimated_days_to_sell": "days_to_sell",
    "estimated_time_to_sell_days": "days_to_sell",
    "amazon_has_buybox": "amazon_has_buy_box",
}
# Names that start like a range bound but are concepts of their own.
NOT_RANGES = {"max_buy_price", "max_results"}


def _schema_type(schema: dict[str, Any], components: dict[str, Any]) -> str:
    """A property's JSON type, ignoring null; integer and number are one kind, any object (or model) another."""
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        kinds = {_schema_type(option, components) for option in options} - {"null"}
        if kinds == {"number", "string"}:  # a Decimal input: a number, or the same number as text
            kinds = {"number"}
        return "|".join(sorted(kinds)) or "any"
    if "$ref" in schema:
        target = components[schema["$ref"].rsplit("/", 1)[-1]]
        return _schema_type(target, components) if "enum" in target else "object"
    kind = schema.get("type")
    if kind == "object" or "additionalProperties" in schema:
        return "object"
    if kind in ("integer", "number"):
        return "number"
    return str(kind) if kind is not None else "any"


def _names(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every field of every schema and every query or path parameter: (name, where, schema)."""
    for schema_name, schema in document["components"]["schemas"].items():
        for name, property_schema in (schema.get("properties") or {}).items():
            yield name, schema_name, property_schema
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters") or []:
                if parameter["in"] in ("query", "path"):
                    yield parameter["name"], f"{method.upper()} {path}", parameter["schema"]


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def _enums(node: Any, where: str = "") -> Iterator[tuple[str, list[Any]]]:
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list):
            yield where, node["enum"]
        for key, value in node.items():
            yield from _enums(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _enums(value, f"{where}[{index}]")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_openapi(project_template())


def test_no_number_is_checked_by_division(document: dict[str, Any]) -> None:
    """``multipleOf`` on a decimal makes pydantic divide, which raises (a 500) for a value past the decimal
    context's 28 digits before any bound is checked; ``decimal_places`` counts digits instead."""
    assert '"multipleOf"' not in json.dumps(document)


def test_every_field_and_parameter_is_snake_case(document: dict[str, Any]) -> None:
    offenders = sorted({(name, where) for name, where, _ in _names(document) if not SNAKE_CASE.match(name)})
    assert offenders == []


def test_no_second_name_for_a_concept(document: dict[str, Any]) -> None:
    offenders = []
    for name, where, _ in _names(document):
        if name in SECOND_NAMES and not (name == "batch_id" and where.startswith(("GET", "POST", "PATCH"))
                                         and "{batch_id}" in where):
            offenders.append(f"{where}: {name} (use {SECOND_NAMES[name]})")
        if name.startswith(("min_", "max_")) and name not in NOT_RANGES:
            offenders.append(f"{where}: {name} (ranges are <field>_min / <field>_max)")
        if name.endswith("_percent"):
            offenders.append(f"{where}: {name} (percentages end in _pct)")
    assert offenders == []


def test_one_json_type_per_name(document: dict[str, Any]) -> None:
    types: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, where, schema in _names(document):
        types[name][_schema_type(schema, document["components"]["schemas"])].append(where)
    conflicts = {name: dict(kinds) for name, kinds in types.items()
                 if len([kind for kind in kinds if kind != "any"]) > 1}
    assert conflicts == {}


def test_enum_values_are_spelled_one_way(document: dict[str, Any]) -> None:
    offenders = []
    for where, values in _enums(document):
        texts = [value for value in values if isinstance(value, str)]
        if not texts:
            continue
        if not (all(UPPER_SNAKE.match(v) for v in texts) or all(LOWER_SNAKE.match(v) for v in texts)):
            offenders.append((where, texts))
    assert offenders == []


def test_every_error_response_is_the_envelope(document: dict[str, Any]) -> None:
    offenders = []
    for where, operation in _operations(document):
        for status, response in operation["responses"].items():
            if status[:1] not in "45":
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            refs = [schema.get("$ref")] + [option.get("$ref") for option in schema.get("anyOf", [])]
            gateway = status in GATEWAY_STATUSES and GATEWAY_REF in refs
            if ENVELOPE_REF not in refs and not gateway and (where, status) not in OWN_ERROR_BODIES:
                offenders.append(f"{where} {status}")
    assert offenders == []
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert "ValidationError" not in document["components"]["schemas"]


def test_the_envelope_names_the_field_and_a_code(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert set(schemas["ErrorEnvelope"]["required"]) == {"error", "request_id"}
    assert set(schemas["ErrorBody"]["required"]) == {"code", "message", "details"}
    assert {"field", "code", "message"} <= set(schemas["ErrorDetail"]["properties"])
    assert "code" in schemas["ErrorDetail"]["required"]


def test_routes_document_the_statuses_every_route_of_their_kind_answers(document: dict[str, Any]) -> None:
    missing = []
    for where, operation in _operations(document):
        expected = set() if where in NO_DEPENDENCY else {"503"}
        if operation.get("parameters") or operation.get("requestBody"):
            expected.add("422")
        if operation.get("requestBody"):
            expected |= {"400", "415"}
        missing += [f"{where} {status}" for status in sorted(expected - set(operation["responses"]))]
    assert missing == []


@pytest.mark.parametrize(("where", "statuses"), [
    ("POST /api/v1/batches", {"202", "409", "413", "429"}),
    ("GET /api/v1/batches/{batch_id}", {"200", "404"}),
    ("PATCH /api/v1/batches/{batch_id}/status", {"200", "404", "409"}),
    ("PUT /api/v1/config", {"200", "400", "409"}),
    ("DELETE /api/v1/api-keys/{key_id}", {"200", "404", "409"}),
    ("POST /api/v1/keepa/ingest", {"200", "202", "409", "413", "429"}),
    ("GET /api/v1/analyses/{analysis_id}", {"200", "404"}),
])
def test_routes_document_their_own_error_statuses(document: dict[str, Any], where: str, statuses: set[str]) -> None:
    method, path = where.split(" ", 1)
    assert statuses <= set(document["paths"][path][method.lower()]["responses"])


def test_numeric_bounds_identifier_formats_and_enums_are_documented(document: dict[str, Any]) -> None:
    parameters = {parameter["name"]: parameter["schema"]
                  for parameter in document["paths"]["/api/v1/analyses"]["get"]["parameters"]}
    velocity = next(option for option in _flatten(parameters["velocity_min"]) if option.get("type") == "number")
    assert (velocity["minimum"], velocity["maximum"]) == (0, 100)
    roi = next(option for option in _flatten(parameters["roi_min"]) if option.get("type") == "number")
    assert roi["maximum"] == 9999999999.99
    assert set(next(o for o in _flatten(parameters["sort_by"]) if "enum" in o)["enum"]) >= {"roi_pct", "net_profit"}
    assert next(o for o in _flatten(parameters["job_id"]) if o.get("type") == "string")["format"] == "uuid"
    assert "cursor" in parameters and "next_cursor" in parameters["cursor"].get("description", "")
    schemas = document["components"]["schemas"]
    assert schemas["ManualAnalysisIn"]["properties"]["identifier"]["description"] == "ASIN, ISBN-10 or ISBN-13"


def _flatten(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield schema
    for option in schema.get("anyOf", []):
        yield from _flatten(option)


def test_every_route_documents_api_gateways_size_limits(document: dict[str, Any]) -> None:
    for where, operation in _operations(document):
        assert {"413", "414", "431"} <= set(operation["responses"]), where
