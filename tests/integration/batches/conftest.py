"""Batches function tests: the run's database, the template's jobs queue and DLQ in moto (``mock_aws``), and an
offline Keepa of each test's own (its own token bucket) over real HTTP.

Every test starts with no jobs and no Keepa state (snapshots, misses, the stored balance), as a fresh
deployment facing a fresh Keepa account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text

from arbvault.db import get_engine, reset_engine
from arbvault.jobs import reset_jobs_queue
from arbvault.keepa import reset_keepa_client
from arbvault.settings import reset_settings
from batches_support import CLOCK, JobQueues, create_template_queues
from infra.keepa_offline import OfflineKeepa

AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
           "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(autouse=True)
def _clean_state(database_url: str) -> None:
    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM analyses WHERE job_id IS NOT NULL"))
        connection.execute(text("TRUNCATE jobs, job_chunks, outbox, job_dead_letters, keepa_snapshots, "
                                "keepa_misses, keepa_token_state"))


@pytest.fixture
def queues(monkeypatch: pytest.MonkeyPatch) -> Iterator[JobQueues]:
    """The template's JobsQueue and JobsDeadLetterQueue in moto, with ``JOBS_QUEUE_URL`` pointing at the first."""
    from moto import mock_aws

    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)
    # A moto server some other fixture left configured must not capture these clients.
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_SQS", raising=False)
    with mock_aws():
        created = create_template_queues()
        monkeypatch.setenv("JOBS_QUEUE_URL", created.jobs_url)
        reset_settings()
        reset_jobs_queue()
        try:
            yield created
        finally:
            reset_jobs_queue()
    monkeypatch.undo()
    reset_settings()


@pytest.fixture
def make_keepa(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., OfflineKeepa]]:
    """Start an offline Keepa (options as ``OfflineKeepa``) and point the settings at it; stopped after the test."""
    started: list[OfflineKeepa] = []

    def make(**options: Any) -> OfflineKeepa:
        keepa = OfflineKeepa(clock=CLOCK, **options)
        keepa.start()
        started.append(keepa)
        monkeypatch.setenv("KEEPA_BASE_URL", keepa.base_url)
        monkeypatch.setenv("KEEPA_API_KEY", "test-key")
        monkeypatch.delenv("KEEPA_SECRET_ARN", raising=False)
        reset_settings()
        reset_keepa_client()
        return keepa

    yield make
    reset_keepa_client()
    monkeypatch.undo()
    reset_settings()
    reset_engine()
    for keepa in started:
        keepa.stop()


@pytest.fixture
def keepa(make_keepa: Callable[..., OfflineKeepa]) -> OfflineKeepa:
    """An offline Keepa with a balance no test here exhausts."""
    return make_keepa(tokens=1_000_000, refill_rate=1_000)
