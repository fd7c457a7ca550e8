"""One OpenAPI 3.1 document for the whole API, merged from every function's FastAPI app.

Deployed functions serve no docs routes, so the document is built here: each app's ``openapi()`` supplies the
operations, template.yaml decides which routes exist, under which path, and whether they need an API key.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from arbvault import __version__
from arbvault.web.openapi_errors import ENVELOPE_SCHEMA
from infra.function_loader import FunctionLoadError, load_app
from infra.template import Route, Template

OPENAPI_VERSION = "3.1.0"
TITLE = "ArbitrageVault API"
DESCRIPTION = (
    "Amazon book-arbitrage analysis. Every route except health needs an API key, sent as "
    "`Authorization: Bearer <key>` or `X-API-Key: <key>`."
)
_SCHEMA_REF = "#/components/schemas/"

SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "ApiKeyBearer": {"type": "http", "scheme": "bearer", "description": "API key as a bearer token."},
    "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "API key header."},
}
# Either scheme is enough: a list of alternatives, each naming one scheme.
API_KEY_SECURITY: list[dict[str, list[str]]] = [{name: []} for name in SECURITY_SCHEMES]
# The authorizer answers before the function runs, with API Gateway's body; the function's own 401/403 (no
# identity, wrong role) are the envelope.
GATEWAY_ERROR_SCHEMA = "GatewayError"
_GATEWAY_ERROR = {"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"],
                  "description": "API Gateway's own answer: the authorizer refused the request, or it is over a limit"}
_AUTHORIZER_RESPONSES = {
    "401": "No API key was sent.",
    "403": "The API key is unknown or revoked (API Gateway's body), or its role may not do this (the envelope).",
}


# API Gateway's own limits answer every route, before the authorizer, with its body.
_GATEWAY_LIMIT_RESPONSES = {
    "413": "The request body is over API Gateway's 10 MB payload limit.",
    "414": "The request line is over API Gateway's limit.",
    "431": "The request's headers are over API Gateway's limit.",
}


def _gateway_limits(responses: dict[str, Any]) -> None:
    """Document API Gateway's size limits in ``responses``; a status the function documents itself (its own
    envelope) may also come in the gateway's body."""
    gateway = {"$ref": _SCHEMA_REF + GATEWAY_ERROR_SCHEMA}
    for status, description in _GATEWAY_LIMIT_RESPONSES.items():
        own = responses.get(status)
        if own is None:
            responses[status] = {"description": description, "content": {"application/json": {"schema": gateway}}}
        else:
            schema = own.setdefault("content", {}).setdefault("application/json", {}).get("schema")
            own["content"]["application/json"]["schema"] = {"anyOf": [schema, gateway]} if schema else gateway


def _authorizer_response(description: str) -> dict[str, Any]:
    refs = [{"$ref": _SCHEMA_REF + ENVELOPE_SCHEMA}, {"$ref": _SCHEMA_REF + GATEWAY_ERROR_SCHEMA}]
    return {"description": description, "content": {"application/json": {"schema": {"anyOf": refs}}}}


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    """``node`` with every ``$ref`` to a renamed schema pointing at its new name."""
    if isinstance(node, dict):
        return {
            key: (_SCHEMA_REF + renames.get(value[len(_SCHEMA_REF):], value[len(_SCHEMA_REF):])
                  if key == "$ref" and isinstance(value, str) and value.startswith(_SCHEMA_REF)
                  else _rename_refs(value, renames))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename_refs(item, renames) for item in node]
    return node


def _free_name(name: str, function: str, taken: set[str]) -> str:
    candidate, n = f"{name}_{function}", 2
    while candidate in taken:
        candidate, n = f"{name}_{function}{n}", n + 1
    return candidate


def merge_schemas(merged: dict[str, Any], schemas: dict[str, Any], function: str) -> dict[str, str]:
    """Add ``function``'s component schemas to ``merged``; return the renames its ``$ref``s need.

    A name already in ``merged`` with the same definition is shared; with another definition the incoming
    schema is renamed ``<Name>_<function>``. Renaming one schema changes every schema referring to it, so
    conflicts are found again until none is new.
    """
    renames: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for name, schema in schemas.items():
            if name in renames or name not in merged:
                continue
            if _rename_refs(schema, renames) != merged[name]:
                renames[name] = _free_name(name, function, {*merged, *schemas, *renames.values()})
                changed = True
    for name, schema in schemas.items():
        merged[renames.get(name, name)] = _rename_refs(schema, renames)
    return renames


def _operation(route: Route, operation: dict[str, Any], renames: dict[str, str],
               operation_ids: set[str]) -> dict[str, Any]:
    """``operation`` from the function's own document, with merged names and the route's security."""
    operation = _rename_refs(operation, renames)
    if operation.get("operationId") in operation_ids:
        operation["operationId"] = f"{route.function}_{operation['operationId']}"
    operation_ids.add(operation.get("operationId", ""))
    _gateway_limits(operation.setdefault("responses", {}))
    if route.auth:
        operation["security"] = copy.deepcopy(API_KEY_SECURITY)
        for status, description in _AUTHORIZER_RESPONSES.items():
            operation.setdefault("responses", {})[status] = _authorizer_response(description)
    else:
        operation["security"] = []
    return operation


def build_openapi(template: Template) -> dict[str, Any]:
    """The API's OpenAPI 3.1 document: every route of ``template`` that its function's app serves.

    Paths are the template's, in path order. A template route its function does not serve, or whose function
    has no app (drift, which `arbvault routes --check` reports), is left out rather than invented.
    """
    routes_by_function: dict[str, list[Route]] = defaultdict(list)
    for route in template.routes:
        routes_by_function[route.function].append(route)
    schemas: dict[str, Any] = {}
    operation_ids: set[str] = set()
    paths: dict[str, dict[str, Any]] = {}
    for function in sorted(routes_by_function):
        spec = template.function(function)
        try:
            document = load_app(spec.name, spec.code_dir).openapi()
        except FunctionLoadError:
            continue  # no app, nothing served: the route check reports it
        renames = merge_schemas(schemas, (document.get("components") or {}).get("schemas") or {}, function)
        for route in routes_by_function[function]:
            operation = (document.get("paths") or {}).get(route.path, {}).get(route.method.lower())
            if operation is not None:
                paths.setdefault(route.path, {})[route.method.lower()] = _operation(
                    route, operation, renames, operation_ids)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": TITLE, "version": __version__, "description": DESCRIPTION},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted({**schemas, GATEWAY_ERROR_SCHEMA: _GATEWAY_ERROR}.items())),
            "securitySchemes": copy.deepcopy(SECURITY_SCHEMES),
        },
    }
