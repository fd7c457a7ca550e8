"""An app's OpenAPI document with our error envelope as every error response, instead of FastAPI's 422 schema."""

from __future__ import annotations

from typing import Any, Final

from arbvault.web.errors import ErrorEnvelope

ENVELOPE_SCHEMA: Final = "ErrorEnvelope"
_REF_TEMPLATE = "#/components/schemas/{model}"
_FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")
_VALIDATION_DESCRIPTION = "invalid input: `validation_error`, each detail naming the field and its code"

ERROR_DESCRIPTIONS: Final = {
    400: "malformed JSON body or header",
    404: "no such resource (or not one the caller may see)",
    409: "conflicts with the stored state",
    413: "more work than one request takes",
    415: "the body is not application/json",
    429: "Keepa tokens are short; Retry-After says when they will have refilled",
    503: "a dependency (database, queue, Keepa) is unavailable; retry later",
}
"""What each error status a route may answer means; the body is always the envelope."""


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route or router answering ``statuses`` (bodies: the envelope)."""
    return {status: {"description": ERROR_DESCRIPTIONS[status]} for status in statuses}


def envelope_response(description: str) -> dict[str, Any]:
    """An error response whose body is the envelope."""
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": _REF_TEMPLATE.format(model=ENVELOPE_SCHEMA)}}}}


def _envelope_schemas() -> dict[str, Any]:
    schema = ErrorEnvelope.model_json_schema(ref_template=_REF_TEMPLATE)
    definitions = schema.pop("$defs", {})
    return {**definitions, ENVELOPE_SCHEMA: schema}


def _declares_its_own_body(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema") or {}
    return bool(schema) and not schema.get("$ref", "").endswith("/HTTPValidationError")


def document_errors(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the envelope as the body of every 4xx/5xx response that names no model of its own,
    400 and 415 on every operation taking a JSON body, and FastAPI's validation schemas gone."""
    for item in (document.get("paths") or {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                for status in (400, 415):
                    responses.setdefault(str(status), {"description": ERROR_DESCRIPTIONS[status]})
            for status, response in responses.items():
                if status[:1] in "45" and not _declares_its_own_body(response):
                    description = _VALIDATION_DESCRIPTION if status == "422" else response.get("description", "")
                    responses[status] = envelope_response(description)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(_envelope_schemas())
    return document
