"""What Lambda's SQS integration sends a function and how it reads the answer (pure, no I/O).

:func:`sqs_event` turns ReceiveMessage results into the event Lambda delivers (``Records`` with ``messageId``,
``receiptHandle``, ``body``, ``attributes``, ``messageAttributes``, ``md5OfBody``, ``eventSource``,
``eventSourceARN``, ``awsRegion``). :func:`settle` applies Lambda's rules for what to delete afterwards:

* the function failed (raised, timed out, its runtime died): nothing is deleted, the whole batch comes back
  after the visibility timeout;
* without ``ReportBatchItemFailures`` a result means the whole batch succeeded;
* with it, ``batchItemFailures`` lists the failed ``itemIdentifier`` values and only the others are deleted.
  An absent, null or empty list, an empty or null response: complete success. A response that is not an
  object, or an identifier that is missing, empty or not a message of the batch: complete failure.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

EVENT_SOURCE = "aws:sqs"


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """A MessageAttributeValue as Lambda spells it (camelCase, binary values base64-encoded)."""
    def encoded(data: Any) -> str:
        return base64.b64encode(data if isinstance(data, bytes) else str(data).encode()).decode()

    attribute: dict[str, Any] = {}
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = encoded(value["BinaryValue"])
    attribute["stringListValues"] = list(value.get("StringListValues") or [])
    attribute["binaryListValues"] = [encoded(item) for item in value.get("BinaryListValues") or []]
    attribute["dataType"] = value["DataType"]
    return attribute


def sqs_record(message: dict[str, Any], *, queue_arn: str, region: str) -> dict[str, Any]:
    """One ``Records`` entry for a message as boto3's ReceiveMessage returns it (all attributes requested)."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": {name: _message_attribute(value)
                              for name, value in (message.get("MessageAttributes") or {}).items()},
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    record.update({"md5OfBody": message["MD5OfBody"], "eventSource": EVENT_SOURCE, "eventSourceARN": queue_arn,
                   "awsRegion": region})
    return record


def sqs_event(messages: Sequence[dict[str, Any]], *, queue_arn: str, region: str) -> dict[str, Any]:
    """The event of one batch."""
    return {"Records": [sqs_record(message, queue_arn=queue_arn, region=region) for message in messages]}


@dataclass(frozen=True, slots=True)
class Settlement:
    """Which messages of a batch to delete; the rest come back after the visibility timeout."""

    delete: list[str]  # message ids
    failed: list[str]
    reason: str = ""  # why the whole batch failed, when it did


def _whole_batch_failed(ids: list[str], reason: str) -> Settlement:
    return Settlement([], list(ids), reason)


def settle(message_ids: Sequence[str], *, result: Any, error: str | None, report_failures: bool) -> Settlement:
    """Apply Lambda's rules to a batch's outcome: the function's ``result``, or the ``error`` that replaced it."""
    ids = list(message_ids)
    if error is not None:
        return _whole_batch_failed(ids, error)
    if not report_failures or result is None:
        return Settlement(ids, [])
    if not isinstance(result, dict):
        return _whole_batch_failed(ids, "invalid partial batch response: not an object")
    failures = result.get("batchItemFailures")
    if not failures:
        return Settlement(ids, [])
    if not isinstance(failures, list):
        return _whole_batch_failed(ids, "invalid partial batch response: batchItemFailures is not a list")
    failed: list[str] = []
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in ids:
            return _whole_batch_failed(ids, f"invalid partial batch response: itemIdentifier {identifier!r} is "
                                            "not a message of the batch")
        if identifier not in failed:
            failed.append(identifier)
    return Settlement([i for i in ids if i not in failed], failed)
