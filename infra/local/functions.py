"""The ``functions`` component: every function of the template, each with its warm environments."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from infra.local.environments import MAX_ENVIRONMENTS, FunctionEnvironments, Invocation
from infra.local.event_sources import environments_needed
from infra.local.exceptions import RuntimeExitError
from infra.local.function_env import function_runtime
from infra.local.worker import FunctionRuntime, OutputSink
from infra.template import Template

# Event types the local stack runs besides HTTP routes.
_TRIGGERS = ("SQS", "Schedule", "ScheduleV2")


class Functions:
    """Hosts the template's functions; environments start on first use, or ahead of it with ``prewarm``."""

    name = "functions"

    def __init__(self, template: Template, overrides: Mapping[str, str], output: OutputSink, *,
                 prewarm: bool = True) -> None:
        self._template = template
        self._overrides = overrides  # filled in by components started earlier (the database URL, ...)
        self._output = output
        self._prewarm = prewarm
        self._lock = threading.Lock()
        self._functions: dict[str, FunctionEnvironments] = {}
        self._stopped = False
        # Imports are CPU-bound: warming more functions at once than there are cores only delays them all.
        self._warmer = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="prewarm")

    def start(self) -> None:
        """Warm one environment per function that has a trigger (authorizers first, then routes, then queues and
        schedules), in the background."""
        if self._prewarm:
            routes = self._template.routes
            authorizers = sorted({a.function for r in routes if (a := self._template.authorizer_for(r))})
            served = sorted({r.function for r in routes} - set(authorizers))
            triggered = sorted({spec.name for spec in self._template.functions.values()
                                if any(e.get("Type") in _TRIGGERS for e in spec.events.values())}
                               - set(authorizers) - set(served))
            self._warm([*authorizers, *served, *triggered])

    def stop(self) -> None:
        self._warmer.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            self._stopped = True
            functions, self._functions = list(self._functions.values()), {}
        for environments in functions:
            environments.close()

    def invoke(self, name: str, event: dict[str, Any]) -> Invocation:
        """Invoke function ``name`` (its folder name) with ``event``."""
        environments = self._environments(name)
        if environments is None:
            return Invocation(None, RuntimeExitError("the local stack is stopping"))
        return environments.invoke(event)

    def restart(self, names: Iterable[str]) -> list[str]:
        """Start ``names`` afresh (their code changed); those that were warm are warmed again. Return them."""
        with self._lock:
            targets = [(name, envs, self._runtime(name)) for name in names if (envs := self._functions.get(name))]
        restarted = [name for name, environments, runtime in targets if environments.replace(runtime)]
        self._warm(restarted)
        return restarted

    def apply(self, template: Template) -> list[str]:
        """Serve ``template`` from now on: functions whose settings changed restart, removed ones stop."""
        with self._lock:
            self._template = template
            known = {spec.name for spec in template.functions.values()}
            removed = [self._functions.pop(name) for name in list(self._functions) if name not in known]
            changed = [name for name, envs in self._functions.items() if envs.runtime != self._runtime(name)]
        for environments in removed:
            environments.close()
        return self.restart(changed)

    def _environments(self, name: str) -> FunctionEnvironments | None:
        """The environments of ``name``, created on first use; ``None`` once the component stopped."""
        with self._lock:
            if self._stopped:
                return None
            environments = self._functions.get(name)
            if environments is None:
                # Enough environments for every poller of its queues to have a batch in flight at once.
                needed = max(MAX_ENVIRONMENTS, environments_needed(self._template, name))
                environments = FunctionEnvironments(self._runtime(name), self._output, max_environments=needed)
                self._functions[name] = environments
            return environments

    def _runtime(self, name: str) -> FunctionRuntime:
        return function_runtime(self._template, self._template.function(name), self._overrides)

    def _warm(self, names: Iterable[str]) -> None:
        for name in names:
            if (environments := self._environments(name)) is not None:
                try:
                    self._warmer.submit(environments.prewarm)
                except RuntimeError:  # the component stopped meanwhile
                    return
