"""Saved niches end to end through `arbvault local`: two real sourcer keys through the authorizer, each seeing only
its own niches; a re-run queued by the bookmarks function as a ``niche`` job, sent by the outbox to the local
queue, analysed by batch_worker, and followed through the batches routes."""

from __future__ import annotations

import uuid

import pytest
from local_process import LocalStackProcess, finished_job

pytestmark = pytest.mark.e2e

NICHES = "/api/v1/bookmarks/niches"
FILTERS = {"analyze": {"category_ids": [3839], "criteria": {"bsr_min": 1_000, "bsr_max": 100_000,
                                                           "sample_size": 5}}}


def _sourcer_key(stack: LocalStackProcess) -> dict[str, str]:
    created = stack.request("POST", "/api/v1/api-keys", json={"name": f"bookmarks-{uuid.uuid4()}", "role": "sourcer"},
                            headers={"X-API-Key": stack.dev_key})
    assert created.status_code == 201, created.text
    return {"X-API-Key": created.json()["key"]}


def test_a_saved_niche_is_its_keys_own_and_reruns_as_a_niche_job(project_stack: LocalStackProcess) -> None:
    alice, bob = _sourcer_key(project_stack), _sourcer_key(project_stack)
    body = {"niche_name": "Programming books", "category_id": 3839, "filters": FILTERS, "last_score": 6.8}

    saved = project_stack.request("POST", NICHES, json=body, headers=alice)

    assert saved.status_code == 201, saved.text
    location = saved.headers["location"]
    assert project_stack.request("GET", location, headers=bob).status_code == 404
    assert project_stack.request("POST", f"{location}/run", headers=bob).status_code == 404
    assert project_stack.request("POST", NICHES, json=body, headers=bob).status_code == 201  # a name per key
    assert project_stack.request("POST", NICHES, json=body, headers=alice).status_code == 409
    assert [n["id"] for n in project_stack.request("GET", NICHES, headers=alice).json()["items"]] == [
        saved.json()["id"]]

    queued = project_stack.request("POST", f"{location}/run", headers=alice)

    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert queued.headers["location"] == job["status_url"] and job["kind"] == "niche" and job["items_total"] > 0
    job = finished_job(project_stack, job, alice)
    assert job["status"] == "SUCCESS", (job, project_stack.stdout[-4000:])
    assert job["progress"]["succeeded"] + job["progress"]["not_found"] == job["items_total"]
    assert project_stack.request("GET", location, headers=alice).json()["last_run"]["job_id"] == job["id"]
    assert project_stack.request("GET", job["status_url"], headers=bob).status_code == 404
