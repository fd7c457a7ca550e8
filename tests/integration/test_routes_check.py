"""`arbvault routes --check`: the real template is in sync, and each kind of drift is caught on a mutated copy.

Each copy is template.yaml with CodeUri made absolute (so the real functions still load from tmp_path), changed
in one way; a test compares the drifts of the copy with those of the unchanged copy, so the change and only the
change must show.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.cli import main
from infra.paths import PROJECT_ROOT, TEMPLATE_PATH
from infra.routes_check import (
    ANY_METHOD,
    DUPLICATE,
    GREEDY_PATH,
    NO_APP,
    NOT_IN_CODE,
    NOT_IN_TEMPLATE,
    PARAM_NAMES,
    check_routes,
    route_shape,
)
from infra.template import load_document, parse_template, project_template

Document = dict[str, Any]
DriftKey = tuple[str, str, str, str]


def write_template(tmp_path: Path, mutate: Callable[[Document], None] = lambda document: None) -> Path:
    """A copy of template.yaml in ``tmp_path`` with absolute CodeUris, changed by ``mutate``."""
    document = load_document(TEMPLATE_PATH)
    for resource in document["Resources"].values():
        properties = resource.get("Properties") or {}
        if resource["Type"] == "AWS::Serverless::Function":
            properties["CodeUri"] = str((PROJECT_ROOT / properties["CodeUri"]).resolve())
    mutate(document)
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def write_function(tmp_path: Path, name: str, routes: str) -> Path:
    """A function folder whose app.py holds ``routes`` (decorated on ``router``) and nothing else."""
    folder = tmp_path / name
    folder.mkdir()
    source = "from fastapi import APIRouter\nfrom arbvault.web.app import create_app\n\nrouter = APIRouter()\n\n"
    source += textwrap.dedent(routes) + f"\n\napp = create_app(router, title={name!r})\n"
    (folder / "app.py").write_text(source)
    return folder


def http_event(method: str, path: str) -> dict[str, Any]:
    return {"Type": "HttpApi", "Properties": {"ApiId": {"Ref": "HttpApi"}, "Method": method, "Path": path}}


def add_function(document: Document, logical_id: str, code_dir: Path, events: dict[str, tuple[str, str]]) -> None:
    document["Resources"][logical_id] = {
        "Type": "AWS::Serverless::Function",
        "Properties": {"CodeUri": str(code_dir), "Handler": "app.handler",
                       "Events": {name: http_event(*route) for name, route in events.items()}},
    }


def health_events(document: Document) -> dict[str, Any]:
    return document["Resources"]["HealthFunction"]["Properties"]["Events"]


def keys(template_path: Path) -> set[DriftKey]:
    return {(d.kind, d.function, d.method, d.path) for d in check_routes(parse_template(template_path))}


def new_drifts(tmp_path: Path, mutate: Callable[[Document], None]) -> set[DriftKey]:
    """The drifts ``mutate`` adds to an unchanged copy of the template (copies in baseline/ and changed/)."""
    baseline, changed = tmp_path / "baseline", tmp_path / "changed"
    baseline.mkdir()
    changed.mkdir()
    return keys(write_template(changed, mutate)) - keys(write_template(baseline))


def test_project_template_is_in_sync_with_the_functions() -> None:
    drifts = check_routes(project_template())
    assert drifts == [], "\n".join(map(str, drifts))


def test_unchanged_copy_reports_what_the_template_reports(tmp_path: Path) -> None:
    assert keys(write_template(tmp_path)) == keys(TEMPLATE_PATH)


def test_shape_ignores_parameter_names_but_not_literals() -> None:
    assert route_shape("/api/v1/api-keys/{key_id}") == route_shape("/api/v1/api-keys/{id}")
    assert route_shape("/api/v1/api-keys/{key_id}") == "/api/v1/api-keys/{}"
    assert route_shape("/api/v1/health/ready") != route_shape("/api/v1/health/{check}")
    assert route_shape("/files/{proxy+}") == "/files/{+}"


def test_template_route_without_fastapi_route(tmp_path: Path) -> None:
    def mutate(document: Document) -> None:
        health_events(document)["Metrics"] = http_event("GET", "/api/v1/health/metrics")

    assert new_drifts(tmp_path, mutate) == {(NOT_IN_CODE, "health", "GET", "/api/v1/health/metrics")}


def test_fastapi_route_missing_from_template(tmp_path: Path) -> None:
    def mutate(document: Document) -> None:
        del health_events(document)["HealthLive"]

    assert new_drifts(tmp_path, mutate) == {(NOT_IN_TEMPLATE, "health", "GET", "/api/v1/health/live")}


def test_route_owned_by_two_functions_whatever_its_parameter_names(tmp_path: Path) -> None:
    left = write_function(tmp_path, "left", """
        @router.get("/api/v1/twins/{twin_id}")
        def get(twin_id: str) -> None: ...
    """)
    right = write_function(tmp_path, "right", """
        @router.get("/api/v1/twins/{id}")
        def get(id: str) -> None: ...
    """)

    def mutate(document: Document) -> None:
        add_function(document, "LeftFunction", left, {"Get": ("GET", "/api/v1/twins/{twin_id}")})
        add_function(document, "RightFunction", right, {"Get": ("GET", "/api/v1/twins/{id}")})

    paths = "/api/v1/twins/{id} | /api/v1/twins/{twin_id}"
    # Claimed twice in the template and served twice in code: both are reported.
    assert new_drifts(tmp_path, mutate) == {(DUPLICATE, "left, right", "GET", paths)}
    drifts = [str(d) for d in check_routes(parse_template(tmp_path / "changed" / "template.yaml"))
              if d.kind == DUPLICATE]
    assert any("owned by 2 functions in template" in line for line in drifts)
    assert any("owned by 2 functions in code" in line for line in drifts)


def test_route_declared_twice_in_one_function(tmp_path: Path) -> None:
    def mutate(document: Document) -> None:
        health_events(document)["HealthAgain"] = http_event("GET", "/api/v1/health")

    assert new_drifts(tmp_path, mutate) == {(DUPLICATE, "health", "GET", "/api/v1/health")}


WIDGETS = """
    @router.delete("/api/v1/widgets/{widget_id}")
    def remove(widget_id: str) -> None: ...
"""


def test_parameter_name_mismatch_is_reported_as_such(tmp_path: Path) -> None:
    widgets = write_function(tmp_path, "widgets", WIDGETS)

    def mutate(document: Document) -> None:
        add_function(document, "WidgetsFunction", widgets, {"Remove": ("DELETE", "/api/v1/widgets/{id}")})

    assert new_drifts(tmp_path, mutate) == {(PARAM_NAMES, "widgets", "DELETE", "/api/v1/widgets/{id}")}


def test_matching_function_of_its_own_adds_no_drift(tmp_path: Path) -> None:
    widgets = write_function(tmp_path, "widgets", WIDGETS)

    def mutate(document: Document) -> None:
        add_function(document, "WidgetsFunction", widgets, {"Remove": ("DELETE", "/api/v1/widgets/{widget_id}")})

    assert new_drifts(tmp_path, mutate) == set()


@pytest.mark.parametrize(("method", "path", "kind"), [
    ("GET", "/api/v1/health/{proxy+}", GREEDY_PATH),
    ("ANY", "/api/v1/health", ANY_METHOD),
])
def test_template_must_declare_each_route_explicitly(tmp_path: Path, method: str, path: str, kind: str) -> None:
    def mutate(document: Document) -> None:
        health_events(document)["Catchall"] = http_event(method, path)

    assert new_drifts(tmp_path, mutate) == {(kind, "health", method, path)}


def test_event_without_method_is_any(tmp_path: Path) -> None:
    def mutate(document: Document) -> None:
        del health_events(document)["HealthLive"]["Properties"]["Method"]

    # The route is gone from the template (ANY is not a route of its own), so code's GET is undeclared too.
    assert new_drifts(tmp_path, mutate) == {
        (ANY_METHOD, "health", "ANY", "/api/v1/health/live"),
        (NOT_IN_TEMPLATE, "health", "GET", "/api/v1/health/live"),
    }


def test_greedy_routes_in_code_are_drift(tmp_path: Path) -> None:
    files = write_function(tmp_path, "files", '''
        from starlette.staticfiles import StaticFiles

        @router.get("/api/v1/files/{rest:path}")
        def read(rest: str) -> None: ...

        router.mount("/api/v1/static", StaticFiles(directory="."))
    ''')

    def mutate(document: Document) -> None:
        add_function(document, "FilesFunction", files, {"Read": ("GET", "/api/v1/files/{rest}")})

    assert new_drifts(tmp_path, mutate) == {
        (GREEDY_PATH, "files", "GET", "/api/v1/files/{rest}"),
        (NOT_IN_CODE, "files", "GET", "/api/v1/files/{rest}"),
        (GREEDY_PATH, "files", "ANY", "/api/v1/static/{path}"),
        (ANY_METHOD, "files", "ANY", "/api/v1/static/{path}"),
    }


def test_function_without_app_is_drift(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    def mutate(document: Document) -> None:
        add_function(document, "EmptyFunction", empty, {"Get": ("GET", "/api/v1/empty")})

    assert new_drifts(tmp_path, mutate) == {(NO_APP, "empty", "-", "-")}


def test_routes_lists_every_template_route_with_its_auth(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["METHOD", "PATH", "FUNCTION", "AUTH"]
    listed = {(method, path): (function, auth) for method, path, function, auth in rows[1:]}
    expected = {(r.method, r.path): (r.function, "key" if r.auth else "none") for r in project_template().routes}
    assert listed == expected
    assert listed[("GET", "/api/v1/health")] == ("health", "none")


def test_check_passes_on_the_project_template(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "--check"]) == 0
    template = project_template()
    functions = {route.function for route in template.routes}
    expected = f"routes in sync: {len(template.routes)} routes, {len(functions)} functions"
    assert capsys.readouterr().out.strip() == expected


def test_check_command_exits_1_listing_each_drift(tmp_path: Path) -> None:
    def mutate(document: Document) -> None:
        del health_events(document)["HealthLive"]
        health_events(document)["Metrics"] = http_event("GET", "/api/v1/health/metrics")

    template = write_template(tmp_path, mutate)
    arbvault = Path(sys.executable).with_name("arbvault")
    result = subprocess.run([str(arbvault), "routes", "--check", "--template", str(template)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "not-in-code: health GET /api/v1/health/metrics: event Metrics has no FastAPI route" in lines
    assert "not-in-template: health GET /api/v1/health/live: FastAPI route has no HttpApi event" in lines
    assert lines[-1].endswith("drift(s) between template.yaml and the functions' FastAPI apps")
