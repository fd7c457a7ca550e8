"""`arbvault fuzz`'s passes: Schemathesis against a running stack, its figures read back from its report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from local_process import LocalStackProcess

from infra.fuzz import FuzzPass, run_pass

pytestmark = pytest.mark.e2e


def boom_document(*paths: str) -> dict[str, Any]:
    """An OpenAPI document promising a 200 from each of the boom function's ``paths``."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "boom", "version": "1"},
        "paths": {path: {"get": {"operationId": path.strip("/").replace("/", "_"),
                                 "responses": {"200": {"description": "fine"}}}} for path in paths},
    }


def fuzz_boom(stack: LocalStackProcess, folder: Path, *paths: str) -> Any:
    document = folder / "openapi.json"
    document.write_text(json.dumps(boom_document(*paths)))
    return run_pass(FuzzPass("boom", "admin"), stack.url, document, stack.dev_key, examples=2, seed=1,
                    reports=folder)


def test_a_clean_pass_reports_its_figures(fixture_stack: LocalStackProcess, tmp_path: Path) -> None:
    figures = fuzz_boom(fixture_stack, tmp_path, "/boom/fine")
    assert (figures.exit_code, figures.operations, figures.failures, figures.server_errors) == (0, 1, 0, 0)
    assert figures.test_cases >= 1
    assert (tmp_path / "boom.json").exists()


def test_a_server_error_fails_the_pass(fixture_stack: LocalStackProcess, tmp_path: Path) -> None:
    figures = fuzz_boom(fixture_stack, tmp_path, "/boom/fine", "/boom/raise")
    assert figures.exit_code == 1
    assert figures.operations == 2
    assert figures.server_errors >= 1
    assert figures.failures >= figures.server_errors
    assert any("GET /boom/raise" in group for group in figures.failure_groups)
    assert not any("/boom/fine" in group for group in figures.failure_groups)

