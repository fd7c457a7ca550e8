"""Fault tests of the job pipeline (issue 4 section 5): each ends with no analysis lost and none duplicated.

Real parts throughout: PostgreSQL (through a TCP proxy where it must go down), SQS on a moto server over
HTTP with the template's redrive policy, the offline Keepa server, and the functions' real handlers driven
the way Lambda's event-source mapping drives them (``jobs_testing.EventSource``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from jobs_support import OWNER, assert_exactly_once, chunk_rows, job_row, job_settled
from sqlalchemy import text

from arbvault.catalog.token_ledger import record_balance
from arbvault.db import build_engine, reset_engine, session_scope
from arbvault.jobs.claims import Claim, claim
from arbvault.jobs.creation import create_job
from arbvault.jobs.lifecycle import cancel_job
from arbvault.jobs.outbox import add_chunk_message, publish_pending
from arbvault.jobs.queue import ChunkMessage, reset_jobs_queue
from arbvault.jobs.relay import relay_once
from arbvault.jobs.states import JobStatus
from arbvault.jobs.worker import process_chunk_message
from arbvault.keepa.tokens import TokenBalance
from arbvault.settings import reset_settings
from db_testing import rows, scalar
from infra.keepa_offline import OfflineKeepa
from infra.lambda_context import LocalLambdaContext
from infra.paths import EVENTS_DIR
from jobs_testing import EventSource, JobQueues
from keepa_testing import book_isbns
from support import load_function
from tcp_proxy import tcp_proxy


def _create(identifiers: list[str]) -> uuid.UUID:
    with session_scope() as session:
        job, _ = create_job(session, kind="batch", identifiers=identifiers, owner_key_id=OWNER)
    return job.id


def _queue_depth(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"])
    return sum(int(value) for value in attributes["Attributes"].values())


def _wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_failed_attempt_after_claim_gives_the_chunk_back_and_redelivery_completes(
        keepa: OfflineKeepa, worker: EventSource) -> None:
    # GIVEN a job of two chunks, and Keepa rejecting the first request (an error after the claim)
    known = book_isbns(200)
    job_id = _create(known)
    publish_pending(job_id=job_id)
    keepa.fail_next(1, status=400)

    # WHEN the worker drains the queue
    worker.run_until(job_settled(job_id))

    # THEN one record was reported failed, redelivered, and the job completed exactly once
    assert len(worker.failures) == 1
    assert job_row(job_id)["status"] == "SUCCESS"
    assert sorted(c["attempts"] for c in chunk_rows(job_id)) == [1, 2]
    assert_exactly_once(job_id, known)


def test_worker_that_dies_after_its_claim_is_replaced_once_the_lease_expires(
        keepa: OfflineKeepa, worker: EventSource) -> None:
    # GIVEN a worker that received the message and claimed the chunk, then died (no release, no delete)
    known = book_isbns(100)
    job_id = _create(known)
    publish_pending(job_id=job_id)
    [message] = worker.receive()
    held = claim(ChunkMessage.parse(message["Body"]), lease_seconds=1)
    assert isinstance(held, Claim) and chunk_rows(job_id)[0]["state"] == "running"

    # WHEN SQS redelivers the message after its visibility timeout (longer than the lease)
    worker.run_until(job_settled(job_id), timeout=20)

    # THEN the expired claim was taken over and the chunk was written once
    assert job_row(job_id)["status"] == "SUCCESS"
    assert chunk_rows(job_id)[0]["attempts"] == 2
    assert_exactly_once(job_id, known)


def test_relay_redrives_a_chunk_stuck_past_its_lease_when_its_message_is_gone(
        keepa: OfflineKeepa, worker: EventSource, sqs: Any, queues: JobQueues) -> None:
    # GIVEN a chunk claimed by a worker that died, whose message is gone from the queue
    known = book_isbns(100)
    job_id = _create(known)
    publish_pending(job_id=job_id)
    [message] = worker.receive()
    sqs.delete_message(QueueUrl=queues.jobs_url, ReceiptHandle=message["ReceiptHandle"])
    claim(ChunkMessage.parse(message["Body"]), lease_seconds=0.5)
    assert relay_once().redriven == 0  # the lease is still live
    time.sleep(0.6)

    # WHEN the relay runs (through its function, with the sample schedule event)
    event = json.loads((EVENTS_DIR / "outbox_relay" / "schedule.json").read_text())
    report = load_function("outbox_relay").handler(event, LocalLambdaContext(function_name="outbox_relay"))
    worker.run_until(job_settled(job_id))

    # THEN the chunk went back to pending with a new message, and was processed once
    assert report["redriven"] == 1 and report["sent"] == 1
    assert job_row(job_id)["status"] == "SUCCESS"
    assert_exactly_once(job_id, known)


@pytest.fixture
def relay_silence(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    """Set how long (s) the relay lets a pending chunk's message be silent before re-announcing the chunk."""

    def allow(seconds: int) -> None:
        monkeypatch.setenv("JOBS_REDRIVE_PENDING_AFTER_SECONDS", str(seconds))
        reset_settings()

    yield allow
    reset_settings()


def test_relay_reannounces_pending_chunks_whose_messages_were_lost_and_only_once(
        keepa: OfflineKeepa, worker: EventSource, sqs: Any, queues: JobQueues,
        relay_silence: Callable[[int], None]) -> None:
    # GIVEN a job of three chunks whose messages were sent, then lost (the queue purged), and a relay that
    # re-announces a chunk 2 s after its last message was due
    relay_silence(2)
    known = book_isbns(300)
    job_id = _create(known)
    assert publish_pending(job_id=job_id).sent == 3
    sqs.purge_queue(QueueUrl=queues.jobs_url)
    assert relay_once().reannounced == 0  # the messages were sent just now: they may still arrive

    # WHEN the relay runs (through its function) once their messages have been silent long enough
    time.sleep(2.2)
    event = json.loads((EVENTS_DIR / "outbox_relay" / "schedule.json").read_text())
    report = load_function("outbox_relay").handler(event, LocalLambdaContext(function_name="outbox_relay"))
    again = relay_once()

    # THEN each chunk got one fresh message (the second run sends none), and the job completed exactly once
    assert (report["reannounced"], report["sent"]) == (3, 3)
    assert (again.reannounced, again.sent) == (0, 0)
    assert scalar("SELECT count(DISTINCT chunk_id) FROM outbox WHERE job_id = :job", job=job_id) == 3
    worker.run_until(job_settled(job_id))
    assert job_row(job_id)["status"] == "SUCCESS"
    assert_exactly_once(job_id, known)


def test_relay_leaves_a_chunk_alone_while_its_delayed_message_is_still_due(
        keepa: OfflineKeepa, queues: JobQueues, relay_silence: Callable[[int], None]) -> None:
    # GIVEN a chunk waiting for Keepa tokens: released, with a fresh message delayed by 5 s
    relay_silence(1)
    job_id = _create(book_isbns(100))
    [chunk] = chunk_rows(job_id)
    with session_scope() as session:
        session.execute(text("DELETE FROM outbox WHERE job_id = :job"), {"job": job_id})
        add_chunk_message(session, ChunkMessage(job_id, chunk["id"]), delay_seconds=5)
    publish_pending(job_id=job_id)
    time.sleep(1.2)

    # WHEN the relay runs after the silence allowed but before the delay plus the silence have passed
    report = relay_once()

    # THEN the chunk is not re-announced: its message is still on its way
    assert report.reannounced == 0
    assert scalar("SELECT count(*) FROM outbox WHERE job_id = :job", job=job_id) == 1


@pytest.mark.perf
def test_a_crashed_worker_delays_its_chunks_by_the_visibility_timeout_plus_one_invocation_at_most(
        keepa: OfflineKeepa, sqs: Any, make_queues: Callable[..., JobQueues]) -> None:
    # GIVEN the deployed ratio scaled down: a 3 s worker timeout and an 18 s visibility timeout (25 s and 150 s
    # deployed), and a worker that received a batch of four chunks, claimed the first and died
    timeout_seconds, visibility_seconds = 3.0, 18
    queues = make_queues(visibility_seconds=visibility_seconds)
    worker = EventSource(sqs, queues.jobs_url, "batch_worker", batch_size=10, timeout_seconds=timeout_seconds)
    known = book_isbns(400)
    job_id = _create(known)
    publish_pending(job_id=job_id)
    _wait_for(lambda: _queue_depth(sqs, queues.jobs_url) == 4)
    received = worker.receive()
    while len(received) < 4:
        received += worker.receive()
    claim(ChunkMessage.parse(received[0]["Body"]), lease_seconds=timeout_seconds)
    crashed_at = time.monotonic()

    # WHEN the event source keeps polling (another worker)
    worker.run_until(job_settled(job_id), timeout=visibility_seconds + 10)
    recovery = time.monotonic() - crashed_at

    # THEN nothing came back before the visibility timeout, and everything was done within one invocation after
    assert visibility_seconds - 0.5 < recovery < visibility_seconds + timeout_seconds + 2
    assert job_row(job_id)["status"] == "SUCCESS"
    assert sorted(c["attempts"] for c in chunk_rows(job_id)) == [1, 1, 1, 2]
    assert worker.failures == []
    assert_exactly_once(job_id, known)


def test_the_same_message_twice_in_a_row_is_processed_once(keepa: OfflineKeepa, worker: EventSource) -> None:
    known = book_isbns(100)
    job_id = _create(known)
    publish_pending(job_id=job_id)
    [message] = worker.receive()

    first = worker.invoke([message])
    second = worker.invoke([message])  # a redelivery of the very same message

    assert first == second == {"batchItemFailures": []}
    assert job_row(job_id)["status"] == "SUCCESS"
    assert chunk_rows(job_id)[0]["attempts"] == 1
    assert_exactly_once(job_id, known)


def _at_once(bodies: list[str]) -> list[Any]:
    barrier = threading.Barrier(len(bodies))
    outcomes: list[Any] = [None] * len(bodies)

    def run(index: int) -> None:
        barrier.wait()
        outcomes[index] = process_chunk_message(bodies[index], lease_seconds=10)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_the_same_message_twice_at_once_is_processed_once(keepa: OfflineKeepa, worker: EventSource,
                                                          unpooled: None) -> None:
    known = book_isbns(100)
    job_id = _create(known)
    publish_pending(job_id=job_id)
    [message] = worker.receive()

    outcomes = _at_once([message["Body"], message["Body"]])

    assert sorted(o.action for o in outcomes) == ["done", "skipped"]
    assert job_row(job_id)["status"] == "SUCCESS"
    assert_exactly_once(job_id, known)


def test_two_last_chunks_finishing_together_settle_the_job_exactly_once(
        keepa: OfflineKeepa, worker: EventSource, unpooled: None) -> None:
    known = book_isbns(200)
    job_id = _create(known)
    publish_pending(job_id=job_id)
    messages = worker.receive()
    assert len(messages) == 2

    outcomes = _at_once([m["Body"] for m in messages])

    assert [o.action for o in outcomes] == ["done", "done"]
    assert sorted(str(o.job_status) for o in outcomes) == ["None", "SUCCESS"]
    assert job_row(job_id)["status"] == "SUCCESS"
    assert_exactly_once(job_id, known)


def test_job_created_while_sqs_is_unreachable_is_delivered_by_the_relay(
        keepa: OfflineKeepa, worker: EventSource, monkeypatch: pytest.MonkeyPatch, sqs_endpoint: str) -> None:
    # GIVEN SQS unreachable (nothing listens on the endpoint) when the job is created
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_endpoint = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", dead_endpoint)
    reset_jobs_queue()
    known = book_isbns(150)
    job_id = _create(known)
    published = publish_pending(job_id=job_id)

    # THEN the job exists, its messages wait in the outbox with the reason
    assert published.sent == 0 and published.failed == 2
    unsent = rows("SELECT attempts, last_error FROM outbox WHERE job_id = :job AND sent_at IS NULL", job=job_id)
    assert len(unsent) == 2 and all(r["attempts"] == 1 and "unavailable" in r["last_error"] for r in unsent)

    # WHEN SQS is back and the relay runs
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", sqs_endpoint)
    reset_jobs_queue()
    report = relay_once()
    worker.run_until(job_settled(job_id))

    # THEN the relay sent both messages and the job completed exactly once
    assert report.sent == 2 and report.unsent == 0
    assert scalar("SELECT count(*) FROM outbox WHERE job_id = :job AND sent_at IS NULL", job=job_id) == 0
    assert job_row(job_id)["status"] == "SUCCESS"
    assert_exactly_once(job_id, known)


def test_database_down_during_a_chunk_is_reported_retried_and_completes(
        make_keepa: Callable[..., OfflineKeepa], sqs: Any, make_queues: Callable[..., JobQueues], database_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the worker reaching PostgreSQL through a proxy, and Keepa slow enough to cut the database mid-chunk;
    # invocations of 4 s (visibility 6 s): the retry reconnects and calls Keepa within its deadline on a busy machine
    make_keepa(tokens=1_000_000, refill_rate=1_000, latency_ms=700)
    queues = make_queues(visibility_seconds=6)
    worker = EventSource(sqs, queues.jobs_url, "batch_worker", batch_size=4, timeout_seconds=4.0)
    known = book_isbns(100)
    job_id = _create(known)
    publish_pending(job_id=job_id)
    observer = build_engine(database_url)
    with tcp_proxy(database_url) as proxy:
        monkeypatch.setenv("DATABASE_URL", proxy.url_for(database_url))
        reset_settings()
        reset_engine()

        def cut_once_claimed() -> None:
            with observer.connect() as connection:
                _wait_for(lambda: connection.exec_driver_sql(
                    "SELECT state FROM job_chunks WHERE job_id = %s", (job_id,)).scalar() == "running")
            proxy.cut()

        cutter = threading.Thread(target=cut_once_claimed)
        cutter.start()
        # WHEN the database goes away after the claim, while the chunk waits on Keepa
        worker.poll_once()
        cutter.join()
        assert len(worker.failures) == 1  # reported as a batch item failure
        assert chunk_rows_via(observer, job_id)["state"] == "running"  # the release could not reach it either
        proxy.restore()
        # THEN SQS redelivers after the visibility timeout, the expired claim is taken over, the job completes
        worker.run_until(job_settled(job_id), timeout=20)
    monkeypatch.setenv("DATABASE_URL", database_url)
    reset_settings()
    reset_engine()
    observer.dispose()
    assert job_row(job_id)["status"] == "SUCCESS"
    assert chunk_rows(job_id)[0]["attempts"] == 2
    assert_exactly_once(job_id, known)


def chunk_rows_via(engine: Any, job_id: uuid.UUID) -> dict[str, Any]:
    with engine.connect() as connection:
        return dict(connection.exec_driver_sql("SELECT * FROM job_chunks WHERE job_id = %s",
                                               (job_id,)).mappings().one())


def test_keepa_tokens_running_out_mid_job_waits_for_the_refill_and_never_reaches_the_dlq(
        make_keepa: Callable[..., OfflineKeepa], worker: EventSource, sqs: Any, queues: JobQueues) -> None:
    # GIVEN a tiny budget: 150 tokens, 100 more every second; three chunks of 100 cost 100 each
    keepa = make_keepa(tokens=150, refill_rate=100, refill_period_ms=1000)
    known = book_isbns(300)
    job_id = _create(known)
    publish_pending(job_id=job_id)

    # WHEN the worker drains the queue
    worker.run_until(job_settled(job_id), timeout=30)

    # THEN chunks waited for tokens without failing or counting attempts, and the job completed exactly once
    chunks = chunk_rows(job_id)
    assert job_row(job_id)["status"] == "SUCCESS"
    assert sum(c["token_waits"] for c in chunks) >= 1
    assert [c["attempts"] for c in chunks] == [1, 1, 1]
    assert worker.failures == []
    assert _queue_depth(sqs, queues.dlq_url) == 0
    assert sum(r.tokens_consumed for r in keepa.requests) == 300
    assert_exactly_once(job_id, known)


def test_keepa_answering_429_itself_mid_job_is_a_wait_not_a_failure(
        make_keepa: Callable[..., OfflineKeepa], worker: EventSource, sqs: Any, queues: JobQueues) -> None:
    # GIVEN a stale stored balance that looks plenty, while Keepa's bucket is in fact empty
    keepa = make_keepa(tokens=0, refill_rate=200, refill_period_ms=1000)
    with session_scope() as session:
        record_balance(session, TokenBalance(tokens_left=10_000, refill_in_ms=60_000, refill_rate=200,
                                             tokens_consumed=0, token_flow_reduction=0.0, server_time=None,
                                             observed_at=datetime.now(UTC)), source="last_response")
    known = book_isbns(200)
    job_id = _create(known)
    publish_pending(job_id=job_id)

    worker.run_until(job_settled(job_id), timeout=30)

    assert any(r.status == 429 for r in keepa.requests)
    assert job_row(job_id)["status"] == "SUCCESS"
    assert worker.failures == [] and _queue_depth(sqs, queues.dlq_url) == 0
    assert all(c["attempts"] == 1 for c in chunk_rows(job_id))
    assert_exactly_once(job_id, known)


def test_poison_messages_and_a_chunk_that_always_fails_end_in_the_dlq_and_are_recorded(
        keepa: OfflineKeepa, sqs: Any, make_queues: Callable[..., JobQueues]) -> None:
    # GIVEN a fast-redelivering queue, a malformed message, one for an unknown job, and a job whose Keepa
    # requests are always rejected
    queues = make_queues(visibility_seconds=1)
    worker = EventSource(sqs, queues.jobs_url, "batch_worker", batch_size=4, timeout_seconds=0.5)
    dlq = EventSource(sqs, queues.dlq_url, "dlq_handler", batch_size=10)
    sqs.send_message(QueueUrl=queues.jobs_url, MessageBody="not a job message")
    sqs.send_message(QueueUrl=queues.jobs_url, MessageBody=ChunkMessage(uuid.uuid4(), uuid.uuid4()).to_body())
    job_id = _create(book_isbns(100))
    publish_pending(job_id=job_id)
    keepa.fail_next(1_000, status=400)

    # WHEN the worker and the DLQ handler drain their queues
    worker.run_until(lambda: scalar("SELECT count(*) FROM job_dead_letters") == 3, timeout=40, also=[dlq])

    # THEN every message was tried maxReceiveCount times, then recorded with its reason
    reasons = sorted(r["reason"] for r in rows("SELECT reason FROM job_dead_letters"))
    assert any(r.startswith("malformed job message") for r in reasons)
    assert any(r.startswith("unknown job") for r in reasons)
    assert any(r.startswith("gave up after") and "keepa" in r.lower() for r in reasons)
    # AND the failing chunk is failed and its job reports ERROR with the count and reason, never plain success
    job = job_row(job_id)
    assert job["status"] == "ERROR"
    assert job["error_summary"]["failed_chunks"] == 1 and job["error_summary"]["failed_identifiers"] == 100
    assert "gave up after" in job["error_summary"]["reasons"][0]["reason"]
    assert chunk_rows(job_id)[0]["state"] == "failed"
    assert len(worker.failures) == 3 * queues.max_receive_count
    assert _queue_depth(sqs, queues.jobs_url) == 0


def test_cancel_while_running_skips_remaining_chunks_and_keeps_stored_results(
        make_keepa: Callable[..., OfflineKeepa], sqs: Any, queues: JobQueues) -> None:
    # GIVEN a job of five chunks and a worker taking one chunk per invocation, Keepa slow enough to cancel
    # while the first chunk is in flight
    make_keepa(tokens=1_000_000, refill_rate=1_000, latency_ms=300)
    worker = EventSource(sqs, queues.jobs_url, "batch_worker", batch_size=1)
    known = book_isbns(500)
    job_id = _create(known)
    publish_pending(job_id=job_id)
    worker.poll_once()  # chunk 0 done
    in_flight = threading.Thread(target=worker.poll_once)
    in_flight.start()
    _wait_for(lambda: any(c["state"] == "running" for c in chunk_rows(job_id)))

    # WHEN the job is cancelled while that chunk is being processed, and the worker drains the rest
    with session_scope() as session:
        cancelled = cancel_job(session, job_id, owner_key_id=OWNER)
    in_flight.join()
    worker.drain()

    # THEN the job is CANCELLED, the chunk in flight kept its results, the others were skipped
    assert cancelled.status == JobStatus.CANCELLED
    assert job_row(job_id)["status"] == "CANCELLED"
    states = [c["state"] for c in chunk_rows(job_id)]
    assert states.count("done") == 2 and states.count("pending") == 3
    done_identifiers = [i for c in chunk_rows(job_id) if c["state"] == "done" for i in c["identifiers"]]
    assert_exactly_once(job_id, done_identifiers)
    assert worker.failures == [] and _queue_depth(sqs, queues.jobs_url) == 0


def test_chunk_needing_more_tokens_than_the_plan_holds_fails_at_once_and_the_job_reports_error(
        make_keepa: Callable[..., OfflineKeepa], worker: EventSource) -> None:
    # GIVEN a plan refilling 5 tokens a minute (a bucket of 300), and a job asking 100 offers per product
    # (600 tokens for a chunk of 100): waiting can never help
    keepa = make_keepa(tokens=100, refill_rate=5)
    with session_scope() as session:
        job, _ = create_job(session, kind="batch", identifiers=book_isbns(100), owner_key_id=OWNER,
                            params={"offers": 100})
    publish_pending(job_id=job.id)

    worker.run_until(job_settled(job.id))

    row = job_row(job.id)
    assert row["status"] == "ERROR" and row["error_summary"]["failed_identifiers"] == 100
    assert "600" in row["error_summary"]["reasons"][0]["reason"]
    assert worker.failures == [] and chunk_rows(job.id)[0]["state"] == "failed"
    assert not any(r.endpoint == "product" for r in keepa.requests)  # not a token was spent
    assert scalar("SELECT count(*) FROM analyses WHERE job_id = :job", job=job.id) == 0


def test_a_worker_whose_claim_was_taken_over_writes_no_analysis_but_keeps_the_snapshots_it_paid_for(
        keepa: OfflineKeepa) -> None:
    # GIVEN a chunk claimed with a short lease, and Keepa slower than the lease
    known = book_isbns(20)
    job_id = _create(known)
    [chunk] = chunk_rows(job_id)
    body = ChunkMessage(job_id, chunk["id"]).to_body()
    keepa.latency_ms = 1_500
    taken: list[Claim | object] = []
    # another worker takes the chunk over once the first one's lease has expired, while it waits on Keepa
    thief = threading.Timer(1.2, lambda: taken.append(claim(ChunkMessage.parse(body), lease_seconds=60)))
    thief.start()

    # WHEN the first worker finishes its chunk
    outcome = process_chunk_message(body, lease_seconds=1)
    thief.join()

    # THEN it wrote no analysis and left the chunk to the new claim, but the products it fetched are stored
    assert outcome.action == "skipped" and outcome.reason == "claim taken over"
    assert isinstance(taken[0], Claim)
    assert scalar("SELECT count(*) FROM analyses WHERE job_id = :job", job=job_id) == 0
    assert chunk_rows(job_id)[0]["state"] == "running"
    codes = scalar("SELECT count(*) FROM keepa_snapshots WHERE codes && CAST(:codes AS varchar[])", codes=known)
    assert codes == len(known)
