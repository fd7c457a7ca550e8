"""The ``pollers`` component: every SQS event-source mapping of the template, polled the way Lambda polls.

Each mapping runs ``concurrency`` pollers (``ScalingConfig.MaximumConcurrency``, else five), so at most that
many batches of it are in flight. A poller loops: gather a batch, invoke the function with the SQS event,
delete what succeeded (see ``sqs_events.settle``), print one line. Gathering long-polls (20 s, as Lambda
does) until a message arrives; with ``MaximumBatchingWindowInSeconds`` it then keeps receiving until the batch
holds ``BatchSize`` records or the window has passed. Messages that are not deleted come back after the
queue's visibility timeout, and moto moves them to the dead-letter queue after ``maxReceiveCount`` receives.

Receives from one queue are made one at a time (a lock per queue): moto serves concurrent ReceiveMessage
calls without a lock of its own and could hand one message to two of them, which SQS never does within the
visibility timeout. Only the receiving is serialised; invocations run concurrently.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from infra.local.aws import sqs_client
from infra.local.console import Console
from infra.local.environments import Invocation
from infra.local.event_sources import SqsMapping, sqs_mappings
from infra.local.function_env import local_region
from infra.local.sqs_events import Settlement, settle, sqs_event
from infra.template import Template

Invoke = Callable[[str, dict[str, Any]], Invocation]

LONG_POLL_SECONDS = 20
MAX_MESSAGES_PER_RECEIVE = 10  # SQS's limit for one ReceiveMessage
LOCK_POLL_SECONDS = 0.2  # how often a poller waiting for its queue's lock checks whether it should stop
ERROR_BACKOFF_SECONDS = 1.0


class _MappingPollers:
    """The pollers of one mapping."""

    def __init__(self, mapping: SqsMapping, client: Any, receive_lock: threading.Lock, invoke: Invoke,
                 console: Console) -> None:
        self.mapping = mapping
        self._client = client
        self._lock = receive_lock
        self._invoke = invoke
        self._console = console
        self._region = local_region()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, name=f"poll-{mapping.key}-{i}", daemon=True)
                         for i in range(mapping.concurrency)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def halt(self) -> None:
        """Take no more batches. A poller in a long poll is left to finish it (its thread is a daemon): what
        it receives then is not invoked but made visible again at once."""
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                messages = self._gather()
                if messages and self._stop.is_set():
                    self._release(messages)
                elif messages:
                    self._process(messages)
            except Exception as exc:  # the endpoint went away, a malformed answer: report, back off, go on
                if self._stop.is_set():
                    return
                self._console.line(f"SQS {self.mapping.queue} -> {self.mapping.function}: polling failed "
                                   f"({type(exc).__name__}: {exc}); retrying")
                self._stop.wait(ERROR_BACKOFF_SECONDS)

    def _gather(self) -> list[dict[str, Any]]:
        """One batch: a long poll, then more receives within the batching window."""
        while not self._lock.acquire(timeout=LOCK_POLL_SECONDS):
            if self._stop.is_set():
                return []
        try:
            mapping = self.mapping
            messages = self._receive(mapping.batch_size, LONG_POLL_SECONDS)
            if not messages or not mapping.window_seconds:
                return messages
            deadline = time.monotonic() + mapping.window_seconds
            while len(messages) < mapping.batch_size and not self._stop.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                # Whole seconds only: the rest of the window is waited for with short polls.
                wait = min(LONG_POLL_SECONDS, int(remaining))
                more = self._receive(mapping.batch_size - len(messages), wait)
                if not more and wait == 0:
                    self._stop.wait(min(remaining, 0.05))
                messages += more
            return messages
        finally:
            self._lock.release()

    def _receive(self, wanted: int, wait: int) -> list[dict[str, Any]]:
        answer = self._client.receive_message(
            QueueUrl=self.mapping.queue_url, MaxNumberOfMessages=min(wanted, MAX_MESSAGES_PER_RECEIVE),
            WaitTimeSeconds=wait, MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"])
        messages: list[dict[str, Any]] = answer.get("Messages") or []
        return messages

    def _process(self, messages: list[dict[str, Any]]) -> None:
        mapping = self.mapping
        event = sqs_event(messages, queue_arn=mapping.queue_arn, region=self._region)
        began = time.perf_counter()
        invocation = self._invoke(mapping.function, event)
        if self._stop.is_set() and invocation.error is not None:
            return  # the stack is stopping and killed the invocation: the messages simply come back
        elapsed = (time.perf_counter() - began) * 1000
        settlement = settle([m["MessageId"] for m in messages], result=invocation.result,
                            error=str(invocation.error) if invocation.error is not None else None,
                            report_failures=mapping.report_failures)
        undeleted = self._delete(messages, settlement)
        notes = [f"cold start, init {invocation.init_ms:.0f} ms"] if invocation.init_ms is not None else []
        if settlement.reason:
            notes.append(settlement.reason)
        if undeleted:
            notes.append(f"{undeleted} could not be deleted")
        note = f" ({'; '.join(notes)})" if notes else ""
        records = f"{len(messages)} record{'s' if len(messages) != 1 else ''}"
        self._console.line(f"SQS {mapping.queue} -> {mapping.function} {records}, {len(settlement.failed)} failed "
                           f"{elapsed:.1f} ms{note}")

    def _release(self, messages: list[dict[str, Any]]) -> None:
        """Make messages received after :meth:`halt` visible again at once (their receive still counts)."""
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                   for i, m in enumerate(messages)]
        for start in range(0, len(entries), MAX_MESSAGES_PER_RECEIVE):
            self._client.change_message_visibility_batch(QueueUrl=self.mapping.queue_url,
                                                         Entries=entries[start:start + MAX_MESSAGES_PER_RECEIVE])

    def _delete(self, messages: list[dict[str, Any]], settlement: Settlement) -> int:
        """Delete the successes; return how many deletes SQS refused."""
        handles = {m["MessageId"]: m["ReceiptHandle"] for m in messages}
        entries = [{"Id": str(i), "ReceiptHandle": handles[mid]} for i, mid in enumerate(settlement.delete)]
        refused = 0
        for start in range(0, len(entries), MAX_MESSAGES_PER_RECEIVE):  # DeleteMessageBatch takes ten at most
            answer = self._client.delete_message_batch(QueueUrl=self.mapping.queue_url,
                                                       Entries=entries[start:start + MAX_MESSAGES_PER_RECEIVE])
            refused += len(answer.get("Failed") or [])
        return refused


class Pollers:
    """Runs every SQS event-source mapping of the template against the local endpoint."""

    name = "pollers"

    def __init__(self, template: Template, endpoint: str, invoke: Invoke, console: Console) -> None:
        self._endpoint = endpoint
        self._invoke = invoke
        self._console = console
        self._locks: dict[str, threading.Lock] = {}
        self._running: dict[str, _MappingPollers] = {}
        self._client: Any = None
        self._planned = sqs_mappings(template)  # checked now: settings Lambda refuses stop the stack starting

    @property
    def mappings(self) -> list[SqsMapping]:
        return [pollers.mapping for pollers in self._running.values()]

    def start(self) -> None:
        self._client = self._new_client(self._planned)
        for mapping in self._planned:
            self._launch(mapping)

    def stop(self) -> None:
        for pollers in self._running.values():
            pollers.halt()
        self._running = {}

    def apply(self, template: Template) -> None:
        """Follow a reloaded template: restart the mappings whose settings changed, stop removed ones."""
        try:
            wanted = {mapping.key: mapping for mapping in sqs_mappings(template)}
        except ValueError as exc:
            self._console.line(f"reload: event-source mappings not updated ({exc})")
            return
        changed = []
        for key, pollers in list(self._running.items()):
            if wanted.get(key) != pollers.mapping:
                self._running.pop(key).halt()
                changed.append(key)
        added = [mapping for key, mapping in wanted.items() if key not in self._running]
        if added:
            # A client's connection pool must hold every concurrent long poll.
            self._client = self._new_client([*self.mappings, *added])
        for mapping in added:
            self._launch(mapping)
            changed.append(mapping.key)
        if changed:
            self._console.line(f"reload: event-source mappings updated: {', '.join(sorted(set(changed)))}")

    def _new_client(self, mappings: list[SqsMapping]) -> Any:
        return sqs_client(self._endpoint, connections=sum(m.concurrency for m in mappings) + 2)

    def _launch(self, mapping: SqsMapping) -> None:
        lock = self._locks.setdefault(mapping.queue_url, threading.Lock())
        pollers = _MappingPollers(mapping, self._client, lock, self._invoke, self._console)
        self._running[mapping.key] = pollers
        pollers.start()
