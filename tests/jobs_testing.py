"""The job pipeline's AWS side in tests (a uniquely named module): the template's jobs queue and DLQ created in
moto, and Lambda's SQS event-source mapping driving the real worker handlers in the test's thread."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from infra.lambda_context import LocalLambdaContext
from infra.local.sqs_events import settle, sqs_event
from infra.template import parameter_values, project_template, resolve_value
from support import load_function

REGION = "us-east-1"


@dataclass(frozen=True)
class JobQueues:
    """The jobs queue and its DLQ as created from the template, the template's maxReceiveCount between them,
    and a client for them."""

    sqs: Any
    jobs_url: str
    dlq_url: str
    max_receive_count: int

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


def _template_queue(logical_id: str, resources: dict[str, dict[str, str]], suffix: str) -> tuple[str, dict[str, str]]:
    """A queue's name (the template's, plus ``suffix``) and its SQS attributes, read from its AWS::SQS::Queue
    properties in template.yaml."""
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
    return f"{name}-{suffix}", attributes


def create_template_queues(sqs: Any, *, visibility_seconds: int | None = None) -> JobQueues:
    """Create JobsDeadLetterQueue, then JobsQueue redriving to it, as the template declares them.

    Names get a suffix of their own, so no test ever sees another test's messages. ``visibility_seconds``
    replaces the jobs queue's visibility timeout (150 s deployed), so redelivery can happen in a test's time.
    """
    suffix = uuid.uuid4().hex[:8]
    resources: dict[str, dict[str, str]] = {}
    urls = {}
    for logical_id in ("JobsDeadLetterQueue", "JobsQueue"):
        name, attributes = _template_queue(logical_id, resources, suffix)
        if logical_id == "JobsQueue" and visibility_seconds is not None:
            attributes["VisibilityTimeout"] = str(visibility_seconds)
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        resources[logical_id] = {"Ref": url, "Arn": arn, "QueueName": name}
        urls[logical_id] = url
    redrive = project_template().document["Resources"]["JobsQueue"]["Properties"]["RedrivePolicy"]
    return JobQueues(sqs, urls["JobsQueue"], urls["JobsDeadLetterQueue"], int(redrive["maxReceiveCount"]))


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
        """Invoke the handler with ``messages`` and delete the successes, as the event source does; returns the
        handler's answer (every record failed, when it raised)."""
        handler = load_function(self.function).handler
        context = LocalLambdaContext(function_name=self.function, timeout_seconds=self.timeout_seconds)
        self.invocations += 1
        response, error = None, None
        try:
            response = handler(sqs_event(messages, queue_arn=self.queue_arn, region=REGION), context)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        outcome = settle([m["MessageId"] for m in messages], result=response, error=error, report_failures=True)
        self.failures += sorted(outcome.failed)
        done = [m for m in messages if m["MessageId"] in outcome.delete]
        if done:
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
        if error is not None:
            return {"batchItemFailures": [{"itemIdentifier": i} for i in outcome.failed]}
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


def run_worker(queues: JobQueues, *, batch_size: int = 4, max_batches: int | None = None) -> int:
    """Deliver the jobs queue to the real batch_worker handler as the event source would, until it is empty or
    ``max_batches`` batches ran; fails the test if a record fails. Returns the batches delivered."""
    worker = EventSource(queues.sqs, queues.jobs_url, "batch_worker", batch_size=batch_size, timeout_seconds=120)
    batches = 0
    while max_batches is None or batches < max_batches:
        messages = worker.receive(wait_seconds=0)
        if not messages:
            break
        batches += 1
        worker.invoke(messages)
        assert not worker.failures, f"the worker failed records {worker.failures}"
    return batches
