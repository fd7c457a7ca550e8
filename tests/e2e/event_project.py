"""A small project for the queue, schedule and Keepa tests of `arbvault local`: handlers from ``handlers/``
copied next to a template of their own (queues with their dead-letter queues, SQS event sources, schedules).

Every handler appends one JSON line per invocation to the file ``PROBE_LOG`` names (passed with ``--env``), which
is how tests see batches, receive counts and overlapping invocations across worker processes.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

HANDLERS = Path(__file__).resolve().parent / "handlers"
T = TypeVar("T")


def _queue(**properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": properties}


def _dlq(name: str, receives: int) -> dict[str, Any]:
    return {"deadLetterTargetArn": {"Fn::GetAtt": [name, "Arn"]}, "maxReceiveCount": receives}


def _sqs(queue: str, **properties: Any) -> dict[str, Any]:
    return {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": [queue, "Arn"]}, **properties}}


def _function(folder: str, events: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::Serverless::Function", "Properties": {
        "CodeUri": f"functions/{folder}/", "Handler": "app.handler", "Events": events, **properties}}


PARTIAL = ["ReportBatchItemFailures"]


def _template(resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Parameters": {"Stage": {"Type": "String", "Default": "e2e"}},
        "Resources": resources,
    }


def sqs_template() -> dict[str, Any]:
    """Queues, dead-letter queues and SQS event sources covering what the local stack emulates."""
    return _template({
        "ProbeQueue": _queue(QueueName={"Fn::Sub": "probe-${Stage}"}, VisibilityTimeout=2,
                             MessageRetentionPeriod=600, RedrivePolicy=_dlq("ProbeDeadLetters", 3)),
        "ProbeDeadLetters": _queue(VisibilityTimeout=5, MessageRetentionPeriod=1209600),
        "WindowQueue": _queue(VisibilityTimeout=30),
        "ConcurrencyQueue": _queue(VisibilityTimeout=30),
        "SlowQueue": _queue(VisibilityTimeout=2, RedrivePolicy=_dlq("SlowDeadLetters", 2)),
        "SlowDeadLetters": _queue(),
        "EchoQueue": _queue(),
        "OrderedQueue": _queue(FifoQueue=True, ContentBasedDeduplication=True),
        "SqsProbeFunction": _function("sqs_probe", {
            "Probe": _sqs("ProbeQueue", BatchSize=10, MaximumBatchingWindowInSeconds=1,
                          FunctionResponseTypes=PARTIAL, ScalingConfig={"MaximumConcurrency": 2}),
            "Window": _sqs("WindowQueue", BatchSize=5, MaximumBatchingWindowInSeconds=2,
                           FunctionResponseTypes=PARTIAL),
            "Concurrency": _sqs("ConcurrencyQueue", BatchSize=1, ScalingConfig={"MaximumConcurrency": 2}),
            "Disabled": _sqs("EchoQueue", Enabled=False),
        }, Timeout=10, Environment={"Variables": {"PROBE_QUEUE_URL": {"Ref": "EchoQueue"}}}),
        "SlowProbeFunction": _function("sqs_slow", {"Slow": _sqs("SlowQueue", BatchSize=1)}, Timeout=1),
        "DeadLettersFunction": _function("dead_letters", {"Dlq": _sqs("ProbeDeadLetters", BatchSize=10)}),
        "KeepaEnvFunction": _function("keepa_env", {}, Environment={"Variables": {
            "PROBE_QUEUE_URL": {"Ref": "EchoQueue"}}}),
    })


def schedule_template() -> dict[str, Any]:
    """A function on four schedules: a rule, a ScheduleV2 with Input, a failing one, a disabled one."""
    return _template({
        "TickerFunction": _function("ticker", {
            "EveryMinute": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 minute)"}},
            "WithInput": {"Type": "ScheduleV2", "Properties": {
                "ScheduleExpression": "rate(2 minutes)", "Input": json.dumps({"kind": "v2"})}},
            "Failing": {"Type": "Schedule", "Properties": {
                "Schedule": "rate(3 minutes)", "Input": json.dumps({"fail": True})}},
            "Off": {"Type": "Schedule", "Properties": {
                "Schedule": "rate(1 minute)", "Enabled": False, "Input": json.dumps({"kind": "off"})}},
        }),
    })


def write_project(root: Path, template: dict[str, Any]) -> Path:
    """Copy the handlers under ``root/functions`` (``sqs_probe`` twice: once as ``sqs_slow``); write the
    template; return its path."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("sqs_probe", "dead_letters", "ticker", "keepa_env"):
        shutil.copytree(HANDLERS / folder, root / "functions" / folder, ignore=ignore)
    shutil.copytree(HANDLERS / "sqs_probe", root / "functions" / "sqs_slow", ignore=ignore)
    path = root / "template.yaml"
    path.write_text(yaml.safe_dump(template, sort_keys=False))
    return path


def read_log(path: Path) -> list[dict[str, Any]]:
    """Every entry the handlers logged so far."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def eventually(probe: Callable[[], T | None], what: str, *, timeout: float = 30.0, interval: float = 0.1) -> T:
    """``probe()``'s first truthy value within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
