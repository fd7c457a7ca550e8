"""Lambda's SQS integration, without I/O: the event's records and what is deleted after an invocation."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.sqs_events import Settlement, settle, sqs_event

IDS = ["m1", "m2", "m3"]
ARN = "arn:aws:sqs:us-east-1:000000000000:jobs"


def test_event_spells_records_as_lambda_does() -> None:
    message = {
        "MessageId": "m1", "ReceiptHandle": "rh", "MD5OfBody": "md5", "Body": "{}",
        "Attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1"},
        "MD5OfMessageAttributes": "amd5",
        "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "7"},
                              "b": {"DataType": "Binary", "BinaryValue": b"\xff"}},
    }
    (record,) = sqs_event([message], queue_arn=ARN, region="eu-west-1")["Records"]
    assert record == {
        "messageId": "m1", "receiptHandle": "rh", "body": "{}",
        "attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1"},
        "messageAttributes": {
            "n": {"stringValue": "7", "stringListValues": [], "binaryListValues": [], "dataType": "Number"},
            "b": {"binaryValue": "/w==", "stringListValues": [], "binaryListValues": [], "dataType": "Binary"}},
        "md5OfMessageAttributes": "amd5", "md5OfBody": "md5", "eventSource": "aws:sqs", "eventSourceARN": ARN,
        "awsRegion": "eu-west-1",
    }


def test_message_without_attributes_has_no_attribute_checksum() -> None:
    (record,) = sqs_event([{"MessageId": "m", "ReceiptHandle": "r", "MD5OfBody": "x", "Body": ""}],
                          queue_arn=ARN, region="us-east-1")["Records"]
    assert record["messageAttributes"] == {} and "md5OfMessageAttributes" not in record


@pytest.mark.parametrize(("result", "delete", "failed"), [
    (None, IDS, []),
    ({}, IDS, []),
    ({"batchItemFailures": None}, IDS, []),
    ({"batchItemFailures": []}, IDS, []),
    ({"batchItemFailures": [{"itemIdentifier": "m2"}]}, ["m1", "m3"], ["m2"]),
    ({"batchItemFailures": [{"itemIdentifier": "m3"}, {"itemIdentifier": "m1"}, {"itemIdentifier": "m3"}]},
     ["m2"], ["m3", "m1"]),
])
def test_partial_batch_response_deletes_all_but_the_failures(result: Any, delete: list[str],
                                                            failed: list[str]) -> None:
    assert settle(IDS, result=result, error=None, report_failures=True) == Settlement(delete, failed)


@pytest.mark.parametrize("result", [
    "ok",
    [],
    {"batchItemFailures": "m1"},
    {"batchItemFailures": [{"itemIdentifier": ""}]},
    {"batchItemFailures": [{"itemIdentifier": None}]},
    {"batchItemFailures": [{"id": "m1"}]},
    {"batchItemFailures": [{"itemIdentifier": "not-in-batch"}]},
])
def test_invalid_partial_batch_response_fails_the_whole_batch(result: Any) -> None:
    settlement = settle(IDS, result=result, error=None, report_failures=True)
    assert settlement.delete == [] and settlement.failed == IDS
    assert settlement.reason.startswith("invalid partial batch response")


def test_function_error_fails_the_whole_batch_whatever_the_setting() -> None:
    for report in (True, False):
        settlement = settle(IDS, result=None, error="Sandbox.Timedout: Task timed out", report_failures=report)
        assert settlement == Settlement([], IDS, "Sandbox.Timedout: Task timed out")


def test_without_report_batch_item_failures_any_result_is_success() -> None:
    result = {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert settle(IDS, result=result, error=None, report_failures=False) == Settlement(IDS, [])
