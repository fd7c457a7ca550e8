"""`arbvault openapi`: one OpenAPI 3.1 document for the template's routes; functions serve no docs themselves."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from jsonschema import validate as validate_json
from openapi_spec_validator import validate

from infra.cli import main
from infra.function_loader import load_app
from infra.openapi import API_KEY_SECURITY, build_openapi, merge_schemas
from infra.routes_check import app_routes
from infra.template import Template, parse_template, project_template
from support import call

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_openapi(project_template())


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS]


def http_functions(template: Template) -> list[str]:
    return sorted({route.function for route in template.routes})


def test_document_is_valid_openapi_31(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any structural error, dangling $ref included


def test_every_template_route_appears_once_with_its_path(document: dict[str, Any]) -> None:
    documented = Counter((method, path) for method, path, _ in operations(document))
    declared = Counter((route.method, route.path) for route in project_template().routes)
    assert documented == declared
    assert set(documented.values()) == {1}


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids)) == len(project_template().routes)


def test_security_follows_the_template(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["ApiKeyBearer"] == {"type": "http", "scheme": "bearer",
                                       "description": schemes["ApiKeyBearer"]["description"]}
    assert (schemes["ApiKeyHeader"]["type"], schemes["ApiKeyHeader"]["in"], schemes["ApiKeyHeader"]["name"]) == (
        "apiKey", "header", "X-API-Key")
    auth = {(route.method, route.path): route.auth for route in project_template().routes}
    for method, path, operation in operations(document):
        if auth[(method, path)]:
            assert operation["security"] == API_KEY_SECURITY, (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
        else:
            assert operation["security"] == [], (method, path)
    assert document["paths"]["/api/v1/health"]["get"]["security"] == []
    assert any(auth.values()), "the template declares no authorised route"


def test_an_error_body_matches_the_documented_envelope(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    status, _, body = call("analyses", "GET", "/api/v1/analyses/not-a-uuid", route="/api/v1/analyses/{analysis_id}",
                           path_parameters={"analysis_id": "not-a-uuid"})
    assert status == 422
    # The envelope's $refs point into the document, so validate against it as the root.
    validate_json(body, {**schemas["ErrorEnvelope"], "components": {"schemas": schemas}})


def test_command_writes_the_document(tmp_path: Path, document: dict[str, Any]) -> None:
    output = tmp_path / "openapi.json"
    assert main(["openapi", "--output", str(output)]) == 0
    assert json.loads(output.read_text()) == document


def test_command_refuses_when_code_and_template_drift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = project_template().path.read_text()
    root = project_template().path.parent
    drifted = tmp_path / "template.yaml"
    drifted.write_text(source.replace("CodeUri: functions/", f"CodeUri: {root}/functions/")
                       .replace("Path: /api/v1/health/live", "Path: /api/v1/health/alive"))
    output = tmp_path / "openapi.json"
    assert main(["openapi", "--template", str(drifted), "--output", str(output)]) == 1
    assert "not-in-code: health GET /api/v1/health/alive" in capsys.readouterr().err
    assert not output.exists()


@pytest.mark.parametrize("function", http_functions(project_template()))
def test_no_function_serves_docs(function: str) -> None:
    spec = project_template().function(function)
    served = {route.path for route in app_routes(load_app(spec.name, spec.code_dir), function)}
    assert served.isdisjoint(DOCS_PATHS)
    for path in DOCS_PATHS:
        status, _, body = call(function, "GET", path, identity=None)
        assert status == 404, (path, body)
        assert body["error"]["code"] == "not_found"


def test_conflicting_schemas_are_renamed_and_refs_follow() -> None:
    merged = {"Item": {"type": "object", "properties": {"asin": {"type": "string"}}},
              "Page": {"type": "object", "properties": {"items": {"$ref": "#/components/schemas/Item"}}}}
    incoming = {"Item": {"type": "object", "properties": {"isbn": {"type": "string"}}},
                "Page": {"type": "object", "properties": {"items": {"$ref": "#/components/schemas/Item"}}},
                "Error": {"type": "object"}}
    renames = merge_schemas(merged, incoming, "niches")
    # Page is textually identical but points at another Item, so it is renamed too.
    assert renames == {"Item": "Item_niches", "Page": "Page_niches"}
    assert merged["Item"]["properties"] == {"asin": {"type": "string"}}
    assert merged["Item_niches"]["properties"] == {"isbn": {"type": "string"}}
    assert merged["Page_niches"]["properties"]["items"] == {"$ref": "#/components/schemas/Item_niches"}
    assert merged["Page"]["properties"]["items"] == {"$ref": "#/components/schemas/Item"}
    assert merged["Error"] == {"type": "object"}


def test_identical_schemas_are_shared() -> None:
    error = {"type": "object", "properties": {"code": {"type": "string"}}}
    merged = {"Error": dict(error)}
    assert merge_schemas(merged, {"Error": dict(error)}, "config") == {}
    assert merged == {"Error": error}


def test_document_merges_functions_with_conflicting_models(tmp_path: Path) -> None:
    for name, field in (("stock", "asin"), ("books", "isbn")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "app.py").write_text(
            "from fastapi import APIRouter\nfrom pydantic import BaseModel\n"
            "from arbvault.web.app import create_app\n\n"
            f"class Item(BaseModel):\n    {field}: str\n\n"
            f"router = APIRouter()\n\n@router.get('/api/v1/{name}/{{item_id}}')\n"
            f"def get(item_id: str) -> Item:\n    return Item({field}=item_id)\n\n"
            f"app = create_app(router, title={name!r})\n")
    events = "".join(
        f"  {name.title()}Function:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        f"      CodeUri: {name}/\n      Handler: app.handler\n"
        "      Events:\n        Get:\n          Type: HttpApi\n"
        f"          Properties: {{ApiId: !Ref HttpApi, Method: GET, Path: '/api/v1/{name}/{{item_id}}'}}\n"
        for name in ("stock", "books"))
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        "  HttpApi:\n    Type: AWS::Serverless::HttpApi\n" + events)
    document = build_openapi(parse_template(tmp_path / "template.yaml"))
    validate(document)
    ref = "#/components/schemas/"
    books = document["paths"]["/api/v1/books/{item_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    stock = document["paths"]["/api/v1/stock/{item_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert books["schema"] == {"$ref": ref + "Item"}  # functions merge in name order: books first
    assert stock["schema"] == {"$ref": ref + "Item_stock"}
    schemas = document["components"]["schemas"]
    assert set(schemas["Item"]["properties"]) == {"isbn"}
    assert set(schemas["Item_stock"]["properties"]) == {"asin"}
