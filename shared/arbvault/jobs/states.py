"""Job kinds, the job state machine and chunk states: pure values and rules, no I/O.

Jobs move PENDING -> RUNNING -> SUCCESS | ERROR | CANCELLED, or PENDING -> CANCELLED; nothing else, and the
three terminal states allow nothing. Chunks move pending -> running -> done | failed, and back to pending
when a worker releases its claim (an error it will retry, or Keepa tokens to wait for).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Literal

from arbvault.exceptions import InvalidInputError
from arbvault.jobs.exceptions import IllegalTransitionError

JobKind = Literal["batch", "ingest", "niche", "autosourcing"]


class JobStatus(StrEnum):
    """A job's lifecycle status (stored and returned upper-case)."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    ERROR = "ERROR"
    CANCELLED = "CANCELLED"


class ChunkState(StrEnum):
    """A chunk's processing state."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


TRANSITIONS: Final[dict[JobStatus, frozenset[JobStatus]]] = {
    JobStatus.PENDING: frozenset({JobStatus.RUNNING, JobStatus.CANCELLED}),
    JobStatus.RUNNING: frozenset({JobStatus.SUCCESS, JobStatus.ERROR, JobStatus.CANCELLED}),
    JobStatus.SUCCESS: frozenset(),
    JobStatus.ERROR: frozenset(),
    JobStatus.CANCELLED: frozenset(),
}
TERMINAL_STATUSES: Final = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
ACTIVE_STATUSES: Final = frozenset({JobStatus.PENDING, JobStatus.RUNNING})
FINISHED_STATUSES: Final = frozenset({JobStatus.SUCCESS.value, JobStatus.ERROR.value})
"""Jobs that ran to their end (not cancelled)."""
SETTLED_CHUNK_STATES: Final = frozenset({ChunkState.DONE, ChunkState.FAILED})


def parse_status(value: str, *, field: str = "status") -> JobStatus:
    """A status named in any case (``running``, ``Running``); 422 naming ``field`` for an unknown one."""
    try:
        return JobStatus(value.strip().upper())
    except (ValueError, AttributeError) as exc:
        names = ", ".join(s.value for s in JobStatus)
        raise InvalidInputError(f"{field} must be one of {names}",
                                details=[{"field": field, "message": f"one of {names}", "value": value}]) from exc


def can_transition(current: JobStatus | str, target: JobStatus | str) -> bool:
    """Whether the state machine allows ``current`` -> ``target``."""
    return JobStatus(target) in TRANSITIONS[JobStatus(current)]


def check_transition(current: JobStatus | str, target: JobStatus | str) -> JobStatus:
    """``target`` as a status if ``current`` may move to it; ``IllegalTransitionError`` (409) otherwise."""
    if not can_transition(current, target):
        raise IllegalTransitionError(str(JobStatus(current)), str(JobStatus(target)))
    return JobStatus(target)
