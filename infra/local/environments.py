"""The warm execution environments of one function, used the way Lambda uses them.

An idle environment is reused (the most recently used first, so module state carries over between
sequential requests); when all are busy a new one starts, up to a cap. An environment whose runtime died or
timed out is discarded, and one built from an older version of the code is retired when it is released.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Any

from infra.local.exceptions import FunctionError, InvocationError, RuntimeExitError
from infra.local.worker import FunctionRuntime, OutputSink, Worker

# Lambda would scale out further; locally a few concurrent environments per function are plenty.
MAX_ENVIRONMENTS = 4


@dataclass(frozen=True, slots=True)
class Invocation:
    """The outcome of one invocation: a result, or the error that replaced it."""

    result: Any
    error: InvocationError | None
    init_ms: float | None = None  # set when this invocation paid for a cold start


class FunctionEnvironments:
    """Every environment of one function; thread-safe."""

    def __init__(self, runtime: FunctionRuntime, output: OutputSink, *, max_environments: int = MAX_ENVIRONMENTS):
        self._runtime = runtime
        self._output = output
        self._max = max_environments
        self._changed = threading.Condition()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._count = 0  # environments of the current generation: idle, busy or starting
        self._warming = 0  # of which being started ahead of demand: a request waits for one of those
        self._generation = 0
        self._closed = False

    @property
    def runtime(self) -> FunctionRuntime:
        return self._runtime

    def invoke(self, event: dict[str, Any]) -> Invocation:
        """Run ``event`` in an idle environment, or a new one; never raises for the handler's failures."""
        try:
            worker, generation = self._acquire()
        except RuntimeExitError as exc:
            return Invocation(None, exc)
        init_ms: float | None = None
        healthy = False
        try:
            if worker.pid is None:
                init_ms = worker.start()
            result = worker.invoke(event, request_id=str(uuid.uuid4()))
            healthy = True
            return Invocation(result, None, init_ms)
        except FunctionError as exc:
            healthy = True  # the Lambda Python runtime keeps the environment after a handler exception
            return Invocation(None, exc, init_ms)
        except InvocationError as exc:
            return Invocation(None, exc, init_ms)
        finally:
            self._release(worker, generation, healthy=healthy)

    def prewarm(self) -> None:
        """Start one environment now unless one exists already (an INIT failure shows in the function's log)."""
        with self._changed:
            if self._idle or self._count or self._closed:
                return
            worker, generation = self._new_worker()
            self._warming += 1
        healthy = False
        try:
            worker.start()
            healthy = True
        except InvocationError as exc:
            self._output(self._runtime.name, f"INIT failed: {exc}")
        finally:
            with self._changed:
                self._warming -= 1
            self._release(worker, generation, healthy=healthy)

    def replace(self, runtime: FunctionRuntime) -> bool:
        """Serve with ``runtime`` (new code or settings) from now on; return whether an environment existed.

        Idle environments stop now; busy ones finish their request and stop then.
        """
        with self._changed:
            self._runtime = runtime
            self._generation += 1
            retired, self._idle = self._idle, []
            existed = self._count > 0
            self._count = 0
            self._changed.notify_all()
        _stop_all(retired)
        return existed

    def close(self) -> None:
        """Stop every environment, killing busy ones (their callers get a runtime exit)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self.replace(self._runtime)
        with self._changed:
            busy = list(self._busy)
        for worker in busy:
            worker.kill()

    def _acquire(self) -> tuple[Worker, int]:
        with self._changed:
            while True:
                if self._closed:
                    raise RuntimeExitError("the local stack is stopping")
                if self._idle:
                    worker = self._idle.pop()
                    self._busy.add(worker)
                    return worker, self._generation
                # Waiting for a warm-up already under way beats paying for a second cold start.
                if self._count < self._max and not self._warming:
                    return self._new_worker()
                self._changed.wait()

    def _new_worker(self) -> tuple[Worker, int]:
        worker = Worker(self._runtime, self._output)
        self._count += 1
        self._busy.add(worker)
        return worker, self._generation

    def _release(self, worker: Worker, generation: int, *, healthy: bool) -> None:
        with self._changed:
            self._busy.discard(worker)
            keep = healthy and generation == self._generation and not self._closed
            if keep:
                self._idle.append(worker)
            elif generation == self._generation:
                self._count -= 1
            self._changed.notify_all()  # every waiter re-decides: take this one, or start its own
        if not keep:
            worker.stop()


def _stop_all(workers: list[Worker]) -> None:
    for worker in workers:
        worker.close_requests()
    for worker in workers:
        worker.stop()
