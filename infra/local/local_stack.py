"""`arbvault local` assembled: the components in start order, and what the banner says about them.

Start order: the services functions need (database, keepa, sqs, queues: see ``services``), dev-key, functions
(warming in the background), gateway, pollers (the template's SQS event-source mappings), schedules, reloader;
they stop in reverse.
"""

from __future__ import annotations

import socket
import time
from collections import ChainMap
from dataclasses import dataclass, field
from pathlib import Path

from infra.local.aws import LOCAL_ACCOUNT_ID
from infra.local.console import Console
from infra.local.dev_key import DevKey
from infra.local.docs import DOCS_PATH, ApiDocs
from infra.local.functions import Functions
from infra.local.gateway import Gateway
from infra.local.keepa import KeepaOptions
from infra.local.pollers import Pollers
from infra.local.queue_store import STORE_FILE
from infra.local.reload import Reloader
from infra.local.routing import RouteTable
from infra.local.schedules import Schedules
from infra.local.server import HttpServer
from infra.local.services import Services
from infra.local.stack import Component, Stack
from infra.paths import PROJECT_ROOT, state_dir


@dataclass(frozen=True, slots=True)
class LocalOptions:
    """What `arbvault local` was asked for."""

    template_path: Path
    environment: dict[str, str] = field(default_factory=dict)  # --env overrides for every function
    parameters: dict[str, str] = field(default_factory=dict)  # --parameter overrides of template parameters
    prewarm: bool = True
    reload: bool = True
    keepa: KeepaOptions = field(default_factory=KeepaOptions)
    sqs_port: int = 0  # 0: a free port
    schedule_speedup: float = 1.0  # >1 runs schedules on a faster clock (tests)


class LocalStack:
    """The whole local stack on the listening socket ``sock``."""

    def __init__(self, options: LocalOptions, sock: socket.socket, console: Console) -> None:
        # Always with an SQS endpoint: a reloaded template may add queues.
        self.services = Services(options.template_path, options.environment, options.keepa, console,
                                 sqs_port=options.sqs_port, queue_store=state_dir() / STORE_FILE,
                                 parameters=options.parameters)
        template = self.services.template
        routes = RouteTable(template)  # refuses a template whose routes name unknown authorizers
        assert self.services.sqs is not None and self.services.queues is not None
        endpoint, self.queues = self.services.sqs.endpoint, self.services.queues
        self.dev_key = DevKey()
        # What the services provide to functions; --env values win over it.
        self.functions = Functions(template, ChainMap(options.environment, self.services.provided),
                                   console.function_output, prewarm=options.prewarm)
        self.docs = ApiDocs(template, console, base_url=_base_url(sock))
        self.gateway = Gateway(routes, self.functions.invoke, console, self.docs.page)
        self.server = HttpServer(sock, self.gateway)
        # Both check the template's triggers now: settings Lambda or EventBridge refuse stop the start.
        self.pollers = Pollers(template, endpoint, self.functions.invoke, console)
        self.schedules = Schedules(template, self.functions.invoke, console, account_id=LOCAL_ACCOUNT_ID,
                                   speedup=options.schedule_speedup)
        components: list[Component] = [*self.services.components, self.dev_key, self.functions, self.server,
                                       self.pollers, self.schedules]
        if options.reload:
            components.append(Reloader(template, self.functions, self.gateway, self.docs, console,
                                       parse=self.services.parse,
                                       resources=[self.queues.apply],
                                       triggers=[self.pollers.apply, self.schedules.apply]))
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
        lines = [
            f"ArbitrageVault local stack ready in {self.ready_ms:.0f} ms",
            f"  API       {self.base_url}  ({len(self.gateway.routes)} routes from {template.path.name}; "
            f"docs at {self.base_url}{DOCS_PATH})",
            f"  API key   {self.dev_key.key}  (admin; {created}kept in {key_file})",
            f"  database  {self.services.database.description}, migrations applied",
            f"  Keepa     {self.services.keepa.description}",
        ]
        cors = self.gateway.routes.cors
        if cors is not None:
            credentials = "with" if cors.allow_credentials else "without"
            lines.append(f"  CORS      {', '.join(cors.allow_origins)} ({credentials} credentials)")
        endpoint, *queues = self.queues.describe()
        lines.append(f"  SQS       {endpoint}")
        lines += [f"  queue     {queue}" for queue in queues]
        lines += [f"  pollers   {mapping.summary()}" for mapping in self.pollers.mappings]
        lines += [f"  schedule  {entry}" for entry in self.schedules.describe()]
        startup = ", ".join(f"{n} {ms:.0f} ms" for n, ms in self.stack.timings_ms.items())
        return [*lines, f"  startup   {startup}", f"  Ctrl-C stops the stack{reload}."]


def _base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
