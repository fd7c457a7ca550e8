"""The template's non-HTTP triggers as the local stack runs them: SQS event-source mappings and schedules.

Settings are checked with Lambda's own limits, so a template the deploy would refuse is refused at start too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from infra.local.queues import QUEUE_TYPE
from infra.template import FunctionSpec, Template

# Lambda's defaults and limits for SQS event sources.
DEFAULT_BATCH_SIZE = 10
MAX_BATCH_SIZE = 10_000
MAX_FIFO_BATCH_SIZE = 10
MAX_BATCHING_WINDOW_SECONDS = 300
MIN_MAXIMUM_CONCURRENCY, MAX_MAXIMUM_CONCURRENCY = 2, 1000
# Without ScalingConfig Lambda starts with five concurrent batches per mapping (and may scale far beyond);
# five keeps a local machine and its database comfortable.
DEFAULT_CONCURRENCY = 5


@dataclass(frozen=True, slots=True)
class SqsMapping:
    """One ``Type: SQS`` event of a function: which queue feeds it, and how."""

    function: str  # folder name
    event: str
    queue: str  # logical id
    queue_url: str
    queue_arn: str
    batch_size: int
    window_seconds: int
    report_failures: bool
    concurrency: int
    maximum_concurrency: int | None  # as the template says (``concurrency`` is what runs)
    filter_ignored: bool = False  # FilterCriteria is not emulated: every message reaches the function

    @property
    def key(self) -> str:
        return f"{self.function}.{self.event}"

    def summary(self) -> str:
        """``JobsQueue -> batch_worker (batch 10, window 2 s, partial failures, concurrency 2)``."""
        details = [f"batch {self.batch_size}"]
        if self.window_seconds:
            details.append(f"window {self.window_seconds} s")
        if self.report_failures:
            details.append("partial failures")
        details.append(f"concurrency {self.concurrency}")
        if self.filter_ignored:
            details.append("FilterCriteria NOT applied locally")
        return f"{self.queue} -> {self.function} ({', '.join(details)})"


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """One ``Type: Schedule`` (EventBridge rule) or ``Type: ScheduleV2`` (EventBridge Scheduler) event."""

    function: str
    event: str
    kind: str  # "Schedule" or "ScheduleV2"
    name: str  # the rule's or schedule's Name, else one made of the function's logical id and the event's name
    expression: str
    timezone: str | None  # ScheduleExpressionTimezone (ScheduleV2); rules run in UTC
    input: str | None  # constant JSON the target receives instead of the scheduled event

    @property
    def key(self) -> str:
        return f"{self.function}.{self.event}"


def _int(template: Template, value: Any, what: str) -> int:
    resolved = template.resolve(value)
    try:
        return int(str(resolved))
    except ValueError:
        raise ValueError(f"{what} must be an integer, got {resolved!r}") from None


def _enabled(template: Template, props: dict[str, Any], key: str, disabled: str) -> bool:
    value = template.resolve(props[key]) if key in props else None
    return value is None or value.lower() not in ("false", disabled.lower())


def _queue_of(template: Template, spec: FunctionSpec, event: str, value: Any) -> str:
    """The logical id of the template queue an SQS event names (``!GetAtt Queue.Arn`` or its local ARN)."""
    arn = template.resolve(value)
    for logical_id, values in template.resources.items():
        if values.get("Arn") == arn and template.document["Resources"][logical_id].get("Type") == QUEUE_TYPE:
            return logical_id
    raise ValueError(f"{spec.logical_id}.{event}: the SQS event's Queue is not a queue of {template.path.name} "
                     "(only the template's own queues exist locally)")


def _sqs_mapping(template: Template, spec: FunctionSpec, event: str, props: dict[str, Any]) -> SqsMapping:
    where = f"{spec.logical_id}.{event}"
    queue = _queue_of(template, spec, event, props.get("Queue"))
    values = template.resources[queue]
    fifo = values["QueueName"].endswith(".fifo")
    batch_size = _int(template, props.get("BatchSize", DEFAULT_BATCH_SIZE), f"{where}: BatchSize")
    window = _int(template, props.get("MaximumBatchingWindowInSeconds", 0),
                  f"{where}: MaximumBatchingWindowInSeconds")
    limit = MAX_FIFO_BATCH_SIZE if fifo else MAX_BATCH_SIZE
    if not 1 <= batch_size <= limit:
        raise ValueError(f"{where}: BatchSize must be between 1 and {limit}, got {batch_size}")
    if not 0 <= window <= MAX_BATCHING_WINDOW_SECONDS:
        raise ValueError(f"{where}: MaximumBatchingWindowInSeconds must be between 0 and "
                         f"{MAX_BATCHING_WINDOW_SECONDS}, got {window}")
    if batch_size > 10 and window < 1:
        raise ValueError(f"{where}: a BatchSize over 10 needs MaximumBatchingWindowInSeconds of at least 1")
    types = props.get("FunctionResponseTypes") or []
    scaling = props.get("ScalingConfig") or {}
    maximum = None
    if "MaximumConcurrency" in scaling:
        maximum = _int(template, scaling["MaximumConcurrency"], f"{where}: ScalingConfig.MaximumConcurrency")
        if not MIN_MAXIMUM_CONCURRENCY <= maximum <= MAX_MAXIMUM_CONCURRENCY:
            raise ValueError(f"{where}: ScalingConfig.MaximumConcurrency must be between "
                             f"{MIN_MAXIMUM_CONCURRENCY} and {MAX_MAXIMUM_CONCURRENCY}, got {maximum}")
    return SqsMapping(
        function=spec.name, event=event, queue=queue, queue_url=values["Ref"], queue_arn=values["Arn"],
        batch_size=batch_size, window_seconds=window, report_failures="ReportBatchItemFailures" in types,
        concurrency=maximum or DEFAULT_CONCURRENCY, maximum_concurrency=maximum,
        filter_ignored=bool(props.get("FilterCriteria")),
    )


def sqs_mappings(template: Template) -> list[SqsMapping]:
    """Every enabled SQS event of the template's functions; ``ValueError`` for settings Lambda refuses."""
    mappings = []
    for spec in template.functions.values():
        for event, definition in spec.events.items():
            props = definition.get("Properties") or {}
            if definition.get("Type") == "SQS" and _enabled(template, props, "Enabled", "false"):
                mappings.append(_sqs_mapping(template, spec, event, props))
    return mappings


def schedules(template: Template) -> list[ScheduleSpec]:
    """Every enabled Schedule and ScheduleV2 event of the template's functions."""
    found = []
    for spec in template.functions.values():
        for event, definition in spec.events.items():
            kind = definition.get("Type")
            props = definition.get("Properties") or {}
            if kind == "Schedule":
                # Enabled (older) or State; DISABLED and ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS exist too.
                enabled = _enabled(template, props, "Enabled", "false") and \
                    _enabled(template, props, "State", "DISABLED")
                expression = template.resolve(props.get("Schedule"))
            elif kind == "ScheduleV2":
                enabled = _enabled(template, props, "State", "DISABLED")
                expression = template.resolve(props.get("ScheduleExpression"))
            else:
                continue
            if not enabled:
                continue
            if not expression:
                raise ValueError(f"{spec.logical_id}.{event}: a {kind} event needs a schedule expression")
            raw_input = template.resolve(props["Input"]) if "Input" in props else None
            if raw_input is not None:
                try:
                    json.loads(raw_input)
                except ValueError:
                    raise ValueError(f"{spec.logical_id}.{event}: Input must be a JSON text") from None
            name = template.resolve(props["Name"]) if "Name" in props else None
            zone = template.resolve(props["ScheduleExpressionTimezone"]) if kind == "ScheduleV2" and \
                "ScheduleExpressionTimezone" in props else None
            found.append(ScheduleSpec(spec.name, event, kind, name or f"{spec.logical_id}{event}", expression, zone,
                                      raw_input))
    return found


def environments_needed(template: Template, function: str) -> int:
    """How many concurrent environments ``function``'s SQS mappings can keep busy (0 for an invalid template,
    which the pollers report)."""
    try:
        return sum(m.concurrency for m in sqs_mappings(template) if m.function == function)
    except ValueError:
        return 0
