"""Errors the jobs room raises; ``arbvault.web.errors`` maps their base classes to HTTP statuses."""

from __future__ import annotations

from arbvault.catalog.exceptions import TooManyIdentifiersError
from arbvault.exceptions import (
    ArbvaultError,
    ConflictError,
    DependencyUnavailableError,
    NotFoundError,
    PayloadTooLargeError,
)


class JobNotFoundError(NotFoundError):
    """Raised when no job has the id, or the caller may not see it (another key's job is not revealed)."""

    code = "job_not_found"

    def __init__(self, job_id: object) -> None:
        self.job_id = str(job_id)
        super().__init__(f"no job {job_id}", details=[{"field": "job_id", "value": str(job_id)}])


class IdempotencyConflictError(ConflictError):
    """Raised when an ``Idempotency-Key`` already named a job created from a different request body."""

    code = "idempotency_key_reused"

    def __init__(self, key: str, *, job_id: object) -> None:
        self.key = key
        self.job_id = str(job_id)
        super().__init__(
            "this Idempotency-Key was already used for a different request; use a new key for a new job",
            details=[{"field": "Idempotency-Key", "job_id": str(job_id)}],
        )


class IllegalTransitionError(ConflictError):
    """Raised when a job status change is not one the state machine allows (or its chunks forbid)."""

    code = "illegal_transition"

    def __init__(self, current: str, requested: str, *, reason: str | None = None) -> None:
        self.current = current
        self.requested = requested
        message = f"a {current} job cannot become {requested}"
        super().__init__(message + (f": {reason}" if reason else ""),
                         details=[{"field": "status", "current": current, "requested": requested}])


class JobTooLargeError(TooManyIdentifiersError):
    """Raised when a job would hold more distinct identifiers than one job takes: the caller must split them.

    A ``TooManyIdentifiersError`` (413) like the synchronous threshold's, with a message of its own: a job is
    already the way out of that threshold, so pointing at the batches route would send the caller in a circle.
    """

    def __init__(self, *, count: int, limit: int, field: str = "identifiers") -> None:
        self.count = count
        self.threshold = limit
        PayloadTooLargeError.__init__(  # not the parent's: its message is about the synchronous threshold
            self, f"{count} distinct identifiers is more than the {limit} a batch job holds; "
                  f"split them across several requests",
            details=[{"field": field, "count": count, "max": limit}],
        )


class QueueUnavailableError(DependencyUnavailableError):
    """Raised when the jobs queue cannot be reached or refuses a message (the outbox keeps it)."""

    code = "queue_unavailable"


class JobMessageError(ArbvaultError):
    """Raised by the worker for a message it can never process (malformed body, unknown job or chunk).

    It is reported as a batch item failure like any other, so after ``maxReceiveCount`` receives SQS moves the
    message to the dead-letter queue, whose handler records it.
    """

    code = "job_message_invalid"
