"""`arbvault local` with queues: the template's queues on the local SQS endpoint, its event-source mappings
polled as Lambda polls them (batch size, batching window, partial batch responses, maximum concurrency), the
dead-letter queue after ``maxReceiveCount``, and a stack that outlives every kind of handler failure.

Messages are sent and inspected over real HTTP with boto3, the way a function or the AWS CLI would.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from event_project import eventually, read_log, sqs_template, write_project
from local_process import LocalStackProcess, free_port, taken_port

from infra.local.aws import LOCAL_ACCOUNT_ID, sqs_client
from infra.local.function_env import local_region

pytestmark = pytest.mark.e2e


class EventStack:
    """The stack, its SQS endpoint and the log its handlers write."""

    def __init__(self, process: LocalStackProcess, endpoint: str, log: Path, template: Path) -> None:
        self.process = process
        self.endpoint = endpoint
        self.log = log
        self.template = template
        self.sqs = sqs_client(endpoint)

    def url(self, name: str) -> str:
        return f"{self.endpoint}/{LOCAL_ACCOUNT_ID}/{name}"

    def arn(self, name: str) -> str:
        return f"arn:aws:sqs:{local_region()}:{LOCAL_ACCOUNT_ID}:{name}"

    def send(self, queue: str, *bodies: str) -> float:
        """Send ``bodies`` in batches of ten; return when the first batch was sent."""
        sent = time.time()
        for start in range(0, len(bodies), 10):
            entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start:start + 10])]
            answer = self.sqs.send_message_batch(QueueUrl=self.url(queue), Entries=entries)
            assert not answer.get("Failed"), answer
        return sent

    def entries(self, function: str = "SqsProbeFunction", *, tag: str) -> list[dict[str, Any]]:
        """Logged invocations of ``function`` with a record whose body contains ``tag``."""
        return [entry for entry in read_log(self.log) if entry["function"] == function
                and any(tag in record["body"] for record in entry["records"])]

    def receive_counts(self, body: str) -> list[int]:
        return sorted(record["receiveCount"] for entry in read_log(self.log)
                      if entry["function"] == "SqsProbeFunction"
                      for record in entry["records"] if record["body"] == body)

    def dead_lettered(self, body: str) -> list[dict[str, Any]]:
        return [record for entry in read_log(self.log) if entry["function"] == "DeadLettersFunction"
                for record in entry["records"] if record["body"] == body]

    def waiting(self, queue: str) -> int:
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.url(queue), AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


@pytest.fixture(scope="module")
def events(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EventStack]:
    root = tmp_path_factory.mktemp("sqs-project")
    template = write_project(root, sqs_template())
    log = root / "probe.log"
    port = free_port()
    process = LocalStackProcess(tmp_path_factory.mktemp("sqs-stack"), database_url, template=template,
                                extra_args=("--env", f"PROBE_LOG={log}", "--sqs-port", str(port)))
    try:
        process.wait_ready()
        yield EventStack(process, f"http://127.0.0.1:{port}", log, template)
    finally:
        code = process.stop()
    # Pollers sit in long polls and invocations may be under way: the stack still stops cleanly.
    assert code == 0, process.tails()
    assert "Traceback" not in process.stdout


def _tag() -> str:
    return uuid.uuid4().hex[:8]


def test_queues_are_created_with_the_templates_names_and_attributes(events: EventStack) -> None:
    urls = events.sqs.list_queues()["QueueUrls"]
    for name in ("probe-e2e", "ProbeDeadLetters", "WindowQueue", "SlowQueue", "EchoQueue", "OrderedQueue.fifo"):
        assert events.url(name) in urls
    probe = events.sqs.get_queue_attributes(QueueUrl=events.url("probe-e2e"), AttributeNames=["All"])["Attributes"]
    assert probe["VisibilityTimeout"] == "2" and probe["MessageRetentionPeriod"] == "600"
    assert probe["QueueArn"] == events.arn("probe-e2e")
    assert json.loads(probe["RedrivePolicy"]) == {"deadLetterTargetArn": events.arn("ProbeDeadLetters"),
                                                  "maxReceiveCount": 3}
    dlq = events.sqs.get_queue_attributes(QueueUrl=events.url("ProbeDeadLetters"),
                                          AttributeNames=["All"])["Attributes"]
    assert dlq["VisibilityTimeout"] == "5" and dlq["MessageRetentionPeriod"] == "1209600"
    fifo = events.sqs.get_queue_attributes(QueueUrl=events.url("OrderedQueue.fifo"),
                                           AttributeNames=["All"])["Attributes"]
    assert fifo["FifoQueue"] == "true" and fifo["ContentBasedDeduplication"] == "true"


def test_banner_lists_the_endpoint_queues_and_enabled_mappings(events: EventStack) -> None:
    out = events.process.stdout
    assert f"  SQS       {events.endpoint} (moto)" in out
    assert "  queue     ProbeQueue probe-e2e (visibility 2 s, DLQ ProbeDeadLetters after 3 receives)" in out
    assert ("  pollers   ProbeQueue -> sqs_probe (batch 10, window 1 s, partial failures, concurrency 2)"
            in out)
    assert "EchoQueue -> sqs_probe" not in out  # that mapping is disabled


def test_queue_reference_in_the_environment_is_the_local_queue(events: EventStack) -> None:
    tag = _tag()
    events.send("probe-e2e", f"send:echo-{tag}")
    # The probe sent it with a plain boto3 client: endpoint, region and credentials came from its environment.
    # EchoQueue's own mapping is disabled, so the message waits there.
    answer = eventually(lambda: events.sqs.receive_message(QueueUrl=events.url("EchoQueue"), WaitTimeSeconds=1,
                                                           MaxNumberOfMessages=10).get("Messages"),
                        "the probe's message in EchoQueue")
    assert [m["Body"] for m in answer] == [f"echo-{tag}"]


def test_lambda_event_has_the_sqs_record_shape(events: EventStack) -> None:
    tag = _tag()
    body = f"shape-{tag}"
    events.sqs.send_message(QueueUrl=events.url("probe-e2e"), MessageBody=body, MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "probe"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
    })
    entry = eventually(lambda: events.entries(tag=tag), "the probe's invocation")[0]
    record = next(r for r in entry["full"] if r["body"] == body)
    assert list(record) == ["messageId", "receiptHandle", "body", "attributes", "messageAttributes",
                            "md5OfMessageAttributes", "md5OfBody", "eventSource", "eventSourceARN", "awsRegion"]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"] == {
        "kind": {"stringValue": "probe", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
        "blob": {"binaryValue": base64.b64encode(b"\x00\x01").decode(), "stringListValues": [],
                 "binaryListValues": [], "dataType": "Binary"},
    }
    assert record["md5OfBody"] == hashlib.md5(body.encode()).hexdigest()
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == events.arn("probe-e2e")
    assert record["awsRegion"] == local_region()


def test_partial_batch_deletes_only_successes_and_failures_reach_the_dead_letter_queue(events: EventStack) -> None:
    tag = _tag()
    sent = events.send("probe-e2e", f"ok-{tag}", f"fail-{tag}")
    dead = eventually(lambda: events.dead_lettered(f"fail-{tag}"), "the failing message in the DLQ", timeout=40)
    # The success was deleted after its first delivery; the failure came back until maxReceiveCount (3).
    assert events.receive_counts(f"ok-{tag}") == [1]
    assert events.receive_counts(f"fail-{tag}") == [1, 2, 3]
    starts = [entry["start"] for entry in events.entries(tag=f"fail-{tag}")]
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert all(gap >= 1.9 for gap in gaps), gaps  # never before the 2-second visibility timeout
    assert starts[0] - sent < 5
    # The DLQ's own event source received it, with the DLQ as its source.
    assert dead[0]["source"] == events.arn("ProbeDeadLetters")
    assert "SQS ProbeQueue -> sqs_probe 2 records, 1 failed " in events.process.stdout
    events.process.wait_for_line("SQS ProbeDeadLetters -> dead_letters 1 record, 0 failed ")  # after the handler
    eventually(lambda: events.waiting("probe-e2e") == 0 and events.waiting("ProbeDeadLetters") == 0,
               "both queues to drain")


def test_raising_function_returns_the_whole_batch(events: EventStack) -> None:
    tag = _tag()
    events.send("probe-e2e", f"fine-{tag}", f"raise-{tag}")
    eventually(lambda: events.dead_lettered(f"raise-{tag}"), "the raising message in the DLQ", timeout=40)
    # The fine message was in the failed batch, so it came back although it was not the culprit.
    assert events.receive_counts(f"fine-{tag}")[:2] == [1, 2]
    assert "RuntimeError: probe raised on purpose" in events.process.stdout


def test_runtime_exit_and_timeout_fail_the_batch_and_the_stack_lives_on(events: EventStack) -> None:
    tag = _tag()
    events.send("probe-e2e", f"exit-{tag}")
    events.send("SlowQueue", f"hang-{tag}")
    eventually(lambda: events.dead_lettered(f"exit-{tag}"), "the exiting message in the DLQ", timeout=40)
    # SlowQueue's DLQ has no event source: the message that timed out twice waits there.
    moved = eventually(lambda: events.sqs.receive_message(QueueUrl=events.url("SlowDeadLetters"), WaitTimeSeconds=1,
                                                          MessageSystemAttributeNames=["All"]).get("Messages"),
                       "the hanging message in SlowDeadLetters", timeout=40)
    assert moved[0]["Body"] == f"hang-{tag}"
    out = events.process.stdout
    assert "Runtime.ExitError: runtime exited with status 3" in out
    assert "Sandbox.Timedout: Task timed out after 1.00 seconds" in out
    # Still polling and invoking.
    events.send("probe-e2e", f"after-{tag}")
    eventually(lambda: events.receive_counts(f"after-{tag}") == [1], "a message after the failures")
    assert events.process.process.poll() is None


def test_batching_window_gathers_records_until_it_ends(events: EventStack) -> None:
    tag = _tag()
    sent = events.send("WindowQueue", *(f"w{i}-{tag}" for i in range(3)))
    entries = eventually(lambda: events.entries(tag=tag), "the window's batch")
    time.sleep(0.5)  # nothing else may follow
    entries = events.entries(tag=tag)
    assert [len(entry["records"]) for entry in entries] == [3]
    waited = entries[0]["start"] - sent
    assert 1.8 <= waited < 5, waited  # the 2-second window, not the first receive


def test_batch_size_caps_every_batch_and_a_full_batch_does_not_wait(events: EventStack) -> None:
    tag = _tag()
    sent = events.send("WindowQueue", *(f"b{i}-{tag}" for i in range(12)))
    eventually(lambda: sum(len(e["records"]) for e in events.entries(tag=tag)) == 12, "all twelve records")
    entries = events.entries(tag=tag)
    sizes = sorted(len(entry["records"]) for entry in entries)
    assert max(sizes) == 5 and sizes.count(5) >= 2, sizes
    assert min(entry["start"] - sent for entry in entries if len(entry["records"]) == 5) < 1.5


def test_maximum_concurrency_bounds_concurrent_invocations(events: EventStack) -> None:
    tag = _tag()
    events.send("ConcurrencyQueue", *(f"sleep:0.5:{tag}-{i}" for i in range(8)))
    eventually(lambda: len(events.entries(tag=tag)) == 8, "eight single-record invocations")
    spans = [(entry["start"], entry["end"]) for entry in events.entries(tag=tag)]
    most = max(sum(1 for start, end in spans if start <= moment < end) for moment, _ in spans)
    assert most == 2, spans  # MaximumConcurrency: 2, and both pollers were busy at once


def test_taken_sqs_port_is_one_clear_line_and_exit_2(database_url: str, tmp_path: Path) -> None:
    with taken_port() as port:
        stack = LocalStackProcess(tmp_path, database_url, extra_args=("--sqs-port", str(port), "--no-reload"))
        code = stack.exit_code(60)
    assert code == 2
    assert stack.stderr.strip() == f"arbvault local: port {port} on 127.0.0.1 is already in use (try --sqs-port)"


def test_edited_template_adds_a_queue_and_its_mapping(events: EventStack) -> None:
    document = yaml.safe_load(events.template.read_text())
    document["Resources"]["LateQueue"] = {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 7}}
    document["Resources"]["DeadLettersFunction"]["Properties"]["Events"]["Late"] = {
        "Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": ["LateQueue", "Arn"]}}}
    events.template.write_text(yaml.safe_dump(document, sort_keys=False))
    events.process.wait_for_line("reload: created LateQueue (visibility 7 s)", timeout=20)
    events.process.wait_for_line("reload: event-source mappings updated: dead_letters.Late")
    tag = _tag()
    events.sqs.send_message(QueueUrl=events.url("LateQueue"), MessageBody=f"late-{tag}")
    record = eventually(lambda: events.dead_lettered(f"late-{tag}"), "the new mapping's invocation")[0]
    assert record["source"] == events.arn("LateQueue")
