"""Render an OpenAPI document as one readable HTML page, operations grouped by the function serving them."""

from __future__ import annotations

import html
import json
from collections import defaultdict
from typing import Any

from infra.template import Template

_REF = "#/components/schemas/"
_MAX_DEPTH = 4
_REQUIRED = " <span class=req>*</span>"

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:1.5rem;color:#1d1d1f}
h1{margin-bottom:.2rem} h2{margin-top:2.2rem;border-bottom:2px solid #ddd}
details{border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}
summary{cursor:pointer;font-family:ui-monospace,monospace}
.m{display:inline-block;min-width:4.2rem;font-weight:700}
.GET{color:#0a7d32}.POST{color:#0b5cad}.PUT{color:#9a5b00}.PATCH{color:#7a3fb0}.DELETE{color:#b3261e}
.lock{font-size:.8rem;color:#666} table{border-collapse:collapse;margin:.4rem 0}
td,th{border:1px solid #e3e3e3;padding:.2rem .5rem;text-align:left;vertical-align:top}
code,pre{font-family:ui-monospace,monospace;font-size:.85rem} pre{background:#f6f6f6;padding:.5rem;overflow:auto}
ul.schema{margin:.2rem 0 .2rem 1rem;padding-left:.6rem;border-left:1px solid #ddd;list-style:none}
.req{color:#b3261e}
"""


def render_page(document: dict[str, Any], template: Template, *, base_url: str) -> str:
    """The documentation page of ``document``; ``template`` says which function serves each operation."""
    owner = {(route.method.lower(), route.path): route.function for route in template.routes}
    schemas = (document.get("components") or {}).get("schemas") or {}
    by_function: dict[str, list[str]] = defaultdict(list)
    for path, operations in (document.get("paths") or {}).items():
        for method, operation in operations.items():
            function = owner.get((method, path), "other")
            by_function[function].append(_operation(method.upper(), base_url + path, path, operation, schemas))
    info = document.get("info") or {}
    sections = "".join(
        f"<h2>{html.escape(function)}</h2>{''.join(items)}" for function, items in sorted(by_function.items())
    )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(info.get('title', 'API'))}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(info.get('title', 'API'))} <small>{html.escape(str(info.get('version', '')))}</small>"
        f"</h1><p>{html.escape(info.get('description', ''))}</p>"
        "<p>Local stack only. The machine-readable document is at <a href=/openapi.json>/openapi.json</a>.</p>"
        f"{sections}</body></html>"
    )


def _operation(method: str, url: str, path: str, operation: dict[str, Any], schemas: dict[str, Any]) -> str:
    secured = bool(operation.get("security"))
    lock = " <span class=lock>API key</span>" if secured else ""
    parts = [
        f"<details><summary><span class='m {method}'>{method}</span>{html.escape(path)} "
        f"&mdash; {html.escape(operation.get('summary', ''))}{lock}</summary>",
        f"<p>{html.escape(operation.get('description', ''))}</p>",
    ]
    if operation.get("parameters"):
        rows = "".join(
            f"<tr><td><code>{html.escape(p['name'])}</code>{_REQUIRED if p.get('required') else ''}</td>"
            f"<td>{html.escape(p.get('in', ''))}</td><td>{_type(p.get('schema') or {}, schemas)}</td>"
            f"<td>{html.escape(p.get('description', ''))}</td></tr>"
            for p in operation["parameters"]
        )
        parts.append(f"<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th></th></tr>{rows}"
                     "</table>")
    body = ((operation.get("requestBody") or {}).get("content") or {})
    for content_type, media in body.items():
        parts.append(f"<h4>Request body <code>{html.escape(content_type)}</code></h4>"
                     f"{_schema(media.get('schema') or {}, schemas, 0, set())}")
    responses = operation.get("responses") or {}
    if responses:
        parts.append("<h4>Responses</h4><table>")
        for status, response in sorted(responses.items()):
            content = response.get("content") or {}
            schema = next(iter(content.values()), {}).get("schema") if content else None
            shape = _schema(schema, schemas, 0, set()) if schema else ""
            parts.append(f"<tr><td><b>{html.escape(status)}</b></td>"
                         f"<td>{html.escape(response.get('description', ''))}{shape}</td></tr>")
        parts.append("</table>")
    key = ' -H "X-API-Key: $ARBVAULT_KEY"' if secured else ""
    data = ' -H "Content-Type: application/json" -d @body.json' if "application/json" in body else ""
    curl = f"curl -s{key}{data} -X {method} '{url}'"
    parts.append(f"<pre>{html.escape(curl)}</pre></details>")
    return "".join(parts)


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF):
        name = ref[len(_REF):]
        return name, schemas.get(name) or {}
    return None, schema


def _type(schema: dict[str, Any], schemas: dict[str, Any]) -> str:
    """A one-line type: ``string (uuid)``, ``array of Item``, ``integer | null``."""
    name, resolved = _resolve(schema, schemas)
    if name:
        return html.escape(name)
    for key in ("anyOf", "oneOf"):
        if key in resolved:
            return " | ".join(_type(option, schemas) for option in resolved[key])
    kind = resolved.get("type", "any")
    if kind == "array":
        return f"array of {_type(resolved.get('items') or {}, schemas)}"
    detail = resolved.get("format") or (f"one of {json.dumps(resolved['enum'])}" if "enum" in resolved else "")
    return html.escape(f"{kind} ({detail})" if detail else str(kind))


def _schema(schema: dict[str, Any], schemas: dict[str, Any], depth: int, seen: set[str]) -> str:
    """Fields of an object schema as a nested list (named schemas expanded once per branch)."""
    name, resolved = _resolve(schema, schemas)
    if resolved.get("type") == "array":
        return _schema(resolved.get("items") or {}, schemas, depth, seen)
    properties = resolved.get("properties") or {}
    if not properties or depth >= _MAX_DEPTH or (name and name in seen):
        return f" <code>{_type(schema, schemas)}</code>"
    required = set(resolved.get("required") or [])
    items = []
    for field, field_schema in properties.items():
        mark = _REQUIRED if field in required else ""
        description = html.escape(field_schema.get("description", ""))
        nested = _schema(field_schema, schemas, depth + 1, seen | {name} if name else seen)
        items.append(f"<li><code>{html.escape(field)}</code>{mark}: {nested} {description}</li>")
    title = f"<code>{html.escape(name)}</code>" if name else ""
    return f"{title}<ul class=schema>{''.join(items)}</ul>"
