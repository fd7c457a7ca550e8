"""Calling the autosourcing function (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

from typing import Any

from support import SOURCER, call

AUTOSOURCING = "/api/v1/autosourcing"
SEEDED_PROFILES = ("Textbooks Conservateur", "Electronics Opportunity", "Niche Explorer")

# Candidates the offline Keepa's finder answers for, scored so that every product with a price is picked.
DISCOVERY = {"category_id": 283155, "bsr_max": 2_000_000, "max_results": 40}
OPEN_SCORING = {"roi_min": -1000, "velocity_min": 0, "stability_min": 0, "confidence_min": 0,
                "rating_required": "PASS", "max_results": 100}


def request(method: str, path: str, *, route: str | None = None, identity: dict[str, str] = SOURCER,
            **options: Any) -> tuple[int, dict[str, str], Any]:
    parameters = options.pop("path_parameters", None)
    return call("autosourcing", method, f"{AUTOSOURCING}{path}", route=f"{AUTOSOURCING}{route or path}",
                path_parameters=parameters, identity=identity, **options)


def start_run(body: dict[str, Any], identity: dict[str, str] = SOURCER) -> tuple[int, dict[str, str], Any]:
    return request("POST", "/runs", json_body=body, identity=identity)


def get_run(run_id: str, identity: dict[str, str] = SOURCER, suffix: str = "") -> tuple[int, Any]:
    status, _, body = request("GET", f"/runs/{run_id}{suffix}", route=f"/runs/{{run_id}}{suffix}",
                              path_parameters={"run_id": run_id}, identity=identity)
    return status, body
