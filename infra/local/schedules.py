"""The ``schedules`` component: every Schedule and ScheduleV2 event of the template invokes its function on time.

An EventBridge rule (``Schedule``) sends the scheduled event (``detail-type: Scheduled Event``, ``source:
aws.events``, the rule's ARN in ``resources``); EventBridge Scheduler (``ScheduleV2``) sends its ``Input``
(``{}`` when there is none). Either sends ``Input`` instead of the event when the template sets it. Targets
are invoked asynchronously: a slow run does not delay the next one, and a failing run is reported and
forgotten (no async retries locally). One line per run.

``speedup`` (the hidden ``--schedule-speedup``, for tests) runs the schedules on a clock that goes that many
times faster than real time, so ``rate(1 minute)`` with a speedup of 60 fires every second while the template
keeps an expression EventBridge accepts.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from infra.local.console import Console
from infra.local.environments import Invocation
from infra.local.event_sources import ScheduleSpec, schedules
from infra.local.function_env import local_region
from infra.local.schedule_expressions import Expression, UnsupportedExpressionError, parse_expression
from infra.template import Template

Invoke = Callable[[str, dict[str, Any]], Invocation]
STOP_TIMEOUT_SECONDS = 2.0


def scheduled_event(spec: ScheduleSpec, scheduled: datetime, *, account_id: str) -> Any:
    """What the function receives for a run due at ``scheduled``."""
    if spec.input is not None:
        return json.loads(spec.input)
    if spec.kind == "ScheduleV2":
        return {}
    region = local_region()
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": scheduled.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{account_id}:rule/{spec.name}"],
        "detail": {},
    }


class _Runner:
    """One schedule's thread: sleep until the next firing time, invoke (in a thread of its own), repeat."""

    def __init__(self, spec: ScheduleSpec, expression: Expression, invoke: Invoke, console: Console, *,
                 account_id: str, speedup: float) -> None:
        self.spec = spec
        self._expression = expression
        self._invoke = invoke
        self._console = console
        self._account_id = account_id
        self._speedup = speedup
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"schedule-{spec.key}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def halt(self) -> None:
        """Fire no more (a run under way finishes without its line)."""
        self._stop.set()

    def stop(self) -> None:
        self.halt()
        self._thread.join(STOP_TIMEOUT_SECONDS)

    def _run(self) -> None:
        created_real = time.time()
        created = datetime.fromtimestamp(created_real, UTC)
        moment = created
        while True:
            due = self._expression.next_after(moment, created=created)
            # The schedule's clock runs `speedup` times faster than the real one from the moment it was created.
            wait = created_real + (due - created).total_seconds() / self._speedup - time.time()
            if self._stop.wait(max(wait, 0.0)):
                return
            threading.Thread(target=self._fire, args=(due,), name=f"run-{self.spec.key}", daemon=True).start()
            moment = due

    def _fire(self, due: datetime) -> None:
        spec = self.spec
        began = time.perf_counter()
        invocation = self._invoke(spec.function, scheduled_event(spec, due, account_id=self._account_id))
        if self._stop.is_set():
            return  # the stack is stopping: the run was cut short on purpose
        elapsed = (time.perf_counter() - began) * 1000
        notes = [f"cold start, init {invocation.init_ms:.0f} ms"] if invocation.init_ms is not None else []
        if invocation.error is not None:
            notes.append(str(invocation.error))
        outcome = "failed" if invocation.error is not None else "ok"
        note = f" ({'; '.join(notes)})" if notes else ""
        self._console.line(f"schedule {spec.name} {spec.expression} -> {spec.function} {outcome} "
                           f"{elapsed:.1f} ms{note}")


class Schedules:
    """Runs the template's schedules through ``invoke`` (the functions component)."""

    name = "schedules"

    def __init__(self, template: Template, invoke: Invoke, console: Console, *, account_id: str,
                 speedup: float = 1.0) -> None:
        if speedup <= 0:
            raise ValueError("the schedule speedup must be positive")
        self._invoke = invoke
        self._console = console
        self._account_id = account_id
        self._speedup = speedup
        self._runners: dict[str, _Runner] = {}
        self.skipped: list[str] = []  # schedules whose expression is valid on AWS but not emulated
        self._planned = self._plan(template)  # checked now: an invalid expression stops the stack from starting

    def start(self) -> None:
        self._launch(self._planned)

    def stop(self) -> None:
        runners, self._runners = list(self._runners.values()), {}
        for runner in runners:
            runner.halt()
        for runner in runners:
            runner.stop()

    def apply(self, template: Template) -> None:
        """Follow a reloaded template: restart the schedules whose definition changed, stop removed ones."""
        try:
            planned = self._plan(template)
        except ValueError as exc:
            self._console.line(f"reload: schedules not updated ({exc})")
            return
        wanted = {runner.spec.key: runner for runner in planned}
        for key, runner in list(self._runners.items()):
            if key not in wanted or wanted[key].spec != runner.spec:
                self._runners.pop(key).stop()
        self._launch([runner for key, runner in wanted.items() if key not in self._runners])

    def describe(self) -> list[str]:
        """One banner entry per schedule."""
        clock = f" (clock {self._speedup:g}x real time)" if self._speedup != 1 else ""
        running = [f"{r.spec.name} {r.spec.expression} -> {r.spec.function}{clock}" for r in self._runners.values()]
        return running + [f"{entry} (not emulated)" for entry in self.skipped]

    def _plan(self, template: Template) -> list[_Runner]:
        runners, skipped = [], []
        for spec in schedules(template):
            try:
                expression = parse_expression(spec.expression, timezone_name=spec.timezone)
            except UnsupportedExpressionError as exc:
                skipped.append(f"{spec.name} -> {spec.function}: {exc}")
                continue
            except ValueError as exc:
                raise ValueError(f"{spec.function}.{spec.event}: {exc}") from None
            runners.append(_Runner(spec, expression, self._invoke, self._console, account_id=self._account_id,
                                   speedup=self._speedup))
        self.skipped = skipped
        return runners

    def _launch(self, runners: list[_Runner]) -> None:
        for runner in runners:
            self._runners[runner.spec.key] = runner
            runner.start()
