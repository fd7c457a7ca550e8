"""template.yaml: cfn-lint clean, translated offline by aws-sam-translator, and structurally as the project needs.

The translation (the session fixture ``translated``) runs SAM's own transform with no AWS access.
"""

from __future__ import annotations

import tomllib
from typing import Any

from cfnlint.api import lint_file

from infra.paths import PROJECT_ROOT, TEMPLATE_PATH
from infra.template import load_document, project_template

HEALTH_PATHS = {"/api/v1/health", "/api/v1/health/live", "/api/v1/health/ready"}
SAM_FUNCTION = "AWS::Serverless::Function"
ANY_METHOD = "x-amazon-apigateway-any-method"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace", ANY_METHOD}


def resources_of(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == type_}


def api_operations(translated: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    (api,) = resources_of(translated, "AWS::ApiGatewayV2::Api").values()
    return [(method, path, operation) for path, item in api["Properties"]["Body"]["paths"].items()
            for method, operation in item.items() if method in HTTP_METHODS]


def test_cfn_lint_finds_nothing() -> None:
    matches = lint_file(TEMPLATE_PATH)
    assert matches == [], "\n".join(str(match) for match in matches)


def test_http_api_has_the_lambda_authorizer_as_default(translated: dict[str, Any]) -> None:
    source = load_document(TEMPLATE_PATH)
    (http_api,) = resources_of(source, "AWS::Serverless::HttpApi").values()
    default = http_api["Properties"]["Auth"]["DefaultAuthorizer"]
    (api,) = resources_of(translated, "AWS::ApiGatewayV2::Api").values()
    scheme = api["Properties"]["Body"]["components"]["securitySchemes"][default]
    authorizer = scheme["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "request"
    assert authorizer["authorizerPayloadFormatVersion"] == "2.0"
    assert "AuthorizerFunction" in str(authorizer["authorizerUri"])


def test_health_routes_are_public_and_every_other_route_authorised(translated: dict[str, Any]) -> None:
    source = load_document(TEMPLATE_PATH)
    (http_api,) = resources_of(source, "AWS::Serverless::HttpApi").values()
    default = http_api["Properties"]["Auth"]["DefaultAuthorizer"]
    operations = api_operations(translated)
    assert {path for _, path, _ in operations} >= HEALTH_PATHS
    for method, path, operation in operations:
        expected = [{"NONE": []}] if path in HEALTH_PATHS else [{default: []}]
        assert operation["security"] == expected, (method, path)


def test_api_routes_are_exactly_the_template_routes_with_no_proxy(translated: dict[str, Any]) -> None:
    operations = api_operations(translated)
    assert sorted((method.upper(), path) for method, path, _ in operations) == sorted(
        (route.method, route.path) for route in project_template().routes)
    assert all("+}" not in path and method != ANY_METHOD for method, path, _ in operations)


def test_every_function_is_python312_arm64_with_the_layer(translated: dict[str, Any]) -> None:
    functions = resources_of(translated, "AWS::Lambda::Function")
    (layer_id,) = resources_of(translated, "AWS::Lambda::LayerVersion")
    assert set(functions) == set(resources_of(load_document(TEMPLATE_PATH), SAM_FUNCTION))
    for name, function in functions.items():
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.12", name
        assert properties["Architectures"] == ["arm64"], name
        assert {"Ref": layer_id} in properties["Layers"], name
    layer = translated["Resources"][layer_id]["Properties"]
    assert layer["CompatibleRuntimes"] == ["python3.12"]
    assert layer["CompatibleArchitectures"] == ["arm64"]


def test_every_function_folder_has_app_py() -> None:
    for name, resource in resources_of(load_document(TEMPLATE_PATH), SAM_FUNCTION).items():
        code_uri = resource["Properties"]["CodeUri"]
        folder = (PROJECT_ROOT / code_uri).resolve()
        assert folder.parent == PROJECT_ROOT / "functions", (name, code_uri)
        handler_module = resource["Properties"].get("Handler", "app.handler").split(".")[0]
        assert (folder / f"{handler_module}.py").is_file(), (name, code_uri)
        assert handler_module == "app", name


def test_every_http_api_event_names_the_http_api() -> None:
    document = load_document(TEMPLATE_PATH)
    events = [(name, event_name, event) for name, resource in resources_of(document, SAM_FUNCTION).items()
              for event_name, event in (resource["Properties"].get("Events") or {}).items()]
    http_events = [(name, event_name, event) for name, event_name, event in events if event["Type"] == "HttpApi"]
    assert http_events, "the template declares no HttpApi event"
    for name, event_name, event in http_events:
        assert event["Properties"].get("ApiId") == {"Ref": "HttpApi"}, (name, event_name)
        assert event["Properties"].get("Method") and event["Properties"].get("Path"), (name, event_name)


def test_layer_builds_from_shared_requirements() -> None:
    (layer,) = resources_of(load_document(TEMPLATE_PATH), "AWS::Serverless::LayerVersion").values()
    content = PROJECT_ROOT / layer["Properties"]["ContentUri"]
    assert (content / "requirements.txt").is_file()
    assert (content / "arbvault" / "__init__.py").is_file()
    assert layer["Metadata"] == {"BuildMethod": "python3.12", "BuildArchitecture": "arm64"}


def test_samconfig_deploys_every_stage_of_the_template_to_its_own_stack() -> None:
    config = tomllib.loads((PROJECT_ROOT / "samconfig.toml").read_text())
    deploys = {env: sections["deploy"]["parameters"] for env, sections in config.items()
               if isinstance(sections, dict) and "deploy" in sections}
    stages = {env: deploy["parameter_overrides"].removeprefix("Stage=") for env, deploy in deploys.items()}
    for env, deploy in deploys.items():
        assert deploy["stack_name"] == f"arbvault-{stages[env]}", env
    assert set(stages.values()) == set(load_document(TEMPLATE_PATH)["Parameters"]["Stage"]["AllowedValues"])


def test_http_api_cors_comes_from_the_origins_parameter_without_credentials(translated: dict[str, Any]) -> None:
    # GIVEN the template's origins parameter
    document = load_document(TEMPLATE_PATH)
    default = document["Parameters"]["CorsAllowedOrigins"]["Default"]
    assert "*" not in default.split(",")
    # THEN SAM writes the API's CORS from it: on while origins are given, the list split at deploy time, with
    # every other setting kept and credentials never allowed
    (api,) = resources_of(translated, "AWS::ApiGatewayV2::Api").values()
    condition, cors, otherwise = api["Properties"]["Body"]["x-amazon-apigateway-cors"]["Fn::If"]
    assert otherwise == {"Ref": "AWS::NoValue"}
    assert translated["Conditions"][condition] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "CorsAllowedOrigins"}, ""]}]}
    assert cors["allowOrigins"] in ({"Fn::Split": [",", {"Ref": "CorsAllowedOrigins"}]}, {"Fn::Split": [",", default]})
    assert cors["allowCredentials"] is False
    assert {"x-api-key", "authorization", "content-type", "idempotency-key", "if-match"} <= set(cors["allowHeaders"])
    assert set(cors["allowMethods"]) == {"GET", "POST", "PUT", "PATCH", "DELETE"}
    assert {"location", "retry-after", "etag"} <= set(cors["exposeHeaders"])
    assert cors["maxAge"] == 600


def test_snapstart_parameter_applies_to_every_function_invoked_through_its_alias(translated: dict[str, Any]) -> None:
    # GIVEN the SnapStart parameter, off by default
    source = load_document(TEMPLATE_PATH)
    parameter = source["Parameters"]["SnapStart"]
    assert parameter["Default"] == "None"
    assert set(parameter["AllowedValues"]) == {"None", "PublishedVersions"}
    functions = resources_of(translated, "AWS::Lambda::Function")
    aliases = resources_of(translated, "AWS::Lambda::Alias")
    assert set(functions) == set(resources_of(source, SAM_FUNCTION))
    # THEN every function takes it, and has an alias on its published version (a snapshot belongs to a version)
    for name, function in functions.items():
        assert function["Properties"]["SnapStart"] == {"ApplyOn": {"Ref": "SnapStart"}}, name
    assert {alias["Properties"]["FunctionName"]["Ref"] for alias in aliases.values()} == set(functions)
    # AND every event reaches the alias: queues, schedules, the API's integrations and its authorizer
    for name, mapping in resources_of(translated, "AWS::Lambda::EventSourceMapping").items():
        assert mapping["Properties"]["FunctionName"]["Ref"].endswith("Aliaslive"), name
    for name, rule in resources_of(translated, "AWS::Events::Rule").items():
        assert all(target["Arn"]["Ref"].endswith("Aliaslive") for target in rule["Properties"]["Targets"]), name
    for method, path, operation in api_operations(translated):
        assert "Aliaslive" in str(operation["x-amazon-apigateway-integration"]["uri"]), (method, path)
    (api,) = resources_of(translated, "AWS::ApiGatewayV2::Api").values()
    (scheme,) = api["Properties"]["Body"]["components"]["securitySchemes"].values()
    assert "AuthorizerFunctionAliaslive" in str(scheme["x-amazon-apigateway-authorizer"]["authorizerUri"])
