"""The local stack: named components started in order and stopped in reverse.

A component is anything with a ``name``, ``start()`` and ``stop()``. If one fails to start, those already
started are stopped (in reverse) before the error propagates, so a failed start leaves nothing running.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol


class Component(Protocol):
    """One part of the stack (database, functions, gateway, reloader, ...)."""

    name: str

    def start(self) -> None: ...

    def stop(self) -> None: ...


class Stack:
    """Components in start order; ``on_error`` hears about components that fail to stop."""

    def __init__(self, components: Sequence[Component], *,
                 on_error: Callable[[str, BaseException], None] | None = None) -> None:
        self.components = list(components)
        self._started: list[Component] = []
        self._on_error = on_error
        self.timings_ms: dict[str, float] = {}

    def start(self) -> None:
        """Start every component in order, recording how long each took."""
        for component in self.components:
            began = time.perf_counter()
            try:
                component.start()
            except BaseException:
                self.stop()
                raise
            self._started.append(component)
            self.timings_ms[component.name] = (time.perf_counter() - began) * 1000

    def stop(self) -> None:
        """Stop the started components in reverse order; one failing to stop does not keep the others up."""
        while self._started:
            component = self._started.pop()
            try:
                component.stop()
            except Exception as exc:
                if self._on_error is not None:
                    self._on_error(component.name, exc)
