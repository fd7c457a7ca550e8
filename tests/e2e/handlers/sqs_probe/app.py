"""SQS probe: each record's body says what to do with it; every invocation is logged to ``PROBE_LOG``.

Bodies: ``fail...`` is reported as a batch item failure, ``raise...`` fails the whole invocation, ``exit...``
kills the runtime, ``hang...`` outlives the function's timeout, ``sleep:S...`` takes S seconds, ``send:TEXT``
sends TEXT to the queue ``PROBE_QUEUE_URL`` names (through the endpoint the stack gives functions), anything
else succeeds. The log (one JSON line per invocation, appended in one write) is how tests see batches, receive
counts and overlapping invocations across worker processes.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import boto3


def _log(entry: dict[str, Any]) -> None:
    line = (json.dumps(entry) + "\n").encode()
    descriptor = os.open(os.environ["PROBE_LOG"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(descriptor, line)  # one write with O_APPEND: lines of concurrent workers never interleave
    finally:
        os.close(descriptor)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    started = time.time()
    records = event["Records"]
    entry: dict[str, Any] = {
        "function": context.function_name, "pid": os.getpid(), "start": started,
        "records": [{"messageId": r["messageId"], "body": r["body"],
                     "receiveCount": int(r["attributes"]["ApproximateReceiveCount"])} for r in records],
        "full": records,
    }
    bodies = [r["body"] for r in records]
    if any(b.startswith(("raise", "exit", "hang")) for b in bodies):
        _log({**entry, "end": started, "outcome": "crash"})
        if any(b.startswith("raise") for b in bodies):
            raise RuntimeError("probe raised on purpose")
        if any(b.startswith("exit") for b in bodies):
            os._exit(3)
        time.sleep(3600)
    failures = []
    for record in records:
        body = record["body"]
        if body.startswith("sleep:"):
            time.sleep(float(body.split(":")[1]))
        elif body.startswith("send:"):
            client = boto3.client("sqs")  # endpoint, region and credentials all come from the environment
            client.send_message(QueueUrl=os.environ["PROBE_QUEUE_URL"], MessageBody=body.removeprefix("send:"))
        elif body.startswith("fail"):
            failures.append({"itemIdentifier": record["messageId"]})
    _log({**entry, "end": time.time(), "outcome": "ok", "failed": [f["itemIdentifier"] for f in failures]})
    return {"batchItemFailures": failures}
