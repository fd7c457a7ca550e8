"""An app's OpenAPI document with our error envelope as every error response, instead of FastAPI's 422 schema."""

from __future__ import annotations

from typing import Any, Final

from arbvault.web.errors import ErrorEnvelope

ENVELOPE_SCHEMA: Final = "ErrorEnvelope"
_REF_TEMPLATE = "#/components/schemas/{model}"
_FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")
_VALIDATION_DESCRIPTION = "invalid input: `validation_error`, each detail naming the field and its code"


def envelope_response(description: str) -> dict[str, Any]:
    """An error response whose body is the envelope."""
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": _REF_TEMPLATE.format(model=ENVELOPE_SCHEMA)}}}}


def _envelope_schemas() -> dict[str, Any]:
    schema = ErrorEnvelope.model_json_schema(ref_template=_REF_TEMPLATE)
    definitions = schema.pop("$defs", {})
    return {**definitions, ENVELOPE_SCHEMA: schema}


def document_errors(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with every 4xx/5xx response's body the envelope and FastAPI's validation schemas gone."""
    for item in (document.get("paths") or {}).values():
        for operation in item.values():
            responses = operation.get("responses") or {}
            for status, response in responses.items():
                if status[:1] in "45":
                    description = _VALIDATION_DESCRIPTION if status == "422" else response.get("description", "")
                    responses[status] = envelope_response(description)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(_envelope_schemas())
    return document
