"""Queue contents kept across `arbvault local` restarts: saved when the stack stops, sent again when it starts.

At stop, every message still in a queue is written to ``queues.json`` in the state folder: visible ones,
delayed ones, and those in flight with a worker the stop cut short. They are read from moto's own store,
since messages in flight cannot be received through the API. At start, each goes back to its queue (found by
name) through ``SendMessageBatch``, visible at once or after what was left of its delay; its body, string and
number attributes and FIFO group and deduplication ids are kept, its receive count starts over. The file is
removed once its messages are back. A stack killed without stopping (SIGKILL) saves nothing.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from infra.local.function_env import local_region

STORE_FILE = "queues.json"
SEND_BATCH_SIZE = 10  # SQS's limit for one SendMessageBatch


def _entry(message: Any, now_ms: float) -> dict[str, Any]:
    entry: dict[str, Any] = {"body": message.body,
                             "delay_seconds": max(0, math.ceil((message.delayed_until - now_ms) / 1000))}
    attributes = {name: {"DataType": value["DataType"], "StringValue": value["StringValue"]}
                  for name, value in message.message_attributes.items() if "StringValue" in value}
    if attributes:
        entry["attributes"] = attributes
    if message.group_id:
        entry["group_id"] = message.group_id
    if message.deduplication_id:
        entry["deduplication_id"] = message.deduplication_id
    return entry


def snapshot(account_id: str, names: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Every message of the queues ``names`` on this process's moto server, in flight or not, by queue name."""
    from moto.sqs.models import sqs_backends

    backend = sqs_backends[account_id][local_region()]
    now_ms = time.time() * 1000
    kept = {}
    for name in names:
        queue = backend.queues.get(name)
        if queue is None:
            continue
        with queue._messages_lock:  # moto's own lock: senders and receivers hold it while changing the list
            messages = [_entry(message, now_ms) for message in queue._messages]
        if messages:
            kept[name] = messages
    return kept


def save(path: Path, kept: Mapping[str, list[dict[str, Any]]]) -> int:
    """Write ``kept`` to ``path`` (remove the file when there is nothing to keep); returns the messages kept."""
    if not kept:
        path.unlink(missing_ok=True)
        return 0
    path.write_text(json.dumps(kept))
    return sum(len(messages) for messages in kept.values())


def restore(path: Path, client: Any, urls: Mapping[str, str]) -> dict[str, int]:
    """Send the messages saved in ``path`` to the queues of ``urls`` (queue name -> URL) and remove the file;
    returns how many went back to each queue. Messages of a queue no longer declared are dropped."""
    if not path.exists():
        return {}
    kept: dict[str, list[dict[str, Any]]] = json.loads(path.read_text())
    restored = {}
    for name, messages in kept.items():
        if name not in urls:
            continue
        entries = []
        for index, message in enumerate(messages):
            entry: dict[str, Any] = {"Id": str(index), "MessageBody": message["body"]}
            if message["delay_seconds"]:
                entry["DelaySeconds"] = message["delay_seconds"]
            if "attributes" in message:
                entry["MessageAttributes"] = message["attributes"]
            if "group_id" in message:
                entry["MessageGroupId"] = message["group_id"]
            if "deduplication_id" in message:
                entry["MessageDeduplicationId"] = message["deduplication_id"]
            entries.append(entry)
        for start in range(0, len(entries), SEND_BATCH_SIZE):
            client.send_message_batch(QueueUrl=urls[name], Entries=entries[start:start + SEND_BATCH_SIZE])
        restored[name] = len(entries)
    path.unlink()
    return restored
