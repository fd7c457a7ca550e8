"""An AutoSourcing run end to end through `arbvault local`: the autosourcing function answers 202 without
calling Keepa, the outbox sends the discovery message to the local SQS queue, batch_worker discovers candidates
from the offline Keepa's finder, analyses them as chunks and stores the rated, tiered picks."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from local_process import LocalStackProcess

pytestmark = pytest.mark.e2e

RUN_TIMEOUT_SECONDS = 120.0
# 120 candidates looked up with live offers cost 12 + 120 * 6 tokens, above the default per-run limit.
JOB_TOKENS_MAX = "AUTOSOURCING_JOB_TOKENS_MAX=1000"
OPEN_SCORING = {"roi_min": -1000, "velocity_min": 0, "stability_min": 0, "confidence_min": 0,
                "rating_required": "PASS", "max_results": 100}


@pytest.fixture(scope="module")
def project_stack(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    """`arbvault local` on the project's own template, with room for a two-chunk run."""
    with LocalStackProcess(tmp_path_factory.mktemp("autosourcing-stack"), database_url,
                           extra_args=("--env", JOB_TOKENS_MAX)) as stack:
        yield stack


def test_a_run_goes_from_202_to_tiered_picks_through_the_local_stack(project_stack: LocalStackProcess) -> None:
    headers = {"X-API-Key": project_stack.dev_key}

    created = project_stack.request("POST", "/api/v1/autosourcing/runs", headers=headers, json={
        "discovery_config": {"category_id": 283155, "bsr_max": 2_000_000, "max_results": 120},
        "scoring_config": OPEN_SCORING})

    assert created.status_code == 202, created.text
    assert created.json()["kind"] == "autosourcing"
    location = created.headers["location"]
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while True:
        run = project_stack.request("GET", location, headers=headers).json()
        if run["status"] not in ("PENDING", "RUNNING"):
            break
        assert time.monotonic() < deadline, f"run still {run['status']} after {RUN_TIMEOUT_SECONDS} s: {run}"
        time.sleep(0.2)

    assert run["status"] == "SUCCESS", (run, project_stack.stdout[-4000:])
    assert run["candidates_found"] == 120 and run["progress"]["chunks_done"] == 2
    assert 0 < run["picks_total"] == len(run["picks"])
    assert all(pick["buy_price"] is not None for pick in run["picks"])  # bought at a live offer
    tiers = project_stack.request("GET", f"{location}/tiers", headers=headers).json()
    assert sum(len(picks) for picks in tiers["tiers"].values()) == run["picks_total"]
    assert all(pick["priority_tier"] == name for name, picks in tiers["tiers"].items() for pick in picks)
