"""End-to-end fixtures: `arbvault local` as a real subprocess, on a free port, against the run's database.

Two stacks: one on the project itself, and one on a temporary copy of the project with three extra functions
from ``handlers/`` (a probe, one that fails in every way, one that times out), so that failures and hot reload
are exercised without touching the real tree. Every stack is stopped in ``finally``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from local_process import LocalStackProcess

from infra.paths import PROJECT_ROOT
from infra.template import load_document

HANDLERS = Path(__file__).resolve().parent / "handlers"


@pytest.fixture(scope="module")
def project_stack(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    """`arbvault local` on the project's own template."""
    with LocalStackProcess(tmp_path_factory.mktemp("project-stack"), database_url) as stack:
        yield stack


def _auth(auth: bool | str) -> dict[str, Any]:
    """An event's Auth: the API's default authorizer (True), none (False), or the one named."""
    if auth is True:
        return {}
    return {"Auth": {"Authorizer": auth or "NONE"}}


def _fixture_resources() -> dict[str, Any]:
    def function(name: str, routes: dict[str, tuple[str, str, bool | str]], **props: Any) -> dict[str, Any]:
        events = {
            event: {"Type": "HttpApi", "Properties": {
                "ApiId": {"Ref": "HttpApi"}, "Method": method, "Path": path, **_auth(auth),
            }}
            for event, (method, path, auth) in routes.items()
        }
        return {"Type": "AWS::Serverless::Function", "Properties": {
            "CodeUri": f"functions/{name}/", "Handler": "app.handler", "Events": events,
            "Environment": {"Variables": {"POWERTOOLS_SERVICE_NAME": name}}, **props,
        }}

    return {
        "ProbeFunction": function("probe", {
            "Item": ("GET", "/probe/{item}", False),
            "Special": ("GET", "/probe/special", False),
            "Files": ("GET", "/probe/files/{path+}", False),
            "Echo": ("POST", "/probe/echo", False),
            "Secure": ("GET", "/probe/secure/whoami", True),
            "HeaderGuarded": ("GET", "/probe/secure/header", "HeaderAuthorizer"),
        }),
        "BoomFunction": function("boom", {
            "Raise": ("GET", "/boom/raise", False),
            "Exit": ("GET", "/boom/exit", False),
            "Malformed": ("GET", "/boom/malformed", False),
            "Fine": ("GET", "/boom/fine", False),
        }),
        "SleepyFunction": function("sleepy", {"Sleep": ("GET", "/sleepy", False)}, Timeout=1),
    }


@pytest.fixture(scope="module")
def fixture_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project (template, functions, layer) plus the probe, boom and sleepy functions."""
    root = tmp_path_factory.mktemp("project-copy")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(PROJECT_ROOT / "functions", root / "functions", ignore=ignore)
    shutil.copytree(PROJECT_ROOT / "shared", root / "shared", ignore=ignore)
    for handler in HANDLERS.iterdir():
        if handler.is_dir() and not handler.name.startswith("__"):
            shutil.copytree(handler, root / "functions" / handler.name, ignore=ignore)
    document = load_document(PROJECT_ROOT / "template.yaml")
    document["Resources"].update(_fixture_resources())
    # A second authorizer on the same function, with an identity source: requests without it never reach it.
    document["Resources"]["HttpApi"]["Properties"]["Auth"]["Authorizers"]["HeaderAuthorizer"] = {
        "FunctionArn": {"Fn::GetAtt": ["AuthorizerFunction", "Arn"]},
        "AuthorizerPayloadFormatVersion": "2.0", "EnableSimpleResponses": True,
        "Identity": {"Headers": ["X-API-Key"], "ReauthorizeEvery": 0},
    }
    (root / "template.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return root


@pytest.fixture(scope="module")
def fixture_stack(database_url: str, fixture_project: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    """`arbvault local` on the copy, with an --env setting and a shell variable functions must not see."""
    with LocalStackProcess(tmp_path_factory.mktemp("fixture-stack"), database_url,
                           template=fixture_project / "template.yaml", extra_args=("--env", "PROBE_SETTING=on"),
                           env={"ARBVAULT_E2E_LEAK": "visible"}) as stack:
        yield stack
