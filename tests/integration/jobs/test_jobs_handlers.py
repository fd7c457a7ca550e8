"""The job tables against the migrations, worker metrics, job results, dead-letter verdicts and relay pruning."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from jobs_support import OWNER, chunk_rows, job_row, job_settled

from arbvault.analyses.filters import AnalysisFilters
from arbvault.db import get_engine, session_scope
from arbvault.jobs.claims import claim
from arbvault.jobs.creation import create_job
from arbvault.jobs.dead_letters import record_dead_letter
from arbvault.jobs.lifecycle import cancel_job
from arbvault.jobs.outbox import publish_pending
from arbvault.jobs.queue import ChunkMessage
from arbvault.jobs.results import job_results
from arbvault.jobs.states import JobStatus
from arbvault.models.tables import metadata
from db_testing import scalar
from infra.keepa_offline import OfflineKeepa
from jobs_testing import EventSource
from keepa_testing import book_isbns

JOB_TABLES = {"jobs", "job_chunks", "outbox", "job_dead_letters"}


def _emf(output: str) -> dict[str, float]:
    """Metric values of the EMF documents printed on stdout."""
    values: dict[str, float] = {}
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            document = json.loads(line)
            for definition in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                value = document[definition["Name"]]
                values[definition["Name"]] = sum(value) if isinstance(value, list) else value
    return values


def test_job_models_match_the_migrated_tables(database_url: str) -> None:
    def ours(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
        table = obj if kind == "table" else getattr(obj, "table", None)
        return table is None or table.name in JOB_TABLES

    with get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": ours})
        assert compare_metadata(context, metadata) == []


def test_worker_emits_chunk_identifier_and_token_metrics(keepa: OfflineKeepa, worker: EventSource,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    with session_scope() as session:
        job, _ = create_job(session, kind="batch", identifiers=book_isbns(150) + book_isbns(3, known=False),
                            owner_key_id=OWNER)
    publish_pending(job_id=job.id)
    capsys.readouterr()
    worker.run_until(job_settled(job.id))
    metrics = _emf(capsys.readouterr().out)
    assert metrics["ChunksDone"] == 2
    assert metrics["IdentifiersAnalysed"] == 150
    assert metrics["KeepaTokensSpent"] == job_row(job.id)["tokens_used"] > 0
    assert metrics["ChunkMessagesReceived"] == 2


def test_job_results_are_the_jobs_analyses_with_filters(keepa: OfflineKeepa, worker: EventSource) -> None:
    known = book_isbns(120)
    with session_scope() as session:
        job, _ = create_job(session, kind="batch", identifiers=known, owner_key_id=OWNER)
    publish_pending(job_id=job.id)
    worker.run_until(job_settled(job.id))
    with session_scope() as session:
        everything: list[Any] = []
        after = None
        while True:
            page = job_results(session, job.id, owner_key_id=OWNER, limit=50, after=after)
            everything += page.items
            if page.next_position is None:
                break
            after = page.next_position
        seen = {a.identifier for a in everything}
        recommended = job_results(session, job.id, filters=AnalysisFilters(recommendation="buy"), limit=500).items
    assert seen == set(known) and len(everything) == 120
    assert all(a.job_id == job.id and a.source == "batch" and a.created_by == OWNER for a in everything)
    assert all(a.recommendation.upper() == "BUY" for a in recommended)


def _job_with_chunk() -> tuple[uuid.UUID, uuid.UUID]:
    with session_scope() as session:
        job, _ = create_job(session, kind="batch", identifiers=book_isbns(100), owner_key_id=OWNER)
    return job.id, chunk_rows(job.id)[0]["id"]


def test_dead_letter_for_a_chunk_under_a_live_claim_leaves_it_to_its_worker(database_url: str) -> None:
    job_id, chunk_id = _job_with_chunk()
    claim(ChunkMessage(job_id, chunk_id), lease_seconds=60)
    outcome = record_dead_letter("m-live", ChunkMessage(job_id, chunk_id).to_body(), receive_count=6)
    assert outcome.verdict == "claimed_elsewhere" and outcome.recorded
    assert chunk_rows(job_id)[0]["state"] == "running" and job_row(job_id)["status"] == "RUNNING"


def test_dead_letter_fails_the_last_chunk_and_settles_the_job_error(database_url: str) -> None:
    job_id, chunk_id = _job_with_chunk()
    outcome = record_dead_letter("m-fail", ChunkMessage(job_id, chunk_id).to_body(), receive_count=6)
    assert outcome.verdict == "chunk_failed" and outcome.job_status == JobStatus.ERROR
    job = job_row(job_id)
    assert job["status"] == "ERROR" and job["error_summary"]["failed_identifiers"] == 100
    again = record_dead_letter("m-fail", ChunkMessage(job_id, chunk_id).to_body(), receive_count=7)
    assert again.verdict == "already_settled" and not again.recorded
    assert scalar("SELECT count(*) FROM job_dead_letters") == 1


def test_dead_letter_of_a_cancelled_jobs_pending_chunk_keeps_the_job_cancelled(database_url: str) -> None:
    job_id, chunk_id = _job_with_chunk()
    with session_scope() as session:
        cancel_job(session, job_id)
    outcome = record_dead_letter("m-cancelled", ChunkMessage(job_id, chunk_id).to_body())
    assert outcome.verdict == "chunk_failed" and outcome.job_status is None
    assert job_row(job_id)["status"] == "CANCELLED"


def test_relay_prunes_outbox_rows_sent_more_than_a_week_ago(database_url: str, queues: Any) -> None:
    from arbvault.jobs.relay import prune_sent

    job_id, _ = _job_with_chunk()
    publish_pending(job_id=job_id)
    with get_engine().begin() as connection:
        connection.exec_driver_sql("UPDATE outbox SET sent_at = now() - interval '8 days' WHERE job_id = %s",
                                   (job_id,))
    _job_with_chunk()
    assert prune_sent() == 1
    assert scalar("SELECT count(*) FROM outbox") == 1  # the unsent row of the second job stays
