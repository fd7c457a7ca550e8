"""`arbvault local` assembled: the components in start order, and what the banner says about them.

Start order: database (migrated), dev-key, functions (warming in the background), gateway, reloader; they stop
in reverse. Later components (the offline Keepa server, a moto server with the template's queues, queue
pollers, schedules) slot in the same way, publishing what functions need (endpoints, credentials) in the
map of provided variables that the database component fills with ``DATABASE_URL``.
"""

from __future__ import annotations

import socket
import time
from collections import ChainMap
from dataclasses import dataclass, field
from pathlib import Path

from infra.local.console import Console
from infra.local.database import Database
from infra.local.dev_key import DevKey
from infra.local.docs import DOCS_PATH, ApiDocs
from infra.local.functions import Functions
from infra.local.gateway import Gateway
from infra.local.reload import Reloader
from infra.local.routing import RouteTable
from infra.local.server import HttpServer
from infra.local.stack import Stack
from infra.paths import PROJECT_ROOT
from infra.template import parse_template


@dataclass(frozen=True, slots=True)
class LocalOptions:
    """What `arbvault local` was asked for."""

    template_path: Path
    environment: dict[str, str] = field(default_factory=dict)  # --env overrides for every function
    prewarm: bool = True
    reload: bool = True


class LocalStack:
    """The whole local stack on the listening socket ``sock``."""

    def __init__(self, options: LocalOptions, sock: socket.socket, console: Console) -> None:
        template = parse_template(options.template_path)
        routes = RouteTable(template)  # refuses a template whose routes name unknown authorizers
        # What components provide to functions (the database URL, ...); --env values win over it.
        provided: dict[str, str] = {}
        self.database = Database(provided)
        self.dev_key = DevKey()
        self.functions = Functions(template, ChainMap(options.environment, provided), console.function_output,
                                   prewarm=options.prewarm)
        self.docs = ApiDocs(template, console, base_url=_base_url(sock))
        self.gateway = Gateway(routes, self.functions.invoke, console, self.docs.page)
        self.server = HttpServer(sock, self.gateway)
        components = [self.database, self.dev_key, self.functions, self.server]
        if options.reload:
            components.append(Reloader(template, self.functions, self.gateway, self.docs, console))
        self.stack = Stack(components, on_error=lambda name, exc: console.line(f"stopping {name} failed: {exc}"))
        self.ready_ms = 0.0
        self._reload = options.reload

    @property
    def base_url(self) -> str:
        return _base_url(self.server.listening_socket)

    def start(self, began: float) -> None:
        """Start every component; ``began`` (a ``time.perf_counter()``) is when the command started."""
        self.stack.start()
        self.ready_ms = (time.perf_counter() - began) * 1000

    def stop(self) -> None:
        self.stack.stop()

    def banner(self) -> list[str]:
        """What to print once the stack is ready."""
        template = self.gateway.routes.template
        try:
            key_file = self.dev_key.path.relative_to(PROJECT_ROOT)
        except ValueError:
            key_file = self.dev_key.path
        created = "created now, " if self.dev_key.created else ""
        reload = "; edits under functions/, shared/ and template.yaml reload it" if self._reload else ""
        return [
            f"ArbitrageVault local stack ready in {self.ready_ms:.0f} ms",
            f"  API       {self.base_url}  ({len(self.gateway.routes)} routes from {template.path.name}; "
            f"docs at {self.base_url}{DOCS_PATH})",
            f"  API key   {self.dev_key.key}  (admin; {created}kept in {key_file})",
            f"  database  {self.database.description}, migrations applied",
            f"  startup   {', '.join(f'{n} {ms:.0f} ms' for n, ms in self.stack.timings_ms.items())}",
            f"  Ctrl-C stops the stack{reload}.",
        ]


def _base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
