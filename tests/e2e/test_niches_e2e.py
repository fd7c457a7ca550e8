"""Niche discovery end to end through `arbvault local`: the gateway and authorizer, the niches function, the
offline Keepa's finder, the outbox to the local queue, batch_worker, and the batches routes for the results;
and the token guard's 429 on a stack whose offline Keepa starts nearly empty."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from local_process import LocalStackProcess, finished_job

pytestmark = pytest.mark.e2e

JOB_BODY = {"count": 2, "shuffle": False, "products_per_niche": 50}
"""Two templates of 50 products (100 candidates each) analyse more than the default threshold of 100."""


@pytest.fixture(scope="module")
def short_stack(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    """`arbvault local` whose offline Keepa starts with 20 tokens."""
    with LocalStackProcess(tmp_path_factory.mktemp("short-stack"), database_url,
                           extra_args=("--keepa-tokens", "20")) as stack:
        yield stack


def test_a_niche_job_runs_to_success_and_its_analyses_read_through_batches(
        project_stack: LocalStackProcess) -> None:
    headers = {"X-API-Key": project_stack.dev_key}
    templates = project_stack.request("GET", "/api/v1/niches/templates", headers=headers)
    assert templates.status_code == 200 and templates.json()["count"] == 15
    # The run's database is shared with stacks whose offline Keepa held other balances: read this one's (free).
    tokens = project_stack.request("GET", "/api/v1/keepa/tokens", params={"refresh": "true"}, headers=headers)
    assert tokens.status_code == 200, tokens.text

    created = project_stack.request("POST", "/api/v1/niches/discover", json=JOB_BODY,
                                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())})

    assert created.status_code == 202, created.text
    job = created.json()
    assert created.headers["location"] == job["status_url"] and job["kind"] == "niche" and job["items_total"] > 0
    job = finished_job(project_stack, job, headers)
    assert job["status"] == "SUCCESS", (job, project_stack.stdout[-4000:])
    progress = job["progress"]
    assert progress["succeeded"] + progress["not_found"] == job["items_total"] and progress["failed"] == 0
    results = project_stack.request("GET", job["results_url"], params={"limit": 100}, headers=headers)
    assert results.status_code == 200, results.text
    assert len(results.json()["items"]) == min(100, progress["succeeded"])


def test_a_short_balance_is_429_with_retry_after_and_the_deficit(short_stack: LocalStackProcess) -> None:
    headers = {"X-API-Key": short_stack.dev_key}
    # The run's database may hold another stack's balance: record this Keepa's own (/token is free).
    tokens = short_stack.request("GET", "/api/v1/keepa/tokens", params={"refresh": "true"}, headers=headers)
    assert tokens.status_code == 200 and tokens.json()["tokens_left"] <= 20 + 20

    refused = short_stack.request("POST", "/api/v1/niches/discover", json={"count": 3, "shuffle": False},
                                  headers=headers)

    assert refused.status_code == 429, refused.text
    assert int(refused.headers["retry-after"]) >= 1
    details = refused.json()["error"]["details"][0]
    assert details["balance"] <= 40 < details["required"]
    assert details["deficit"] == details["required"] - details["balance"]
    estimate = short_stack.request("POST", "/api/v1/niches/discover/estimate", json={"count": 3, "shuffle": False},
                                   headers=headers).json()
    assert (estimate["sufficient"], estimate["tokens_required"]) == (False, details["required"])
