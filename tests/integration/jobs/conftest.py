"""Job pipeline tests: the run's database, a moto server over real HTTP with the template's queues, and an
offline Keepa of each test's own.

Queues are built from template.yaml's own JobsQueue / JobsDeadLetterQueue properties (redrive policy,
retention), with names unique per test and a visibility timeout of seconds instead of the deployed 720 s, so
redelivery and the DLQ can be observed in a test's time.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text

from arbvault.db import get_engine, reset_engine
from arbvault.jobs import reset_jobs_queue
from arbvault.keepa import reset_keepa_client
from arbvault.settings import reset_settings
from infra.keepa_offline import OfflineKeepa
from infra.template import project_template
from jobs_support import CLOCK, EventSource, Queues

TEST_VISIBILITY_SECONDS = 3
"""Above the worker's test lease (``EventSource.timeout_seconds``, 2 s), as 720 s is above 120 s deployed."""
AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def sqs_endpoint() -> Iterator[str]:
    """A moto server on loopback for the session; boto3 reaches it through ``AWS_ENDPOINT_URL_SQS``."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    saved = {name: os.environ.get(name) for name in [*AWS_ENV, "AWS_ENDPOINT_URL_SQS"]}
    os.environ.update(AWS_ENV, AWS_ENDPOINT_URL_SQS=endpoint)
    try:
        yield endpoint
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        server.stop()


@pytest.fixture
def sqs(sqs_endpoint: str) -> Any:
    import boto3

    return boto3.client("sqs", endpoint_url=sqs_endpoint, region_name="us-east-1")


def _template_queue(name: str) -> dict[str, Any]:
    properties: dict[str, Any] = project_template().document["Resources"][name]["Properties"]
    return properties


@pytest.fixture
def make_queues(sqs: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Queues]]:
    """Create the template's jobs queue and DLQ (fresh names) and point ``JOBS_QUEUE_URL`` at the jobs queue."""

    def make(*, visibility_seconds: int = TEST_VISIBILITY_SECONDS) -> Queues:
        suffix = uuid.uuid4().hex[:8]
        dlq_props = _template_queue("JobsDeadLetterQueue")
        dlq_url = sqs.create_queue(QueueName=f"jobs-dlq-{suffix}", Attributes={
            "MessageRetentionPeriod": str(dlq_props["MessageRetentionPeriod"])})["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        props = _template_queue("JobsQueue")
        max_receive = int(props["RedrivePolicy"]["maxReceiveCount"])
        jobs_url = sqs.create_queue(QueueName=f"jobs-{suffix}", Attributes={
            "VisibilityTimeout": str(visibility_seconds),
            "MessageRetentionPeriod": str(props["MessageRetentionPeriod"]),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive}),
        })["QueueUrl"]
        monkeypatch.setenv("JOBS_QUEUE_URL", jobs_url)
        reset_settings()
        reset_jobs_queue()
        return Queues(jobs_url, dlq_url, max_receive)

    yield make
    monkeypatch.undo()
    reset_settings()
    reset_jobs_queue()


@pytest.fixture
def queues(make_queues: Callable[..., Queues]) -> Queues:
    """The template's jobs queue and DLQ with the tests' visibility timeout."""
    return make_queues()


@pytest.fixture
def worker(sqs: Any, queues: Queues) -> EventSource:
    """The batch_worker function behind the jobs queue."""
    return EventSource(sqs, queues.jobs_url, "batch_worker", batch_size=4)


@pytest.fixture
def dlq_source(sqs: Any, queues: Queues) -> EventSource:
    """The dlq_handler function behind the jobs DLQ."""
    return EventSource(sqs, queues.dlq_url, "dlq_handler", batch_size=10)


@pytest.fixture(autouse=True)
def _clean_state(database_url: str) -> None:
    """Each test starts with no jobs and no Keepa state (snapshots, misses, the stored balance)."""
    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM analyses WHERE job_id IS NOT NULL"))
        connection.execute(text("TRUNCATE jobs, job_chunks, outbox, job_dead_letters, keepa_snapshots, "
                                "keepa_misses, keepa_token_state"))


@pytest.fixture
def make_keepa(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., OfflineKeepa]]:
    """Start an offline Keepa (options as ``OfflineKeepa``) and point the settings at it; stopped after."""
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
