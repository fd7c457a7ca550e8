"""Request headers that more than one route group reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

IDEMPOTENCY_KEY_MAX = 255
"""The ``jobs.idempotency_key`` column's length."""

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=IDEMPOTENCY_KEY_MAX, pattern=r"^[\x21-\x7e]+$",
    description="when the request creates a job: retrying with the same key and body returns the same job; "
                "another body with it is a 409")]
"""The optional ``Idempotency-Key`` of a job-creating POST: printable ASCII without spaces."""
