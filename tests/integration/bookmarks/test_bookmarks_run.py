"""POST /api/v1/bookmarks/niches/{niche_id}/run: the saved filters' candidates found with the offline Keepa's
finder and analysed as a ``niche`` job by the worker; the token guard first; nothing queued for no candidates."""

from __future__ import annotations

import uuid
from typing import Any

from bookmarks_support import bookmarks, save

from arbvault.niches.discover import template_filters
from arbvault.niches.schemas import CriteriaIn
from arbvault.niches.templates import TEMPLATES
from db_testing import execute, rows, scalar
from infra.keepa_offline.finder import find
from jobs_testing import JobQueues, run_worker
from keepa_testing import MakeKeepa, RecordingKeepa, paid, product_requests
from support import ADMIN, SOURCER, call

CATEGORY = 3839
CRITERIA = {"bsr_min": 1_000, "bsr_max": 100_000, "sample_size": 5}


def _follow(url: str) -> dict[str, Any]:
    status, _, body = call("batches", "GET", url, route="/api/v1/batches/{batch_id}",
                           path_parameters={"batch_id": url.rsplit("/", 1)[1]}, identity=SOURCER)
    assert status == 200, body
    return body


def _window(keepa: RecordingKeepa, selection: dict[str, Any], size: int) -> list[str]:
    return find(keepa.catalogue.pool(), selection)[0][:size]


def test_analyze_filters_rerun_as_a_niche_job_the_worker_finishes(queues: JobQueues, keepa: RecordingKeepa) -> None:
    saved = save(filters={"analyze": {"category_ids": [CATEGORY], "criteria": CRITERIA}})
    criteria = CriteriaIn.model_validate(CRITERIA).criteria()
    expected = _window(keepa, criteria.filters(CATEGORY, 1).selection(), criteria.sample_size * 2)

    status, headers, job = bookmarks("POST", saved["id"], "/run", headers={"idempotency-key": "rerun-1"})

    assert status == 202, job
    assert headers["location"] == job["status_url"] == f"/api/v1/batches/{job['id']}"
    assert (job["kind"], job["status"], job["owner_key_id"]) == ("niche", "PENDING", SOURCER["key_id"])
    assert job["items_total"] == len(expected) > 0 and job["params"]["offers"] == 20
    assert [r.endpoint for r in paid(keepa)] == ["query"]  # candidates only: no product looked up in the request
    status, _, read = bookmarks("GET", saved["id"])
    assert read["last_run"]["job_id"] == job["id"] and read["last_run"]["status_url"] == job["status_url"]
    again = bookmarks("POST", saved["id"], "/run", headers={"idempotency-key": "rerun-1"})
    assert again[0] == 202 and again[2]["id"] == job["id"]
    assert scalar("SELECT count(*) FROM jobs") == 1

    run_worker(queues)

    finished = _follow(job["status_url"])
    assert finished["status"] == "SUCCESS", finished
    assert finished["progress"]["succeeded"] + finished["progress"]["not_found"] == len(expected)
    assert {r.params.get("offers") for r in product_requests(keepa)} == {"20"}
    stored = rows("SELECT asin FROM analyses WHERE job_id = :id", id=uuid.UUID(job["id"]))
    assert {r["asin"] for r in stored} <= set(expected) and len(stored) == finished["progress"]["succeeded"]


def test_discover_filters_rerun_the_templates_candidates_as_one_job(queues: JobQueues,
                                                                    keepa: RecordingKeepa) -> None:
    saved = save("Two templates", filters={"discover": {"count": 2, "shuffle": False, "products_per_niche": 2}})
    expected = list(dict.fromkeys(a for t in TEMPLATES[:2]
                                  for a in _window(keepa, template_filters(t, 1).selection(), 4)))

    status, _, job = bookmarks("POST", saved["id"], "/run")

    assert status == 202, job
    assert job["items_total"] == len(expected) > 0
    assert job["name"] == f"niches: {TEMPLATES[0].id}, {TEMPLATES[1].id}"
    assert [r.endpoint for r in paid(keepa)] == ["query", "query"]
    run_worker(queues)
    assert _follow(job["status_url"])["status"] == "SUCCESS"


def test_an_admins_rerun_belongs_to_the_niches_owner_who_can_follow_it(keepa: RecordingKeepa) -> None:
    saved = save()

    status, _, job = bookmarks("POST", saved["id"], "/run", identity=ADMIN)

    assert status == 202, job
    assert job["owner_key_id"] == SOURCER["key_id"] != ADMIN["key_id"]
    assert bookmarks("GET", saved["id"])[2]["last_run"]["job_id"] == job["id"]
    assert _follow(job["status_url"])["id"] == job["id"]  # the owner opens the run their niche names


def test_a_short_balance_is_429_with_retry_after_before_any_spend(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=100, refill_rate=20)
    saved = save(filters={"analyze": {"category_ids": [CATEGORY], "criteria": {**CRITERIA, "sample_size": 20}}})

    status, headers, answer = bookmarks("POST", saved["id"], "/run")

    assert status == 429, answer
    assert answer["error"]["code"] == "keepa_tokens_insufficient"
    (details,) = answer["error"]["details"]
    # A finder page (12) and 40 candidates looked up with one page of live offers (6 each).
    assert (details["required"], details["balance"], details["deficit"]) == (12 + 40 * 6, 100, 152)
    assert 1 <= int(headers["retry-after"]) <= 3600
    assert paid(keepa) == [] and scalar("SELECT count(*) FROM jobs") == 0
    assert bookmarks("GET", saved["id"])[2]["last_run"] is None


def test_filters_that_find_nothing_queue_nothing(keepa: RecordingKeepa) -> None:
    saved = save(filters={"analyze": {"category_ids": [CATEGORY], "criteria": {"bsr_min": 1, "bsr_max": 2}}})

    status, _, answer = bookmarks("POST", saved["id"], "/run")

    assert status == 422, answer
    assert [(d["field"], d["code"]) for d in answer["error"]["details"]] == [("filters", "no_candidates")]
    assert scalar("SELECT count(*) FROM jobs") == 0
    assert bookmarks("GET", saved["id"])[2]["last_run"] is None


def test_an_unknown_niche_is_404_before_any_spend(keepa: RecordingKeepa) -> None:
    status, _, answer = bookmarks("POST", str(uuid.uuid4()), "/run")

    assert status == 404 and answer["error"]["code"] == "saved_niche_not_found", answer
    assert paid(keepa) == []


def test_filters_saved_under_older_limits_are_422_naming_the_field(keepa: RecordingKeepa) -> None:
    saved = save(filters={"discover": {"count": 5}})
    execute("UPDATE saved_niches SET filters = CAST(:filters AS jsonb)", filters='{"discover": {"count": 9}}')

    status, _, answer = bookmarks("POST", saved["id"], "/run")

    assert status == 422, answer
    assert [(d["field"], d["code"]) for d in answer["error"]["details"]] == [("filters.discover.count",
                                                                              "filters_outdated")]
    assert paid(keepa) == [] and scalar("SELECT count(*) FROM jobs") == 0
