"""Helpers for the batches function's tests (a uniquely named module): identifiers the offline Keepa knows, the
template's queues in moto, database reads, and Lambda's SQS event source driving the real batch_worker."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from arbvault.db import get_engine
from arbvault.identifiers import isbn13_check_digit
from infra.keepa_offline import OfflineKeepa, is_unknown
from infra.lambda_context import LocalLambdaContext
from infra.template import parameter_values, project_template, resolve_value
from support import load_function

CLOCK = 8_380_000
"""Pinned catalogue clock, so generated books are identical across runs."""
BATCHES = "/api/v1/batches"

MakeKeepa = Callable[..., OfflineKeepa]
"""The ``make_keepa`` fixture: starts an offline Keepa with the given options and points the settings at it."""


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


def execute(sql: str, **params: Any) -> None:
    with get_engine().begin() as connection:
        connection.execute(text(sql), params)


@dataclass(frozen=True)
class JobQueues:
    """The jobs queue and its DLQ as created from the template, and a client for them."""

    sqs: Any
    jobs_url: str
    dlq_url: str

    def messages(self, url: str | None = None) -> list[dict[str, Any]]:
        """Every message visible on the queue now (received, then made visible again at once)."""
        found: dict[str, dict[str, Any]] = {}
        while True:
            answer = self.sqs.receive_message(QueueUrl=url or self.jobs_url, MaxNumberOfMessages=10,
                                              VisibilityTimeout=30, AttributeNames=["All"])
            batch = answer.get("Messages", [])
            if not batch:
                break
            found.update({m["MessageId"]: m for m in batch})
        for message in found.values():
            self.sqs.change_message_visibility(QueueUrl=url or self.jobs_url,
                                               ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
        return list(found.values())


def _template_attributes(logical_id: str, resources: dict[str, dict[str, str]]) -> tuple[str, dict[str, str]]:
    """A queue's name and SQS attributes, read from its AWS::SQS::Queue properties in template.yaml."""
    document = project_template().document
    props: dict[str, Any] = document["Resources"][logical_id]["Properties"]
    parameters = parameter_values(document)
    name = resolve_value(props["QueueName"], parameters, resources)
    assert name is not None
    attributes: dict[str, str] = {}
    for key, value in props.items():
        if key == "QueueName":
            continue
        if key == "RedrivePolicy":
            target = resolve_value(value["deadLetterTargetArn"], parameters, resources)
            attributes[key] = json.dumps({"deadLetterTargetArn": target, "maxReceiveCount": value["maxReceiveCount"]})
        else:
            attributes[key] = resolve_value(value, parameters, resources) or ""
    # Unique per test, so no message of another test's queue is ever seen.
    return f"{name}-{uuid.uuid4().hex[:8]}", attributes


def create_template_queues() -> JobQueues:
    """Create JobsDeadLetterQueue, then JobsQueue redriving to it, as the template declares them (call in moto)."""
    import boto3

    sqs = boto3.client("sqs", region_name="us-east-1")
    resources: dict[str, dict[str, str]] = {}
    urls = {}
    for logical_id in ("JobsDeadLetterQueue", "JobsQueue"):
        name, attributes = _template_attributes(logical_id, resources)
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        resources[logical_id] = {"Ref": url, "Arn": arn, "QueueName": name}
        urls[logical_id] = url
    return JobQueues(sqs, urls["JobsQueue"], urls["JobsDeadLetterQueue"])


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS event source hands a function for messages from ``receive_message``."""
    now = str(int(time.time() * 1000))
    return {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": {"ApproximateReceiveCount": m.get("Attributes", {}).get("ApproximateReceiveCount", "1"),
                       "SentTimestamp": m.get("Attributes", {}).get("SentTimestamp", now), "SenderId": "AIDAEXAMPLE",
                       "ApproximateFirstReceiveTimestamp": now},
        "messageAttributes": {}, "md5OfBody": m.get("MD5OfBody", ""), "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn, "awsRegion": "us-east-1",
    } for m in messages]}


def run_worker(queues: JobQueues, *, batch_size: int = 4, max_batches: int | None = None) -> int:
    """Deliver the jobs queue to the real batch_worker handler as the event source would (successes deleted)
    until it is empty or ``max_batches`` batches ran; returns the batches delivered."""
    arn = queues.sqs.get_queue_attributes(QueueUrl=queues.jobs_url, AttributeNames=["QueueArn"])["Attributes"]
    handler = load_function("batch_worker").handler
    batches = 0
    while max_batches is None or batches < max_batches:
        messages = queues.sqs.receive_message(QueueUrl=queues.jobs_url, MaxNumberOfMessages=batch_size,
                                              AttributeNames=["All"]).get("Messages", [])
        if not messages:
            break
        batches += 1
        answer = handler(sqs_event(messages, arn["QueueArn"]),
                         LocalLambdaContext(function_name="batch_worker", timeout_seconds=120))
        failed = {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
        assert not failed, f"the worker failed records {failed}"
        queues.sqs.delete_message_batch(QueueUrl=queues.jobs_url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
    return batches
