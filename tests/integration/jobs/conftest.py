"""Job pipeline tests: the run's database, the template's queues on the session's moto server (over real HTTP),
and an offline Keepa of each test's own.

The queues get names unique per test and a visibility timeout of seconds instead of the deployed 150 s, so
redelivery and the DLQ can be observed in a test's time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jobs_testing import EventSource, JobQueues

TEST_VISIBILITY_SECONDS = 3
"""Above the worker's test lease (``EventSource.timeout_seconds``, 2 s), as 150 s is above 25 s deployed."""


@pytest.fixture(autouse=True)
def _fresh_state(clean_jobs: None, clean_catalog: None) -> None:
    """Each test starts with no jobs and no Keepa state (snapshots, misses, the stored balance)."""


@pytest.fixture
def queues(make_queues: Callable[..., JobQueues]) -> JobQueues:
    """The template's jobs queue and DLQ with the tests' visibility timeout."""
    return make_queues(visibility_seconds=TEST_VISIBILITY_SECONDS)


@pytest.fixture
def worker(sqs: Any, queues: JobQueues) -> EventSource:
    """The batch_worker function behind the jobs queue."""
    return EventSource(sqs, queues.jobs_url, "batch_worker", batch_size=4)


@pytest.fixture
def dlq_source(sqs: Any, queues: JobQueues) -> EventSource:
    """The dlq_handler function behind the jobs DLQ."""
    return EventSource(sqs, queues.dlq_url, "dlq_handler", batch_size=10)
