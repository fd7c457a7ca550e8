"""`arbvault local` keeps queue contents across restarts: what ``infra.local.queue_store`` saves from moto and sends
back, on the test run's moto server."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from infra.local import queue_store


def _visible(sqs: Any, url: str) -> list[dict[str, Any]]:
    answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                 MessageAttributeNames=["All"])
    return list(answer.get("Messages", []))


def test_queued_in_flight_and_delayed_messages_are_saved_and_sent_back(sqs: Any, tmp_path: Path) -> None:
    # GIVEN a queue holding a visible message, one in flight with a worker and one delayed by 60 s
    name = f"kept-{uuid.uuid4().hex[:8]}"
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
    account_id = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"].split(":")[4]
    sqs.send_message(QueueUrl=url, MessageBody="in flight")
    assert [m["Body"] for m in _visible(sqs, url)] == ["in flight"]
    sqs.send_message(QueueUrl=url, MessageBody="queued",
                     MessageAttributes={"kind": {"DataType": "String", "StringValue": "chunk"}})
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=60)
    store = tmp_path / queue_store.STORE_FILE

    # WHEN the stack stops (the queue's messages saved) and starts again on an empty queue
    assert queue_store.save(store, queue_store.snapshot(account_id, [name, "no-such-queue"])) == 3
    saved = json.loads(store.read_text())[name]
    sqs.delete_queue(QueueUrl=url)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    restored = queue_store.restore(store, sqs, {name: url})

    # THEN all three are back: two visible at once (attributes kept), the delayed one still delayed
    assert restored == {name: 3} and not store.exists()
    assert sorted(m["delay_seconds"] > 55 for m in saved) == [False, False, True]
    back = {m["Body"]: m for m in _visible(sqs, url)}
    assert set(back) == {"in flight", "queued"}
    assert back["queued"]["MessageAttributes"]["kind"]["StringValue"] == "chunk"
    delayed = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])
    assert delayed["Attributes"]["ApproximateNumberOfMessagesDelayed"] == "1"


def test_nothing_to_keep_leaves_no_file_and_a_missing_file_restores_nothing(sqs: Any, tmp_path: Path) -> None:
    store = tmp_path / queue_store.STORE_FILE
    store.write_text("{}")

    assert queue_store.save(store, {}) == 0
    assert not store.exists()
    assert queue_store.restore(store, sqs, {}) == {}
