"""The job state machine: exactly the allowed transitions, any-case status names, terminal states final."""

from __future__ import annotations

import itertools

import pytest

from arbvault.exceptions import InvalidInputError
from arbvault.jobs.exceptions import IllegalTransitionError
from arbvault.jobs.states import TERMINAL_STATUSES, JobStatus, can_transition, check_transition, parse_status
from arbvault.web.errors import status_for

ALLOWED = {
    (JobStatus.PENDING, JobStatus.RUNNING),
    (JobStatus.PENDING, JobStatus.CANCELLED),
    (JobStatus.RUNNING, JobStatus.SUCCESS),
    (JobStatus.RUNNING, JobStatus.ERROR),
    (JobStatus.RUNNING, JobStatus.CANCELLED),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(JobStatus, JobStatus)))
def test_transition_is_allowed_only_along_the_state_machine(current: JobStatus, target: JobStatus) -> None:
    allowed = (current, target) in ALLOWED
    assert can_transition(current, target) is allowed
    if allowed:
        assert check_transition(current, target) == target
    else:
        with pytest.raises(IllegalTransitionError) as caught:
            check_transition(current, target)
        assert status_for(caught.value) == 409
        assert caught.value.details[0] == {"field": "status", "current": current.value, "requested": target.value}


def test_terminal_statuses_are_success_error_and_cancelled() -> None:
    assert {JobStatus.SUCCESS, JobStatus.ERROR, JobStatus.CANCELLED} == TERMINAL_STATUSES


@pytest.mark.parametrize(("raw", "expected"), [("running", JobStatus.RUNNING), ("Cancelled", JobStatus.CANCELLED),
                                               (" SUCCESS ", JobStatus.SUCCESS), ("error", JobStatus.ERROR)])
def test_parse_status_accepts_any_case(raw: str, expected: JobStatus) -> None:
    assert parse_status(raw) is expected


@pytest.mark.parametrize("raw", ["done", "FAILED", "", "PROCESSING"])
def test_parse_status_refuses_unknown_names_with_422_naming_the_field(raw: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_status(raw, field="body.status")
    assert status_for(caught.value) == 422
    assert caught.value.details[0]["field"] == "body.status"
