"""Helpers for job pipeline tests (a uniquely named module): the owner of the tests' jobs and reads of what the
pipeline stored."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from db_testing import rows
from support import ADMIN

OWNER = ADMIN["key_id"]


def job_analyses(job_id: uuid.UUID) -> list[dict[str, Any]]:
    """The job's stored analyses (identifier, asin)."""
    return rows("SELECT identifier, asin FROM analyses WHERE job_id = :job", job=job_id)


def assert_exactly_once(job_id: uuid.UUID, expected_identifiers: list[str]) -> None:
    """Every expected identifier has exactly one analysis of this job: none lost, none duplicated."""
    stored = [row["identifier"] for row in job_analyses(job_id)]
    assert sorted(stored) == sorted(expected_identifiers)
    assert len(set(stored)) == len(stored)


def job_row(job_id: uuid.UUID) -> dict[str, Any]:
    return rows("SELECT * FROM jobs WHERE id = :job", job=job_id)[0]


def chunk_rows(job_id: uuid.UUID) -> list[dict[str, Any]]:
    return rows('SELECT * FROM job_chunks WHERE job_id = :job ORDER BY "index"', job=job_id)


def job_settled(job_id: uuid.UUID) -> Callable[[], bool]:
    return lambda: job_row(job_id)["status"] in ("SUCCESS", "ERROR", "CANCELLED")
