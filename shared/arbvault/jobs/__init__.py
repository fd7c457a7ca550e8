"""Jobs: work too large for one request, persisted in PostgreSQL and processed over SQS, exactly once in effect.

A job is split into chunks of at most 100 identifiers (one Keepa request). The creating request writes the
job, its chunks and one outbox row per chunk in ONE transaction, then publishes the outbox; whatever it fails
to send, the ``outbox_relay`` schedule sends later. A worker claims a chunk with a conditional update, looks
its products up and analyses them through the catalog, then writes the analyses, marks the chunk done and
settles the job in one transaction; a redelivered message finds the chunk done and does nothing. Progress is
derived from chunk states. A job whose chunks failed ends ERROR with the failure count and reasons.

Submitting a job from a route: created (or found by its Idempotency-Key), token-guarded, then published::

    from arbvault.jobs.params import JobParams
    from arbvault.jobs.submit import submit_job

    submitted = submit_job(kind="batch", identifiers=identifiers, owner_key_id=identity.key_id,
                           params=JobParams(strategy="velocity"), request_body=body.model_dump(mode="json"),
                           idempotency_key=key, name="spring list")
    submitted.created, submitted.tokens_estimated  # answer 202 with jobs.schemas.accepted_headers(submitted)
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

Import each name from the module that defines it: this package's ``__init__`` imports none of them, so a
function loads only the modules its own routes use.
"""
