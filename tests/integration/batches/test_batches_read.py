"""Reading batch jobs through the handler: one with its progress, a page of them, a job's analyses; who may
see what (a key its own jobs, an admin every job); unknown and malformed ids."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from batches_support import BATCHES

from arbvault.identifiers import isbn13_to_isbn10
from db_testing import execute, rows, scalar
from infra.keepa_offline import OfflineKeepa
from jobs_testing import JobQueues, run_worker
from keepa_testing import book_asins, book_isbns
from support import ADMIN, SOURCER, call

JOB_ROUTE = f"{BATCHES}/{{batch_id}}"
RESULTS_ROUTE = f"{BATCHES}/{{batch_id}}/results"


def _create(identifiers: list[str], *, name: str = "list", identity: dict[str, str] = ADMIN,
            **options: Any) -> str:
    status, _, body = call("batches", "POST", BATCHES, json_body={"name": name, "identifiers": identifiers, **options},
                           identity=identity)
    assert status == 202, body
    return str(body["id"])


def _get(job_id: str, identity: dict[str, str] = ADMIN) -> tuple[int, Any]:
    status, _, body = call("batches", "GET", f"{BATCHES}/{job_id}", route=JOB_ROUTE,
                           path_parameters={"batch_id": job_id}, identity=identity)
    return status, body


def _results(job_id: str, query: str = "", identity: dict[str, str] = ADMIN) -> tuple[int, Any]:
    status, _, body = call("batches", "GET", f"{BATCHES}/{job_id}/results", route=RESULTS_ROUTE,
                           path_parameters={"batch_id": job_id}, query=query, identity=identity)
    return status, body


def _list(query: str = "", identity: dict[str, str] = ADMIN) -> tuple[int, Any]:
    status, _, body = call("batches", "GET", BATCHES, query=query, identity=identity)
    return status, body


def test_a_new_job_reads_pending_with_zero_progress(queues: JobQueues, keepa: OfflineKeepa) -> None:
    job_id = _create(book_isbns(150), name="fresh")

    status, body = _get(job_id)

    assert status == 200, body
    assert (body["id"], body["kind"], body["name"], body["status"]) == (job_id, "batch", "fresh", "PENDING")
    assert body["owner_key_id"] == ADMIN["key_id"]
    assert body["progress"] == {"total": 150, "processed": 0, "succeeded": 0, "not_found": 0, "failed": 0,
                                "percent": 0.0, "chunks_total": 2, "chunks_done": 0, "chunks_failed": 0}
    assert body["status_url"] == f"{BATCHES}/{job_id}" and body["results_url"] == f"{BATCHES}/{job_id}/results"
    assert body["started_at"] is None and body["finished_at"] is None and body["error_summary"] is None


def test_a_processed_job_reads_success_with_counts_and_its_analyses(queues: JobQueues, keepa: OfflineKeepa) -> None:
    known, unknown = book_isbns(230), book_isbns(20, known=False)
    # Without offers every product found costs exactly 1 token, so the job's spending is known up front.
    job_id = _create(known + unknown, offers=0)

    run_worker(queues)
    status, body = _get(job_id)

    assert status == 200, body
    assert body["status"] == "SUCCESS"
    progress = body["progress"]
    assert (progress["succeeded"], progress["not_found"], progress["failed"]) == (230, 20, 0)
    assert progress["processed"] == progress["total"] == 250 and progress["percent"] == 100.0
    # ISBN-13s are looked up by code=, which charges only the products found.
    assert body["tokens_used"] == 230 and body["duration_ms"] is not None and body["finished_at"] is not None
    # Its analyses, all of them, page after page, and none twice.
    seen: list[dict[str, Any]] = []
    query = "limit=100"
    while True:
        status, page = _results(job_id, query)
        assert status == 200, page
        seen += page["items"]
        if page["next_cursor"] is None:
            break
        query = f"limit=100&cursor={page['next_cursor']}"
    assert len(seen) == 230 == len({item["id"] for item in seen})
    assert {item["identifier"] for item in seen} == set(known)
    assert all(item["job_id"] == job_id for item in seen)


def test_results_take_the_analyses_filters_and_sort(queues: JobQueues, keepa: OfflineKeepa) -> None:
    job_id = _create(book_isbns(60), offers=20)  # offers: the prices the default strategies buy and sell at
    run_worker(queues)
    stored = rows("SELECT roi_pct, velocity_score FROM analyses WHERE job_id = :id", id=uuid.UUID(job_id))
    rois = sorted(float(r["roi_pct"]) for r in stored if r["roi_pct"] is not None)
    threshold = rois[len(rois) // 2]

    status, body = _results(job_id, f"roi_min={threshold}&sort_by=roi_pct&sort_order=asc&limit=500")

    assert status == 200, body
    got = [item["roi_pct"] for item in body["items"]]
    assert got == sorted(got) and got[0] >= threshold
    assert len(got) == sum(1 for r in rois if r >= threshold)


@pytest.mark.parametrize("query", ["roi_min=50&roi_max=10", "velocity_min=101", "sort_by=title",
                                   "cursor=not-a-cursor", "limit=0"])
def test_bad_results_queries_are_422(queues: JobQueues, keepa: OfflineKeepa, query: str) -> None:
    job_id = _create(book_isbns(1))

    status, body = _results(job_id, query)

    assert status == 422, body
    assert body["error"]["details"]


def test_results_of_another_owners_job_are_404(queues: JobQueues, keepa: OfflineKeepa) -> None:
    job_id = _create(book_isbns(5))
    run_worker(queues)

    status, body = _results(job_id, identity=SOURCER)

    assert status == 404, body
    assert _results(job_id)[0] == 200


@pytest.mark.parametrize("path_suffix", ["", "/results"])
def test_unknown_job_is_404_and_malformed_id_is_422(queues: JobQueues, path_suffix: str) -> None:
    route = JOB_ROUTE + path_suffix
    unknown = str(uuid.uuid4())

    status, _, body = call("batches", "GET", f"{BATCHES}/{unknown}{path_suffix}", route=route,
                           path_parameters={"batch_id": unknown})
    assert status == 404, body
    assert body["error"]["code"] == "job_not_found" and unknown in body["error"]["message"]

    status, _, body = call("batches", "GET", f"{BATCHES}/12345{path_suffix}", route=route,
                           path_parameters={"batch_id": "12345"})
    assert status == 422, body
    assert body["error"]["details"][0]["field"] == "path.batch_id"


def test_a_key_sees_its_own_jobs_and_an_admin_sees_every_job(queues: JobQueues, keepa: OfflineKeepa) -> None:
    admins = _create(book_isbns(1), name="admin's", identity=ADMIN)
    sourcers = _create(book_isbns(1, start=50), name="sourcer's", identity=SOURCER)

    assert _get(sourcers, SOURCER)[0] == 200
    status, body = _get(admins, SOURCER)
    assert status == 404, body  # another key's job is not revealed
    assert _get(sourcers, ADMIN)[0] == 200

    assert [item["id"] for item in _list(identity=SOURCER)[1]["items"]] == [sourcers]
    assert {item["id"] for item in _list(identity=ADMIN)[1]["items"]} == {admins, sourcers}


def test_list_is_newest_first_and_pages_by_cursor(queues: JobQueues, keepa: OfflineKeepa) -> None:
    created = [_create(book_isbns(1, start=i * 10), name=f"job {i}") for i in range(5)]

    seen: list[str] = []
    query = "limit=2"
    pages = 0
    while True:
        status, page = _list(query)
        assert status == 200, page
        pages += 1
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        query = f"limit=2&cursor={page['next_cursor']}"

    assert seen == list(reversed(created)) and pages == 3


def test_list_filters_by_status_in_any_case_and_by_kind(queues: JobQueues, keepa: OfflineKeepa) -> None:
    pending = _create(book_isbns(1), name="pending")
    done = _create(book_isbns(1, start=40), name="done")
    execute("UPDATE jobs SET status = 'SUCCESS' WHERE id = :id", id=uuid.UUID(done))

    for spelling in ("success", "Success", "SUCCESS"):
        status, body = _list(f"status={spelling}")
        assert status == 200, body
        assert [item["id"] for item in body["items"]] == [done]
    assert [item["id"] for item in _list("status=pending")[1]["items"]] == [pending]
    assert _list("kind=ingest")[1]["items"] == []
    assert len(_list("kind=batch")[1]["items"]) == 2


@pytest.mark.parametrize(("query", "field"), [("status=processing", "query.status"), ("kind=other", "query.kind"),
                                              ("cursor=%%%", "query.cursor"), ("limit=501", "query.limit")])
def test_bad_list_queries_are_422_naming_the_field(queues: JobQueues, query: str, field: str) -> None:
    status, body = _list(query)

    assert status == 422, body
    assert body["error"]["details"][0]["field"] == field


def test_a_job_with_failed_chunks_reads_error_with_the_reasons(queues: JobQueues, keepa: OfflineKeepa) -> None:
    job_id = _create(book_isbns(150))
    # GIVEN its second chunk failed for good (as the DLQ handler records it) and the first succeeded
    execute("""UPDATE job_chunks SET state = 'failed', last_error = 'Keepa kept failing'
               WHERE job_id = :id AND "index" = 1""", id=uuid.UUID(job_id))
    run_worker(queues)

    status, body = _get(job_id)

    assert status == 200, body
    assert body["status"] == "ERROR"
    assert (body["progress"]["succeeded"], body["progress"]["failed"]) == (100, 50)
    assert body["error_summary"]["failed_chunks"] == 1
    assert body["error_summary"]["reasons"] == [{"chunk": 1, "reason": "Keepa kept failing"}]
    assert scalar("SELECT count(*) FROM analyses WHERE job_id = :id", id=uuid.UUID(job_id)) == 100


def _all_unresolved(job_id: str, status: str, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    query = f"status={status}&limit={limit}"
    while True:
        code, page = _results(job_id, query)
        assert code == 200, page
        assert len(page["items"]) <= limit
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        query = f"status={status}&limit={limit}&cursor={page['next_cursor']}"


def test_results_list_the_identifiers_keepa_had_no_product_for(queues: JobQueues, keepa: OfflineKeepa) -> None:
    # GIVEN a job of ISBN-13s and ASINs, some of each unknown to Keepa, and an ISBN-10 and the ISBN-13 of one book
    known, unknown = book_isbns(120), book_isbns(15, known=False)
    asins, unknown_asins = book_asins(3), book_asins(4, known=False)
    job_id = _create(known + unknown + asins + unknown_asins)
    run_worker(queues)
    # WHEN the not-found identifiers are read page by page
    items = _all_unresolved(job_id, "not_found", limit=4)
    # THEN each unknown identifier is listed once, with the reason, and nothing that was analysed
    assert sorted(item["identifier"] for item in items) == sorted(unknown + unknown_asins)
    assert {item["status"] for item in items} == {"not_found"}
    assert all("no product" in item["reason"] for item in items)
    assert _all_unresolved(job_id, "failed", limit=10) == []


def test_results_list_the_identifiers_of_failed_chunks_with_the_reason(queues: JobQueues,
                                                                      keepa: OfflineKeepa) -> None:
    identifiers = book_isbns(150)
    job_id = _create(identifiers)
    execute("""UPDATE job_chunks SET state = 'failed', last_error = 'Keepa kept failing'
               WHERE job_id = :id AND "index" = 1""", id=uuid.UUID(job_id))
    run_worker(queues)

    items = _all_unresolved(job_id, "failed", limit=30)

    assert [item["identifier"] for item in items] == identifiers[100:]
    assert {(item["status"], item["reason"]) for item in items} == {("failed", "Keepa kept failing")}
    assert _all_unresolved(job_id, "not_found", limit=30) == []


def test_an_isbn10_and_isbn13_of_one_book_are_both_found(queues: JobQueues, keepa: OfflineKeepa) -> None:
    # GIVEN one book by ISBN-10 and by ISBN-13 (one stored analysis for both) next to an unknown ISBN-13
    (isbn13,) = book_isbns(1)
    (unknown,) = book_isbns(1, known=False)
    job_id = _create([isbn13_to_isbn10(isbn13) or "", isbn13, unknown])
    run_worker(queues)
    assert scalar("SELECT count(*) FROM analyses WHERE job_id = :id", id=uuid.UUID(job_id)) == 1
    # THEN only the unknown one is listed as not found
    assert [item["identifier"] for item in _all_unresolved(job_id, "not_found", limit=5)] == [unknown]


@pytest.mark.parametrize(("query", "field"), [
    ("status=not_found&roi_min=10", "query.status"), ("status=lost", "query.status"),
    ("status=failed&cursor=eyJhIjoxfQ", "query.cursor"),
    ("status=failed&cursor=eyJjaHVuayI6LTEsInBsYWNlIjowfQ", "query.cursor"),
])
def test_bad_unresolved_queries_are_422_naming_the_field(queues: JobQueues, keepa: OfflineKeepa, query: str,
                                                         field: str) -> None:
    job_id = _create(book_isbns(1))

    status, body = _results(job_id, query)

    assert status == 422, body
    assert body["error"]["details"][0]["field"] == field


def test_unresolved_identifiers_of_another_owners_job_are_404(queues: JobQueues, keepa: OfflineKeepa) -> None:
    job_id = _create(book_isbns(2))

    status, body = _results(job_id, "status=not_found", identity=SOURCER)

    assert status == 404, body
