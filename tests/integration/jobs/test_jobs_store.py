"""Creating, reading, listing and changing jobs against the real database (no queue involved)."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from jobs_support import OWNER, chunk_rows

from arbvault.analyses.filters import AnalysisFilters
from arbvault.catalog.exceptions import InvalidIdentifiersError
from arbvault.db import session_scope
from arbvault.exceptions import InvalidInputError
from arbvault.jobs.creation import create_job
from arbvault.jobs.exceptions import (
    IdempotencyConflictError,
    IllegalTransitionError,
    JobNotFoundError,
    JobTooLargeError,
)
from arbvault.jobs.lifecycle import cancel_job, transition
from arbvault.jobs.params import JobParams
from arbvault.jobs.queries import get_job, list_jobs
from arbvault.jobs.results import job_results
from arbvault.jobs.states import JobStatus
from arbvault.jobs.submit import request_fingerprint
from arbvault.keyset import KeysetPosition
from arbvault.web.errors import status_for
from db_testing import rows, scalar
from keepa_testing import book_isbns

OTHER_OWNER = "00000000-0000-0000-0000-0000000000c3"


def _create(identifiers: list[str] | None = None, **options: Any) -> tuple[Any, bool]:
    options.setdefault("owner_key_id", OWNER)
    with session_scope() as session:
        return create_job(session, kind="batch", identifiers=identifiers or book_isbns(3), **options)


def test_create_job_writes_job_chunks_and_one_outbox_row_per_chunk() -> None:
    identifiers = book_isbns(205)
    job, created = _create(identifiers + identifiers[:5], params=JobParams(strategy="velocity"), name="list")
    assert created and job.status == JobStatus.PENDING and job.items_total == 205
    chunks = chunk_rows(job.id)
    assert [len(c["identifiers"]) for c in chunks] == [100, 100, 5]
    assert [i for c in chunks for i in c["identifiers"]] == identifiers
    outbox = rows("SELECT body, sent_at FROM outbox WHERE job_id = :job", job=job.id)
    assert len(outbox) == 3 and all(row["sent_at"] is None for row in outbox)
    assert job.params.strategy == "velocity" and job.as_dict()["progress"]["total"] == 205


def test_create_job_writes_nothing_when_the_callers_transaction_rolls_back() -> None:
    with pytest.raises(RuntimeError), session_scope() as session:
        job, _ = create_job(session, kind="batch", identifiers=book_isbns(3), owner_key_id=OWNER)
        raise RuntimeError("the request failed after creating the job")
    assert scalar("SELECT count(*) FROM jobs WHERE id = :job", job=job.id) == 0
    assert scalar("SELECT count(*) FROM outbox WHERE job_id = :job", job=job.id) == 0


def test_same_idempotency_key_and_body_returns_the_same_job() -> None:
    fingerprint = request_fingerprint({"identifiers": book_isbns(3)})
    first, created = _create(idempotency_key="key-1", request_fingerprint=fingerprint)
    again, created_again = _create(idempotency_key="key-1", request_fingerprint=fingerprint)
    assert created and not created_again and again.id == first.id
    assert scalar("SELECT count(*) FROM jobs") == 1


def test_same_idempotency_key_with_another_body_is_a_409() -> None:
    first, _ = _create(idempotency_key="key-2", request_fingerprint="a" * 64)
    with pytest.raises(IdempotencyConflictError) as caught:
        _create(idempotency_key="key-2", request_fingerprint="b" * 64)
    assert status_for(caught.value) == 409 and caught.value.job_id == str(first.id)


def test_idempotency_keys_are_scoped_to_their_owner() -> None:
    mine, _ = _create(idempotency_key="shared", request_fingerprint="a" * 64)
    theirs, created = _create(idempotency_key="shared", request_fingerprint="b" * 64, owner_key_id=OTHER_OWNER)
    assert created and theirs.id != mine.id


def test_concurrent_creates_with_one_key_make_one_job(unpooled: None) -> None:
    # Each thread gets a connection of its own, as separate Lambda environments would.
    barrier = threading.Barrier(6)
    results: list[tuple[uuid.UUID, bool]] = []

    def create() -> None:
        barrier.wait()
        job, created = _create(book_isbns(150), idempotency_key="race", request_fingerprint="c" * 64)
        results.append((job.id, created))

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6 and len({job_id for job_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert scalar("SELECT count(*) FROM job_chunks") == 2 and scalar("SELECT count(*) FROM outbox") == 2


@pytest.mark.parametrize(("identifiers", "error", "status", "field"), [
    (["9780306406157", "nope", "123"], InvalidIdentifiersError, 422, "identifiers[1]"),
    ([], InvalidInputError, 422, "identifiers"),
])
def test_create_job_refuses_bad_identifiers_naming_them(identifiers: list[str], error: type[Exception],
                                                        status: int, field: str) -> None:
    with pytest.raises(error) as caught:
        _create(identifiers) if identifiers else _create_empty()
    assert status_for(caught.value) == status  # type: ignore[arg-type]
    assert caught.value.details[0]["field"] == field  # type: ignore[attr-defined]


def _create_empty() -> None:
    with session_scope() as session:
        create_job(session, kind="batch", identifiers=[], owner_key_id=OWNER)


def test_create_job_refuses_more_than_10000_identifiers_with_413() -> None:
    with pytest.raises(JobTooLargeError) as caught:
        _create(book_isbns(10_001))
    assert status_for(caught.value) == 413


@pytest.mark.parametrize(("params", "status"), [({"strategy": "no-such-strategy"}, 422), ({"domain_id": 7}, 422)])
def test_create_job_refuses_unknown_strategy_or_domain(params: dict[str, Any], status: int) -> None:
    with pytest.raises(InvalidInputError) as caught:
        _create(params=params)
    assert status_for(caught.value) == status
    assert scalar("SELECT count(*) FROM jobs") == 0


def test_get_job_hides_another_owners_job_and_refuses_a_malformed_id() -> None:
    job, _ = _create()
    with session_scope() as session:
        assert get_job(session, job.id).id == job.id  # admin: any owner
        assert get_job(session, str(job.id), owner_key_id=OWNER).id == job.id
        with pytest.raises(JobNotFoundError):
            get_job(session, job.id, owner_key_id=OTHER_OWNER)
        with pytest.raises(JobNotFoundError):
            get_job(session, uuid.uuid4())
        with pytest.raises(InvalidInputError) as caught:
            get_job(session, "not-a-uuid")
    assert caught.value.details[0]["field"] == "job_id"


def test_list_jobs_pages_newest_first_per_owner_and_status() -> None:
    mine = [_create()[0].id for _ in range(5)]
    _create(owner_key_id=OTHER_OWNER)
    with session_scope() as session:
        transition(session, mine[0], "running")
        seen: list[uuid.UUID] = []
        after: KeysetPosition | None = None
        while True:
            page = list_jobs(session, owner_key_id=OWNER, limit=2, after=after)
            seen += [job.id for job in page.items]
            if page.next_position is None:
                break
            after = KeysetPosition.from_dict(page.next_position.as_dict())
        running = list_jobs(session, owner_key_id=OWNER, status=JobStatus.RUNNING).items
        everyone = list_jobs(session).items
    assert seen == list(reversed(mine))
    assert [job.id for job in running] == [mine[0]]
    assert len(everyone) == 6


def test_transitions_follow_the_state_machine_in_the_database() -> None:
    job, _ = _create()
    with session_scope() as session:
        with pytest.raises(IllegalTransitionError):
            transition(session, job.id, "SUCCESS")
        running = transition(session, job.id, "running")
        assert running.status == JobStatus.RUNNING and running.started_at is not None
        with pytest.raises(IllegalTransitionError) as caught:
            transition(session, job.id, "success")  # no chunk is done yet
        assert "chunk" in caught.value.message
        failed = transition(session, job.id, "Error", error_message="stopped by hand")
        assert failed.status == JobStatus.ERROR and failed.finished_at is not None
        assert failed.error_summary is not None and failed.error_summary["message"] == "stopped by hand"
        with pytest.raises(IllegalTransitionError):
            transition(session, job.id, "RUNNING")


def test_cancel_job_is_idempotent_and_refused_once_finished() -> None:
    job, _ = _create()
    with session_scope() as session:
        assert cancel_job(session, job.id, owner_key_id=OWNER).status == JobStatus.CANCELLED
        assert cancel_job(session, job.id, owner_key_id=OWNER).status == JobStatus.CANCELLED
        with pytest.raises(JobNotFoundError):
            cancel_job(session, job.id, owner_key_id=OTHER_OWNER)
    other, _ = _create()
    with session_scope() as session:
        transition(session, other.id, "running")
        transition(session, other.id, "error")
        with pytest.raises(IllegalTransitionError):
            cancel_job(session, other.id)


def test_job_results_of_another_owners_job_are_not_found() -> None:
    job, _ = _create()
    with session_scope() as session:
        assert job_results(session, job.id, owner_key_id=OWNER, filters=AnalysisFilters()).items == []
        with pytest.raises(JobNotFoundError):
            job_results(session, job.id, owner_key_id=OTHER_OWNER)
