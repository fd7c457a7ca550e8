"""Analyses function tests: the run's migrated database, rows seeded under a job of their own, calls through
the real handler.

Other tests store analyses in the same table (ingest, batches), so every list assertion here is scoped to a
job id no one else uses, or to rows this test created.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from analyses_support import BASE_TIME, Seed, random_asin
from sqlalchemy import delete

from arbvault.db import session_scope
from arbvault.models.analysis import Analysis
from support import ADMIN


@pytest.fixture(autouse=True)
def _database(database_url: str) -> str:
    return database_url


def _row(job_id: uuid.UUID, index: int, values: dict[str, Any]) -> dict[str, Any]:
    """A complete analyses row; ``values`` override the defaults (None is a value, for nullable columns)."""
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "job_id": job_id,
        "identifier": None,
        "asin": random_asin(),
        "isbn13": None,
        "title": f"seeded book {index}",
        "category": "Books",
        "strategy": "balanced",
        "buy_price": Decimal("8.00"),
        "sell_price": Decimal("20.00"),
        "fees": Decimal("8.30"),
        "profit": Decimal("2.70"),
        "max_buy_price": Decimal("8.23"),
        "roi_pct": Decimal("33.75"),
        "margin_pct": Decimal("13.50"),
        "velocity_score": Decimal("85.0"),
        "stability_score": 50,
        "confidence_score": 60,
        "overall_rating": "GOOD",
        "recommendation": "BUY",
        "combined_score": Decimal("54.25"),
        "bsr": 50_000,
        "offers_count": 3,
        "metrics": {"seeded": index},
        "source": "batch",
        "created_by": ADMIN["key_id"],
        "created_at": BASE_TIME + timedelta(minutes=index),
    }
    row.update(values)
    row["identifier"] = row["identifier"] or row["asin"]
    return row


@pytest.fixture
def seed() -> Iterator[Seed]:
    """Insert analyses under one new job id (``seed(rows)`` or ``seed(rows, job_id=...)``); removed after the test.

    Each entry of ``rows`` overrides the defaults of one row; the stored rows come back as dicts.
    """
    jobs: list[uuid.UUID] = []

    def insert(rows: list[dict[str, Any]], *, job_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
        job = job_id or uuid.uuid4()
        jobs.append(job)
        complete = [_row(job, index, values) for index, values in enumerate(rows)]
        with session_scope() as session:
            session.add_all(Analysis(**row) for row in complete)
        return complete

    yield insert
    with session_scope() as session:
        session.execute(delete(Analysis).where(Analysis.job_id.in_(jobs)))


@pytest.fixture
def created() -> Iterator[list[str]]:
    """Ids of analyses a test created through the API, deleted after it."""
    ids: list[str] = []
    yield ids
    with session_scope() as session:
        session.execute(delete(Analysis).where(Analysis.id.in_([uuid.UUID(i) for i in ids])))
