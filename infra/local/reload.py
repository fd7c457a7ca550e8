"""The ``reloader`` component: edits take effect without restarting the stack.

It watches only what the template points at (template.yaml, each function's code folder, the layers' content
folders), never the whole project (virtualenv, database files). A change in a layer restarts every function; a
change in a function's folder restarts that function; a template change reloads the routes and restarts the
functions whose settings changed; the queues, event-source mappings and schedules follow the template too
(``resources`` are told before the functions restart, ``triggers`` after). Each reload prints one line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles

from infra.local.console import Console
from infra.local.docs import ApiDocs
from infra.local.functions import Functions
from infra.local.gateway import Gateway
from infra.local.routing import RouteTable
from infra.template import Template, parse_template

# Something that follows the template when it changes (the queues, the pollers, the schedules).
TemplateListener = Callable[[Template], None]


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What a batch of changed paths affects."""

    template: bool = False
    functions: frozenset[str] = field(default_factory=frozenset)
    layer: bool = False


def classify(paths: Iterable[Path], template: Template) -> ChangeSet:
    """Which parts of ``template``'s project the changed ``paths`` belong to."""
    specs = list(template.functions.values())
    layer_dirs = {d for spec in specs for d in template.layer_dirs(spec)}
    touched_template = layer = False
    functions: set[str] = set()
    for path in (p.resolve() for p in paths):
        if path == template.path.resolve():
            touched_template = True
        elif any(path.is_relative_to(d) for d in layer_dirs):
            layer = True
        else:
            functions |= {spec.name for spec in specs if path.is_relative_to(spec.code_dir)}
    if layer:
        functions = {spec.name for spec in specs}
    return ChangeSet(touched_template, frozenset(functions), layer)


def code_paths(template: Template) -> list[Path]:
    """The code and layer folders of ``template``'s functions that exist, without nested duplicates."""
    candidates = set()
    for spec in template.functions.values():
        candidates.add(spec.code_dir)
        candidates.update(template.layer_dirs(spec))
    existing = sorted(p for p in candidates if p.exists())
    return [p for p in existing if not any(p != q and p.is_relative_to(q) for q in existing)]


class _Either:
    """Set when either event is (watchfiles polls ``is_set`` to know when to stop watching)."""

    def __init__(self, first: threading.Event, second: threading.Event) -> None:
        self._events = (first, second)

    def is_set(self) -> bool:
        return any(event.is_set() for event in self._events)


class Reloader:
    """Watches the project and applies each batch of changes.

    Two watchers: one on the template's folder (not recursive: editors replace the file, which a watch on the
    file itself would lose) and one on the code folders, re-created only when the template changes which
    folders those are. Neither stops for the other's changes, so no edit is missed while one is applied.
    """

    name = "reloader"

    def __init__(self, template: Template, functions: Functions, gateway: Gateway, docs: ApiDocs,
                 console: Console, *, parse: Callable[[Path], Template] = parse_template,
                 resources: Sequence[TemplateListener] = (), triggers: Sequence[TemplateListener] = ()) -> None:
        self._template = template
        self._parse = parse  # the stack's: it knows the local values of the template's queues
        self._resources = resources
        self._triggers = triggers
        self._functions = functions
        self._gateway = gateway
        self._docs = docs
        self._console = console
        self._applying = threading.Lock()
        self._stop = threading.Event()
        self._code_moved = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._threads = [threading.Thread(target=self._watch_template, name="reload-template", daemon=True),
                         threading.Thread(target=self._watch_code, name="reload-code", daemon=True)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5)

    def apply(self, paths: Iterable[Path]) -> ChangeSet:
        """Reload what ``paths`` affect, printing one line; return what they affected."""
        with self._applying:
            changes = classify(paths, self._template)
            if changes.template:
                self._reload_template()
            elif changes.functions:
                self._functions.restart(changes.functions)
                self._docs.invalidate()
                names = sorted(changes.functions)
                what = "a layer" if changes.layer else ", ".join(f"functions/{n}" for n in names)
                self._console.line(f"reload: {what} changed; restarted {', '.join(names)}")
            return changes

    def _reload_template(self) -> None:
        name = self._template.path.name
        try:
            template = self._parse(self._template.path)
            routes = RouteTable(template)
        except Exception as exc:  # a half-saved or invalid template must not take the stack down
            self._console.line(f"reload: {name} not loaded ({exc}); still serving the previous routes")
            return
        if code_paths(template) != code_paths(self._template):
            self._code_moved.set()
        self._template = template
        self._gateway.routes = routes
        self._docs.invalidate(template)
        for listener in self._resources:
            listener(template)
        restarted = self._functions.apply(template)
        for listener in self._triggers:
            listener(template)
        extra = f"; restarted {', '.join(sorted(restarted))}" if restarted else ""
        self._console.line(f"reload: {name} changed; {len(routes)} routes{extra}")

    def _watch_template(self) -> None:
        path = self._template.path.resolve()
        while not self._stop.is_set():
            self._watch_until([path.parent], recursive=False, stop=self._stop,
                              only=lambda _, changed: Path(changed) == path)

    def _watch_code(self) -> None:
        while not self._stop.is_set():
            self._code_moved.clear()
            self._watch_until(code_paths(self._template), recursive=True,
                              stop=_Either(self._stop, self._code_moved))

    def _watch_until(self, paths: list[Path], *, recursive: bool, stop: threading.Event | _Either,
                     only: Callable[[watchfiles.Change, str], bool] | None = None) -> None:
        """Apply each batch of changes under ``paths`` until ``stop`` is set; a failure is reported."""
        try:
            for batch in watchfiles.watch(*paths, recursive=recursive, stop_event=stop, rust_timeout=500,
                                          watch_filter=only or watchfiles.DefaultFilter()):
                self.apply(Path(changed) for _, changed in batch)
        except Exception as exc:  # e.g. a watched folder vanished: say so, then watch what exists now
            self._console.line(f"reload: watching failed ({exc}); retrying")
            self._stop.wait(1.0)
