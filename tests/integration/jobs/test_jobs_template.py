"""template.yaml's job pipeline: queues, DLQ, the workers' event sources, schedule and scoped SQS policies."""

from __future__ import annotations

from typing import Any

import pytest

from infra.paths import TEMPLATE_PATH
from infra.template import load_document

JOB_FUNCTIONS = ("BatchWorkerFunction", "DlqHandlerFunction", "OutboxRelayFunction")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_document(TEMPLATE_PATH)


def _props(document: dict[str, Any], name: str) -> dict[str, Any]:
    properties: dict[str, Any] = document["Resources"][name]["Properties"]
    return properties


def test_jobs_queue_visibility_is_at_least_six_times_the_worker_timeout(document: dict[str, Any]) -> None:
    queue = _props(document, "JobsQueue")
    worker = _props(document, "BatchWorkerFunction")
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]


CRASH_RECOVERY_BOUND_SECONDS = 180


def test_a_crashed_workers_records_are_done_again_within_three_minutes(document: dict[str, Any]) -> None:
    # A crashed worker's records come back after the visibility timeout; one more invocation finishes them.
    queue = _props(document, "JobsQueue")
    worker = _props(document, "BatchWorkerFunction")
    assert queue["VisibilityTimeout"] + worker["Timeout"] < CRASH_RECOVERY_BOUND_SECONDS


def test_relay_reannounces_a_pending_chunk_only_after_a_crashed_batch_would_have_come_back(
        document: dict[str, Any]) -> None:
    queue = _props(document, "JobsQueue")
    worker = _props(document, "BatchWorkerFunction")
    relay = _props(document, "OutboxRelayFunction")["Environment"]["Variables"]
    assert int(relay["JOBS_REDRIVE_PENDING_AFTER_SECONDS"]) > queue["VisibilityTimeout"] + worker["Timeout"]


def test_jobs_queue_redrives_to_a_dlq_that_keeps_messages_longer(document: dict[str, Any]) -> None:
    queue, dlq = _props(document, "JobsQueue"), _props(document, "JobsDeadLetterQueue")
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["JobsDeadLetterQueue", "Arn"]}
    assert 1 < queue["RedrivePolicy"]["maxReceiveCount"] <= 10
    assert dlq["MessageRetentionPeriod"] == 1_209_600 > queue["MessageRetentionPeriod"]
    assert "RedrivePolicy" not in dlq


def test_worker_event_source_reports_partial_failures_with_bounded_concurrency(translated: dict[str, Any]) -> None:
    mappings = {name: r["Properties"] for name, r in translated["Resources"].items()
                if r["Type"] == "AWS::Lambda::EventSourceMapping"}
    worker = next(p for p in mappings.values() if p["FunctionName"] == {"Ref": "BatchWorkerFunctionAliaslive"})
    assert worker["EventSourceArn"] == {"Fn::GetAtt": ["JobsQueue", "Arn"]}
    assert worker["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 1 <= worker["BatchSize"] <= 10 and worker["MaximumBatchingWindowInSeconds"] > 0
    assert 2 <= worker["ScalingConfig"]["MaximumConcurrency"] <= 10
    dlq = next(p for p in mappings.values() if p["FunctionName"] == {"Ref": "DlqHandlerFunctionAliaslive"})
    assert dlq["EventSourceArn"] == {"Fn::GetAtt": ["JobsDeadLetterQueue", "Arn"]}
    assert dlq["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def _sqs_statements(translated: dict[str, Any], function: str) -> list[dict[str, Any]]:
    role = translated["Resources"][f"{function}Role"]["Properties"]
    return [statement for policy in role.get("Policies", [])
            for statement in policy["PolicyDocument"]["Statement"]
            if any(str(action).startswith("sqs:") for action in statement["Action"])]


@pytest.mark.parametrize("function", JOB_FUNCTIONS)
def test_job_functions_have_only_queue_scoped_sqs_permissions(translated: dict[str, Any], function: str) -> None:
    statements = _sqs_statements(translated, function)
    assert statements
    for statement in statements:
        assert "sqs:*" not in statement["Action"]
        assert "*" not in str(statement["Resource"]).replace("arn:${AWS::Partition}", "")


def test_functions_sending_job_messages_get_the_queue_url(document: dict[str, Any]) -> None:
    for name in ("BatchWorkerFunction", "OutboxRelayFunction"):
        variables = _props(document, name)["Environment"]["Variables"]
        assert variables["JOBS_QUEUE_URL"] == {"Ref": "JobsQueue"}
