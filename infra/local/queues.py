"""The ``queues`` component: every ``AWS::SQS::Queue`` of the template, created on the local moto server.

A queue is named by its ``QueueName`` (else its logical id, plus ``.fifo`` for a FIFO queue) and gets the
template's attributes: visibility timeout, retention, delay, maximum size, long-poll wait, FIFO settings and a
``RedrivePolicy`` whose ``deadLetterTargetArn`` (``!GetAtt Dlq.Arn``) is resolved to the local ARN; a
dead-letter queue is created before the queues that send to it. moto moves a message to the dead-letter queue
on the receive that follows its ``maxReceiveCount``-th, as SQS does.

:func:`queue_resources` tells ``infra.template`` what ``!Ref Queue`` (the URL) and ``!GetAtt Queue.Arn``,
``.QueueName`` and ``.QueueUrl`` are locally, so functions get ``JOBS_QUEUE_URL`` and the like. The values
depend only on the endpoint, so they are known before the server starts.

With a ``store`` (`arbvault local`), the queues' messages outlive the stack: saved at stop, sent again at the
next start (``queue_store``).
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.local import queue_store
from infra.local.aws import function_environment, sqs_client
from infra.local.console import Console
from infra.local.function_env import local_region
from infra.template import LocalResources, ResourceValues, Template, resolve_value

QUEUE_TYPE = "AWS::SQS::Queue"
# Properties that are SQS attributes of the same name; encryption, tags and policies change nothing locally.
_ATTRIBUTES = ("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
               "VisibilityTimeout", "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope",
               "FifoThroughputLimit")
DEFAULT_VISIBILITY_TIMEOUT = 30  # SQS's default, in seconds


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """One queue of the template as it exists locally."""

    logical_id: str
    name: str
    url: str
    arn: str
    attributes: dict[str, str]  # SQS attribute names and values, RedrivePolicy as JSON
    dead_letter: str | None  # logical id of the dead-letter queue, if any
    max_receive_count: int | None

    @property
    def visibility_timeout(self) -> int:
        return int(self.attributes.get("VisibilityTimeout", DEFAULT_VISIBILITY_TIMEOUT))

    def summary(self) -> str:
        """``JobsQueue arbvault-jobs-dev (visibility 720 s, DLQ JobsDeadLetterQueue after 5 receives)``: the
        logical id, then the name when it differs."""
        details = [f"visibility {self.visibility_timeout} s"]
        if self.dead_letter:
            details.append(f"DLQ {self.dead_letter} after {self.max_receive_count} receives")
        name = self.logical_id if self.name == self.logical_id else f"{self.logical_id} {self.name}"
        return f"{name} ({', '.join(details)})"


def _queue_name(logical_id: str, properties: dict[str, Any], parameters: dict[str, str]) -> str:
    name = resolve_value(properties.get("QueueName"), parameters) if "QueueName" in properties else None
    if name:
        return name
    fifo = str(resolve_value(properties.get("FifoQueue", False), parameters)).lower() == "true"
    return f"{logical_id}.fifo" if fifo else logical_id


def queue_resources(endpoint: str, account_id: str) -> LocalResources:
    """The local values of a document's queues when served at ``endpoint`` (see ``infra.template``)."""
    region = local_region()

    def values(document: dict[str, Any], parameters: dict[str, str]) -> ResourceValues:
        local = {}
        for logical_id, resource in document["Resources"].items():
            if resource.get("Type") == QUEUE_TYPE:
                name = _queue_name(logical_id, resource.get("Properties") or {}, parameters)
                url = f"{endpoint}/{account_id}/{name}"
                local[logical_id] = {"Ref": url, "QueueUrl": url, "QueueName": name,
                                     "Arn": f"arn:aws:sqs:{region}:{account_id}:{name}"}
        return local

    return values


def queue_specs(template: Template) -> list[QueueSpec]:
    """The template's queues, each dead-letter queue before the queues that use it.

    Raises ``ValueError`` for a redrive policy that names no queue of the template.
    """
    by_arn = {values["Arn"]: logical_id for logical_id, values in template.resources.items()}
    specs: dict[str, QueueSpec] = {}
    for logical_id, resource in template.document["Resources"].items():
        if resource.get("Type") != QUEUE_TYPE or logical_id not in template.resources:
            continue
        properties = resource.get("Properties") or {}
        attributes = {name: value for name in _ATTRIBUTES if name in properties
                      if (value := template.resolve(properties[name])) is not None}
        if attributes.get("FifoQueue") == "false":  # SQS knows the attribute on FIFO queues only
            del attributes["FifoQueue"]
        dead_letter, max_receives = None, None
        redrive = properties.get("RedrivePolicy")
        if isinstance(redrive, dict):
            target = template.resolve(redrive.get("deadLetterTargetArn"))
            dead_letter = by_arn.get(target or "")
            if dead_letter is None:
                raise ValueError(f"queue {logical_id}: RedrivePolicy's deadLetterTargetArn is not a queue of "
                                 f"{template.path.name}")
            max_receives = int(template.resolve(redrive.get("maxReceiveCount")) or 0)
            attributes["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": target,
                                                      "maxReceiveCount": max_receives})
        values = template.resources[logical_id]
        specs[logical_id] = QueueSpec(logical_id, values["QueueName"], values["Ref"], values["Arn"], attributes,
                                      dead_letter, max_receives)
    ordered: list[QueueSpec] = []

    def place(spec: QueueSpec, chain: tuple[str, ...]) -> None:
        if spec in ordered:
            return
        if spec.logical_id in chain:
            raise ValueError(f"queues {' -> '.join((*chain, spec.logical_id))} redrive into each other")
        if spec.dead_letter:
            place(specs[spec.dead_letter], (*chain, spec.logical_id))
        ordered.append(spec)

    for spec in specs.values():
        place(spec, ())
    return ordered


class Queues:
    """Creates the template's queues on the moto server at ``endpoint`` and tells functions how to reach them."""

    name = "queues"

    def __init__(self, template: Template, endpoint: str, provided: MutableMapping[str, str],
                 console: Console, *, account_id: str, store: Path | None = None) -> None:
        self._template = template
        self._endpoint = endpoint
        self._provided = provided
        self._console = console
        self._account_id = account_id
        self._store = store
        self._client: Any = None
        self.created: dict[str, QueueSpec] = {}
        self.restored: dict[str, int] = {}  # messages put back from the last run, by queue name

    def start(self) -> None:
        self._client = sqs_client(self._endpoint)
        self._create(queue_specs(self._template))
        if self._store is not None:
            self.restored = queue_store.restore(self._store, self._client,
                                                {spec.name: spec.url for spec in self.created.values()})
        self._provided.update(function_environment(self._endpoint))

    def stop(self) -> None:
        """Save the queues' messages for the next start, when asked to keep them (the moto server, where the
        queues live, stops after this)."""
        if self._store is not None:
            kept = queue_store.snapshot(self._account_id, [spec.name for spec in self.created.values()])
            count = queue_store.save(self._store, kept)
            if count:
                self._console.line(f"kept {count} queued message{'s' if count != 1 else ''} for the next start "
                                   f"({self._store})")

    def apply(self, template: Template) -> None:
        """Follow a reloaded template: create the queues it adds, update the attributes it changes.

        Queues keep their messages; one the template no longer declares is left alone (messages may wait in it).
        """
        self._template = template
        changes = []
        try:
            for spec in queue_specs(template):
                known = self.created.get(spec.logical_id)
                if known is None or known.url != spec.url:
                    self._create([spec])
                    changes.append(f"created {spec.summary()}")
                elif known != spec:
                    attributes = {k: v for k, v in spec.attributes.items() if k != "FifoQueue"}  # immutable
                    if "RedrivePolicy" in known.attributes and "RedrivePolicy" not in attributes:
                        attributes["RedrivePolicy"] = ""  # SQS's way of removing the policy
                    self._client.set_queue_attributes(QueueUrl=spec.url, Attributes=attributes)
                    self.created[spec.logical_id] = spec
                    changes.append(f"updated {spec.summary()}")
        except Exception as exc:  # a half-edited template must not take the stack down
            changes.append(f"queues not updated ({type(exc).__name__}: {exc})")
        for change in changes:
            self._console.line(f"reload: {change}")

    def describe(self) -> list[str]:
        """The banner's entries: the endpoint, then each queue."""
        if not self.created:
            return [f"{self._endpoint} (moto; no queues in {self._template.path.name})"]
        return [f"{self._endpoint} (moto)", *(spec.summary() + self._restored_note(spec)
                                              for spec in self.created.values())]

    def _restored_note(self, spec: QueueSpec) -> str:
        count = self.restored.get(spec.name)
        return f", {count} message{'s' if count != 1 else ''} restored from the last run" if count else ""

    def _create(self, specs: list[QueueSpec]) -> None:
        for spec in specs:
            url = self._client.create_queue(QueueName=spec.name, Attributes=spec.attributes)["QueueUrl"]
            if url != spec.url:  # the URL functions were given must be the one moto answers to
                raise RuntimeError(f"queue {spec.logical_id} was created at {url}, not at {spec.url}")
            self.created[spec.logical_id] = spec
