"""Submitting a job for a request: every route that answers 202 with a job goes through :func:`submit_job`.

The job is created (or found by its Idempotency-Key) and its Keepa tokens guarded in one transaction, then its
outbox is published. Whatever is not sent then, the outbox relay sends within a minute. A request's fingerprint
(for ``Idempotency-Key``) is the same for the same body, whatever its key order.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from arbvault.catalog.clients import keepa_client
from arbvault.catalog.guard import check_tokens
from arbvault.catalog.screening import RejectedIdentifier, screen_identifiers
from arbvault.db import session_scope
from arbvault.jobs.creation import create_job
from arbvault.jobs.outbox import publish_pending
from arbvault.jobs.params import estimate_tokens
from arbvault.observability import logger

if TYPE_CHECKING:
    from arbvault.identifiers import Identifier
    from arbvault.jobs.params import JobParams
    from arbvault.jobs.queries import JobSummary
    from arbvault.jobs.states import JobKind


@dataclass(frozen=True, slots=True)
class Submission:
    """A submitted job, whether this request created it (else an earlier one with the same key did), the Keepa
    tokens it needs at most (stored snapshots cost 0), and the entries left out as no identifier."""

    job: JobSummary
    created: bool
    tokens_estimated: int
    rejected: tuple[RejectedIdentifier, ...] = ()


def _publish(job_id: uuid.UUID) -> None:
    try:
        publish_pending(job_id=job_id)  # queue trouble never raises: the rows stay for the relay
    except SQLAlchemyError as exc:  # the job is committed; failing the request now would invite a duplicate
        logger.warning("outbox publish deferred to the relay", extra={"job_id": str(job_id),
                                                                      "error_type": type(exc).__name__})


def submit_job(
    *,
    kind: JobKind,
    identifiers: Sequence[str | Identifier],
    owner_key_id: str,
    params: JobParams,
    request_body: Mapping[str, Any],
    idempotency_key: str | None = None,
    name: str | None = None,
) -> Submission:
    """Create a job of ``identifiers`` for ``owner_key_id``, check the Keepa tokens it needs, then publish it.

    Entries that are no identifier are left out of the job and listed in ``rejected``; the job is refused (422)
    only when none is an identifier. ``request_body`` (JSON-ready values) is fingerprinted for
    ``idempotency_key``: the same key and body find the job the first request created (``created`` False;
    nothing is checked or sent again), another body is a 409.
    Raises what :func:`create_job` raises (422, 413, 409) and the token guard's ``TokenBudgetError`` (429) or
    ``TokenCapacityError`` (413); a refused job leaves nothing behind.
    """
    screened = screen_identifiers([v if isinstance(v, str) else v.value for v in identifiers])
    with session_scope() as session:
        job, created = create_job(session, kind=kind, identifiers=screened.valid, owner_key_id=owner_key_id,
                                  params=params, name=name, idempotency_key=idempotency_key,
                                  request_fingerprint=request_fingerprint(request_body))
        tokens = estimate_tokens(job.items_total, params=params)
        # Guarded in the creating transaction, after the key lookup: a retry finds its job even once the job
        # has spent the tokens, and a refused create leaves nothing behind.
        if created:
            check_tokens(session, keepa_client(params.domain_id), tokens)
    if created:
        _publish(job.id)
        logger.info("job created", extra={"job_id": str(job.id), "kind": job.kind, "items": job.items_total})
    return Submission(job=job, created=created, tokens_estimated=tokens, rejected=tuple(screened.rejected))


def request_fingerprint(payload: Any) -> str:
    """SHA-256 (hex) of ``payload`` as canonical JSON (sorted keys, no spaces; Decimal and UUID as strings)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
