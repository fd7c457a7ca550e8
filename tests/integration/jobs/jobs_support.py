"""Helpers for job pipeline tests (a uniquely named module): identifiers, database reads, and a local stand-in
for Lambda's SQS event-source mapping that drives the real worker handlers over the moto server."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from arbvault.db import get_engine
from arbvault.identifiers import isbn13_check_digit
from infra.keepa_offline import is_unknown
from infra.lambda_context import LocalLambdaContext
from support import ADMIN, load_function

CLOCK = 8_380_000
"""Pinned catalogue clock, so generated books are identical across runs."""
OWNER = ADMIN["key_id"]


def isbn13s(count: int, *, known: bool = True, start: int = 0) -> list[str]:
    """Distinct valid 978 ISBN-13s the offline server knows (or, with ``known=False``, does not)."""
    found: list[str] = []
    n = start
    while len(found) < count:
        first12 = f"978{(n * 7_654_321 + 13) % 10 ** 9:09d}"
        isbn = first12 + isbn13_check_digit(first12)
        if is_unknown(isbn) != known:
            found.append(isbn)
        n += 1
    return found


def rows(sql: str, **params: Any) -> list[dict[str, Any]]:
    with get_engine().connect() as connection:
        return [dict(row) for row in connection.execute(text(sql), params).mappings()]


def scalar(sql: str, **params: Any) -> Any:
    with get_engine().connect() as connection:
        return connection.execute(text(sql), params).scalar()


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


@dataclass(frozen=True)
class Queues:
    """The test's jobs queue and DLQ, and the template's maxReceiveCount between them."""

    jobs_url: str
    dlq_url: str
    max_receive_count: int


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS event source gives a function, for messages from ``receive_message``."""
    records = []
    for message in messages:
        attributes = message.get("Attributes") or {}
        records.append({
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": {
                "ApproximateReceiveCount": attributes.get("ApproximateReceiveCount", "1"),
                "SentTimestamp": attributes.get("SentTimestamp", str(int(time.time() * 1000))),
                "SenderId": attributes.get("SenderId", "AIDAEXAMPLE"),
                "ApproximateFirstReceiveTimestamp": attributes.get("ApproximateFirstReceiveTimestamp",
                                                                   str(int(time.time() * 1000))),
            },
            "messageAttributes": {},
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": "us-east-1",
        })
    return {"Records": records}


@dataclass
class EventSource:
    """Lambda's SQS event-source mapping, in the test's thread: receive a batch, invoke the function's real
    handler, delete what it reports as successes; failures stay in flight until the visibility timeout."""

    sqs: Any
    queue_url: str
    function: str
    batch_size: int = 4
    timeout_seconds: float = 2.0
    invocations: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def queue_arn(self) -> str:
        answer = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
        return str(answer["Attributes"]["QueueArn"])

    def receive(self, wait_seconds: int = 1) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=self.batch_size,
                                          WaitTimeSeconds=wait_seconds, AttributeNames=["All"])
        return list(answer.get("Messages", []))

    def invoke(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """Invoke the handler with ``messages`` and delete the successes, as the event source does."""
        handler = load_function(self.function).handler
        context = LocalLambdaContext(function_name=self.function, timeout_seconds=self.timeout_seconds)
        self.invocations += 1
        try:
            response = handler(sqs_event(messages, self.queue_arn), context)
        except Exception:
            response = {"batchItemFailures": [{"itemIdentifier": m["MessageId"]} for m in messages]}
        failed = {item["itemIdentifier"] for item in (response or {}).get("batchItemFailures", [])}
        self.failures += sorted(failed)
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
        return response or {}

    def poll_once(self, wait_seconds: int = 1) -> int:
        """One receive and, if anything came, one invocation; returns the number of records."""
        messages = self.receive(wait_seconds)
        if messages:
            self.invoke(messages)
        return len(messages)

    def run_until(self, done: Callable[[], bool], *, timeout: float = 30.0,
                  also: list[EventSource] | None = None) -> None:
        """Poll (this source and ``also``) until ``done()``; fails the test after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, f"not done after {timeout} s"
            for source in [self, *(also or [])]:
                source.poll_once(wait_seconds=1)

    def drain(self, *, quiet_polls: int = 2) -> None:
        """Poll until ``quiet_polls`` receives in a row bring nothing."""
        quiet = 0
        while quiet < quiet_polls:
            quiet = quiet + 1 if self.poll_once(wait_seconds=1) == 0 else 0


def job_settled(job_id: uuid.UUID) -> Callable[[], bool]:
    return lambda: job_row(job_id)["status"] in ("SUCCESS", "ERROR", "CANCELLED")
