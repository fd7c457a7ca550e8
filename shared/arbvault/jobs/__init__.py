"""Jobs: work too large for one request, persisted in PostgreSQL and processed over SQS, exactly once in effect.

A job is split into chunks of at most 100 identifiers (one Keepa request). The creating request writes the
job, its chunks and one outbox row per chunk in ONE transaction, then publishes the outbox; whatever it fails
to send, the ``outbox_relay`` schedule sends later. A worker claims a chunk with a conditional update, looks
its products up and analyses them through the catalog, then writes the analyses, marks the chunk done and
settles the job in one transaction; a redelivered message finds the chunk done and does nothing. Progress is
derived from chunk states. A job whose chunks failed ends ERROR with the failure count and reasons.

Submitting a job from a route: created (or found by its Idempotency-Key), token-guarded, then published::

    from arbvault.jobs import JobParams, submit_job

    submitted = submit_job(kind="batch", identifiers=identifiers, owner_key_id=identity.key_id,
                           params=JobParams(strategy="velocity"), request_body=body.model_dump(mode="json"),
                           idempotency_key=key, name="spring list")
    submitted.created, submitted.tokens_estimated  # answer 202: arbvault.jobs.schemas builds body and Location
    submitted.job.as_dict()  # id, status, progress {total, processed, succeeded, not_found, failed, percent}, ...

``create_job`` (the job, its chunks and outbox rows in the caller's session) and ``publish_pending`` (after
that session commits) are the two halves, for callers that hold their own transaction.

Reading and changing jobs (``owner_key_id=None`` means any owner: pass the caller's key id unless admin; list
positions are ``arbvault.keyset.KeysetPosition``)::

    get_job(session, job_id, owner_key_id=key_id)
    page = list_jobs(session, owner_key_id=key_id, status=JobStatus.RUNNING, limit=50,
                     after=KeysetPosition.from_dict(decode_cursor(cursor, keys=KEYSET_KEYS)) if cursor else None)
    next_cursor = encode_cursor(page.next_position.as_dict()) if page.next_position else None
    transition(session, job_id, "running", owner_key_id=key_id)   # any case; 409 IllegalTransitionError if refused
    cancel_job(session, job_id, owner_key_id=key_id)
    job_results(session, job_id, owner_key_id=key_id, filters=AnalysisFilters(roi_min=Decimal(30)))
    unresolved_identifiers(session, job_id, status="not_found", owner_key_id=key_id)  # or "failed", with reasons
    estimate_tokens(len(identifiers), params=JobParams(offers=20))  # compare with catalog.current_estimate()

``JobSummary.as_dict()`` is the JSON a route returns; ``owner_key_id`` is the caller's ``Identity.key_id``.

Workers (``functions/batch_worker``, ``dlq_handler``, ``outbox_relay``) call :func:`process_chunk_message`,
:func:`record_dead_letter` and :func:`relay_once`; they open their own sessions.
"""

from arbvault.jobs.chunking import CHUNK_SIZE, MAX_JOB_IDENTIFIERS, check_job_size, split_chunks
from arbvault.jobs.creation import JobKind, create_job
from arbvault.jobs.dead_letters import DeadLetterOutcome, record_dead_letter
from arbvault.jobs.estimate import estimate_tokens
from arbvault.jobs.exceptions import (
    IdempotencyConflictError,
    IllegalTransitionError,
    JobMessageError,
    JobNotFoundError,
    JobTooLargeError,
    QueueUnavailableError,
)
from arbvault.jobs.fingerprint import request_fingerprint
from arbvault.jobs.lifecycle import cancel_job, transition
from arbvault.jobs.messages import JOBS_QUEUE, ChunkMessage
from arbvault.jobs.metrics import metrics
from arbvault.jobs.outbox import PublishResult, publish_pending
from arbvault.jobs.params import JobParams
from arbvault.jobs.progress import Progress
from arbvault.jobs.queries import JobPage, JobSummary, get_job, list_jobs
from arbvault.jobs.queue import JobsQueue, jobs_queue, reset_jobs_queue
from arbvault.jobs.relay import RelayReport, relay_once
from arbvault.jobs.results import job_results
from arbvault.jobs.states import (
    ACTIVE_STATUSES,
    TERMINAL_STATUSES,
    TRANSITIONS,
    ChunkState,
    JobStatus,
    can_transition,
    check_transition,
    parse_status,
)
from arbvault.jobs.submit import Submission, submit_job
from arbvault.jobs.unresolved import (
    UNRESOLVED_CURSOR_KEYS,
    UNRESOLVED_STATUSES,
    UnresolvedIdentifier,
    UnresolvedPage,
    UnresolvedPosition,
    UnresolvedStatus,
    unresolved_identifiers,
)
from arbvault.jobs.worker import ChunkOutcome, ChunkPipeline, process_chunk_message

__all__ = [
    "ACTIVE_STATUSES",
    "CHUNK_SIZE",
    "JOBS_QUEUE",
    "MAX_JOB_IDENTIFIERS",
    "TERMINAL_STATUSES",
    "TRANSITIONS",
    "UNRESOLVED_CURSOR_KEYS",
    "UNRESOLVED_STATUSES",
    "ChunkMessage",
    "ChunkOutcome",
    "ChunkPipeline",
    "ChunkState",
    "DeadLetterOutcome",
    "IdempotencyConflictError",
    "IllegalTransitionError",
    "JobKind",
    "JobMessageError",
    "JobNotFoundError",
    "JobPage",
    "JobParams",
    "JobStatus",
    "JobSummary",
    "JobTooLargeError",
    "JobsQueue",
    "Progress",
    "PublishResult",
    "QueueUnavailableError",
    "RelayReport",
    "Submission",
    "UnresolvedIdentifier",
    "UnresolvedPage",
    "UnresolvedPosition",
    "UnresolvedStatus",
    "can_transition",
    "cancel_job",
    "check_job_size",
    "check_transition",
    "create_job",
    "estimate_tokens",
    "get_job",
    "job_results",
    "jobs_queue",
    "list_jobs",
    "metrics",
    "parse_status",
    "process_chunk_message",
    "publish_pending",
    "record_dead_letter",
    "relay_once",
    "request_fingerprint",
    "reset_jobs_queue",
    "split_chunks",
    "submit_job",
    "transition",
    "unresolved_identifiers",
]
